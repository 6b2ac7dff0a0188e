/**
 * An empty array that V8 already holds as an array of objects (its "elements kind"), for the arrays a bulk
 * transaction or a large remote batch fills with one object or string per entity or event.
 *
 * A new `[]` starts as an array of small integers, and the first object pushed changes its kind. Optimized
 * code compiled on an earlier array of objects then meets the new, integer-kind array at its first push and
 * is thrown away (a deoptimization: "not a Smi" or "wrong map" in `--trace-deopt`); the loop runs unoptimized
 * until V8 compiles it again. Each new transaction paid that at every such push site: in a 10,000-create
 * transaction on a fresh node, about a quarter of the third round's time (bench/bulk-create.ts).
 */
export function objectArray<T>(): T[] {
  const a: (T | null)[] = [null];
  a.pop();
  return a as T[];
}

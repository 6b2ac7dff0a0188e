import { type Path } from '../query/ast';
import { own } from '../query/path-scan';

/**
 * Calls `fn` with every leaf value a path reaches in a row, expanding arrays the way the evaluator does
 * (a path into an array matches when any element matches), so index lookups find what the predicate selects.
 */
export function forEachLeaf(row: unknown, path: Path, fn: (value: unknown) => void, i = 0): void {
  if (row === null || row === undefined) return;
  if (Array.isArray(row)) {
    for (const element of row as readonly unknown[]) forEachLeaf(element, path, fn, i);
    return;
  }
  if (i === path.length) {
    fn(row);
    return;
  }
  if (typeof row === 'object') forEachLeaf(own(row, path[i] as string), path, fn, i + 1);
}

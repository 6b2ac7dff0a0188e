/** Compares strings by Unicode code point (binary / "C" collation), which JS `<` does not do for astral characters. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      // Code-unit order differs from code-point order only when both units are >= 0xD800:
      // surrogates (astral code points) must sort above the BMP range 0xE000-0xFFFF.
      if (x >= 0xd800 && y >= 0xd800) return fixup(x) - fixup(y);
      return x - y;
    }
  }
  return a.length - b.length;
}

/** True when code-unit order (JS `<`) equals code-point order against any other string. */
export function unitOrderIsSafe(s: string): boolean {
  return !/[\uD800-\uFFFF]/.test(s);
}

function fixup(unit: number): number {
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

/** Deterministic order across types: null/missing < boolean < number < string < JSON (by canonical JSON text). */
export function compareValues(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 1:
      return Number(a) - Number(b);
    case 2:
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case 3:
      return compareStrings(a as string, b as string);
    case 4:
      return compareStrings(canonicalJson(a), canonicalJson(b));
    default:
      return 0;
  }
}

function rank(v: unknown): number {
  if (v === null || v === undefined) return 0;
  const type = typeof v;
  return type === 'boolean' ? 1 : type === 'number' ? 2 : type === 'string' ? 3 : 4;
}

/** JSON text with object keys sorted by code point, so equal values print identically on every node. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([x], [y]) => compareStrings(x, y));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What measuring a frame found: its approximate size, or why it is refused before any parsing. */
export type FrameMeasure =
  | { readonly ok: true; readonly bytes: number }
  | { readonly ok: false; readonly reason: string };

/**
 * Measures a decoded frame without recursion (a hostile frame cannot overflow the stack), stopping as soon as it
 * exceeds `maxBytes` or `maxDepth`. Strings count their UTF-16 length, binary its byte length.
 */
export function measureFrame(frame: unknown, maxBytes: number, maxDepth: number): FrameMeasure {
  let bytes = 0;
  // Two parallel stacks (values and their depths): no allocation per visited value.
  const values: unknown[] = [frame];
  const depths: number[] = [0];
  while (values.length > 0) {
    const value = values.pop();
    const depth = depths.pop() as number;
    if (depth > maxDepth) return { ok: false, reason: `the frame is nested deeper than ${maxDepth} levels` };
    if (typeof value === 'string') bytes += value.length + 2;
    else if (value instanceof Uint8Array || value instanceof ArrayBuffer) bytes += value.byteLength;
    else if (Array.isArray(value)) {
      bytes += 2;
      for (const v of value as unknown[]) {
        values.push(v);
        depths.push(depth + 1);
      }
    } else if (typeof value === 'object' && value !== null) {
      bytes += 2;
      const o = value as Record<string, unknown>;
      for (const k of Object.keys(o)) {
        bytes += k.length + 3;
        values.push(o[k]);
        depths.push(depth + 1);
      }
    } else bytes += 8;
    if (bytes > maxBytes) return { ok: false, reason: `the frame exceeds the limit of ${maxBytes} bytes` };
  }
  return { ok: true, bytes };
}

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const SRC = resolve(__dirname, '../../../src');

/** Plain errors that never escape: socket.io's middleware takes an Error whose `data` reaches the client. */
const ALLOWED_PLAIN: readonly (readonly [string, string])[] = [
  ['transport/socket-server.ts', 'next(Object.assign(new Error(data.message), { data }))'],
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const sources = files(SRC).map((p) => ({ file: relative(SRC, p), text: readFileSync(p, 'utf8') }));

function hits(pattern: RegExp, skip: (file: string) => boolean): string[] {
  const out: string[] = [];
  for (const { file, text } of sources) {
    if (skip(file)) continue;
    text.split('\n').forEach((line, i) => {
      if (pattern.test(line)) out.push(`${file}:${i + 1}: ${line.trim()}`);
    });
  }
  return out;
}

describe('errors raised from src', () => {
  test('no plain Error, TypeError or RangeError is built (AnkurahError subclasses only)', () => {
    const allowed = (h: string): boolean =>
      ALLOWED_PLAIN.some(([f, code]) => h.startsWith(`${f}:`) && h.includes(code));
    const found = hits(/new (Error|TypeError|RangeError|SyntaxError)\(/, () => false).filter(
      (h) => !allowed(h),
    );
    expect(found).toEqual([]);
  });

  test('error classes are built only by their named factories in src/errors', () => {
    const found = hits(
      /new (Causal|Protocol|Storage|Unavailable|Usage|AccessDenied|NotFound|TransactionClosed|Internal)Error\(/,
      (file) => file.startsWith('errors/'),
    );
    expect(found).toEqual([]);
  });

  test('no free-text create(reason) in src outside src/errors', () => {
    const found = hits(/Error\.create\(/, (file) => file.startsWith('errors/'));
    expect(found).toEqual([]);
  });

  test('the scan sees the sources it guards', () => {
    expect(sources.length).toBeGreaterThan(50);
    expect(hits(/throw CausalError\.wrongEntity\(/, () => false)).toHaveLength(1);
  });
});

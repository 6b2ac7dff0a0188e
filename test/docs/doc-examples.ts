import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** One `ts example` code block of the README or docs/. */
export interface Example {
  readonly file: string;
  /** The 1-based line of the block's first code line. */
  readonly line: number;
  readonly code: string;
}

function examplesOf(file: string): Example[] {
  const out: Example[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== '```ts example') continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end]?.trim() !== '```') end++;
    out.push({ file, line: start + 1, code: lines.slice(start, end).join('\n') });
    i = end;
  }
  return out;
}

/** Every `ts example` block of README.md and docs/*.md, in file order. */
export function docExamples(): Example[] {
  const docs = resolve(__dirname, '../../docs');
  return [resolve(__dirname, '../../README.md'), ...readdirSync(docs).map((f) => join(docs, f))]
    .filter((f) => f.endsWith('.md'))
    .flatMap(examplesOf);
}

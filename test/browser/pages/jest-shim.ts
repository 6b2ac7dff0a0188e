import { expect } from 'expect';

/** One test's outcome, as the page reports it to the test process. */
export interface CaseResult {
  readonly name: string;
  readonly ok: boolean;
  readonly error?: string;
}

type Fn = () => unknown;
interface Suite {
  readonly name: string;
  readonly before: Fn[];
  readonly after: Fn[];
  readonly items: (Suite | { name: string; fn: Fn })[];
}

const root: Suite = { name: '', before: [], after: [], items: [] };
let current = root;

function format(label: string, args: readonly unknown[]): string {
  let i = 0;
  return label.replace(/%[sdpj]/g, () => String(args[i++]));
}

function test(name: string, fn: Fn): void {
  current.items.push({ name, fn });
}
test.each =
  <T extends readonly unknown[]>(rows: readonly T[]) =>
  (name: string, fn: (...args: T) => unknown): void => {
    for (const row of rows) test(format(name, row), () => fn(...row));
  };
test.skip = (_name: string, _fn?: Fn): void => undefined;

function describe(name: string, body: () => void): void {
  const suite: Suite = { name, before: [], after: [], items: [] };
  current.items.push(suite);
  const parent = current;
  current = suite;
  try {
    body();
  } finally {
    current = parent;
  }
}

async function run(suite: Suite, prefix: string, out: CaseResult[]): Promise<void> {
  const path = suite.name ? `${prefix}${suite.name} › ` : prefix;
  try {
    for (const b of suite.before) await b();
  } catch (e) {
    out.push({ name: `${path}beforeAll`, ok: false, error: String((e as Error)?.stack ?? e) });
    return;
  }
  for (const item of suite.items) {
    if ('items' in item) {
      await run(item, path, out);
      continue;
    }
    try {
      await item.fn();
      out.push({ name: path + item.name, ok: true });
    } catch (e) {
      out.push({ name: path + item.name, ok: false, error: String((e as Error)?.message ?? e) });
    }
  }
  for (const a of suite.after) {
    try {
      await a();
    } catch (e) {
      out.push({ name: `${path}afterAll`, ok: false, error: String((e as Error)?.message ?? e) });
    }
  }
}

/** Runs every registered test in order (like jest with one worker) and reports each outcome. */
export async function runAll(): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  await run(root, '', out);
  return out;
}

Object.assign(globalThis, {
  expect,
  test,
  it: test,
  describe,
  beforeAll: (fn: Fn) => current.before.push(fn),
  afterAll: (fn: Fn) => current.after.push(fn),
});

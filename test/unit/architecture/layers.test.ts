import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve(__dirname, '../../../src');
const LAYERS = [
  'errors',
  'model',
  'query',
  'event',
  'property',
  'entity',
  'storage',
  'reactor',
  'node',
  'protocol',
  'serve',
  'transport',
  'fanout',
  'bindings',
] as const;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Runtime imports only: `import type` and all-`type` specifier lists are erased by TypeScript. */
function imports(file: string, runtimeOnly = false): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(import|export)(\s+type)?([^'"]*?)from\s+['"]([^'"]+)['"]/g)) {
    const clause = m[3] ?? '';
    const names =
      /\{([^}]*)\}/
        .exec(clause)?.[1]
        ?.split(',')
        .map((n) => n.trim())
        .filter(Boolean) ?? [];
    const typeOnly =
      m[2] !== undefined ||
      (names.length > 0 && names.every((n) => n.startsWith('type ')) && !/^\s*\w+\s*,/.test(clause));
    if (!runtimeOnly || !typeOnly) out.push(m[4] as string);
  }
  for (const m of text.matchAll(/(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g)) out.push(m[1] as string);
  return out;
}

function resolveLocal(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  for (const c of [`${base}.ts`, join(base, 'index.ts')]) {
    try {
      if (statSync(c).isFile()) return c;
    } catch {
      // try the next candidate
    }
  }
  return undefined;
}

const layerOf = (file: string): number =>
  LAYERS.indexOf(relative(SRC, file).split('/')[0] as (typeof LAYERS)[number]);
const all = files(SRC);

describe('architecture', () => {
  it('never imports a higher layer from a lower one', () => {
    const violations: string[] = [];
    for (const f of all) {
      const own = layerOf(f);
      if (own < 0) continue;
      for (const spec of imports(f)) {
        const target = resolveLocal(f, spec);
        if (target && layerOf(target) > own)
          violations.push(`${relative(SRC, f)} -> ${relative(SRC, target)}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('has no runtime import cycles', () => {
    expect(cyclesOf(all, true)).toEqual([]);
  });

  it('has no import cycles inside node/, type imports included', () => {
    const node = all.filter((f) => relative(SRC, f).startsWith('node/'));
    expect(node.length).toBeGreaterThan(10);
    expect(cyclesOf(node, false)).toEqual([]);
  });

  it('keeps the parts of node/ apart: the user API and the peer client see the kernel only through ports', () => {
    const forbidden: [from: string, to: RegExp][] = [
      ['node/api/', /^node\/(kernel\/|peers\/(?!peer\.ts$))/],
      ['node/peers/', /^node\/(kernel|api)\//],
      ['node/kernel/', /^node\/api\//],
    ];
    const violations: string[] = [];
    for (const f of all) {
      const rel = relative(SRC, f);
      for (const spec of imports(f)) {
        const target = resolveLocal(f, spec);
        if (!target) continue;
        const to = relative(SRC, target);
        const outside = !rel.startsWith('node/') && to.startsWith('node/kernel/');
        if (outside || forbidden.some(([from, re]) => rel.startsWith(from) && re.test(to))) {
          violations.push(`${rel} -> ${to}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('finds a type-import cycle when there is one', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['a']],
    ]);
    expect(cyclesIn(graph)).toEqual(['a -> b -> a']);
  });

  it('confines typeorm, socket.io, NestJS and Node built-ins to their layers', () => {
    const offenders: string[] = [];
    for (const f of all) {
      const rel = relative(SRC, f);
      for (const spec of imports(f)) {
        if (spec === 'typeorm' && !rel.startsWith('storage/typeorm/')) offenders.push(`${rel}: ${spec}`);
        if (spec.startsWith('socket.io') && !rel.startsWith('transport/')) offenders.push(`${rel}: ${spec}`);
        if (spec.startsWith('@nestjs/') && !rel.startsWith('bindings/nest/'))
          offenders.push(`${rel}: ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});

/** The import cycles among `files` (runtime imports only, or type imports too). */
function cyclesOf(files: readonly string[], runtimeOnly: boolean): string[] {
  const within = new Set(files);
  const graph = new Map(
    files.map((f) => [
      relative(SRC, f),
      imports(f, runtimeOnly)
        .flatMap((s) => resolveLocal(f, s) ?? [])
        .filter((t) => within.has(t))
        .map((t) => relative(SRC, t)),
    ]),
  );
  return cyclesIn(graph);
}

function cyclesIn(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const state = new Map<string, 'active' | 'done'>();
  const cycles: string[] = [];
  const visit = (f: string, path: string[]): void => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'active') {
      cycles.push([...path.slice(path.indexOf(f)), f].join(' -> '));
      return;
    }
    state.set(f, 'active');
    for (const t of graph.get(f) ?? []) visit(t, [...path, f]);
    state.set(f, 'done');
  };
  for (const f of graph.keys()) visit(f, []);
  return cycles;
}

import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { objectArray } from '../../../src/model/object-array';

/**
 * objectArray exists for V8's elements kinds (see its doc): checked with V8's own intrinsics in a child process
 * (`--allow-natives-syntax`), so that a "simplification" to `[]`, or a V8 that no longer needs the trick, shows.
 */
describe('objectArray', () => {
  it('is an empty, ordinary array', () => {
    const a = objectArray<{ n: number }>();
    expect(Array.isArray(a)).toBe(true);
    expect(a).toHaveLength(0);
    a.push({ n: 1 }, { n: 2 });
    expect(a).toEqual([{ n: 1 }, { n: 2 }]);
    expect(objectArray()).not.toBe(objectArray());
  });

  it('starts with object elements, where a new [] starts with small integers', () => {
    const root = resolve(__dirname, '../../..');
    const script = `
      const { objectArray } = require('./src/model/object-array');
      const out = { fresh: %HasSmiElements([]), helper: %HasObjectElements(objectArray()) };
      const a = objectArray();
      a.push('id');
      out.afterPush = %HasObjectElements(a);
      process.stdout.write(JSON.stringify(out));
    `;
    const out = execFileSync(
      process.execPath,
      ['--allow-natives-syntax', '-r', 'ts-node/register/transpile-only', '-e', script],
      { cwd: root, encoding: 'utf8' },
    );
    expect(JSON.parse(out)).toEqual({ fresh: true, helper: true, afterPush: true });
  });
});

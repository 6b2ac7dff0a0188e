import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Serial } from '../../../src/storage/serial';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('Serial', () => {
  it('runs operations one at a time, in call order, past failures', async () => {
    const serial = new Serial();
    const log: string[] = [];
    const slow = serial.run(async () => {
      await new Promise((r) => setTimeout(r, 5));
      log.push('slow');
      throw new Error('boom');
    });
    const fast = serial.run(async () => {
      log.push('fast');
      return 2;
    });
    await expect(slow).rejects.toThrow('boom');
    await expect(fast).resolves.toBe(2);
    expect(log).toEqual(['slow', 'fast']);
  });

  it('keeps no operation result alive once it settled', async () => {
    const serial = new Serial();
    let ref: WeakRef<object> | undefined;
    await serial.run(async () => {
      const result = { big: new Array(1000).fill(1) };
      ref = new WeakRef(result);
      return result;
    });
    // A WeakRef keeps its target until the job that made it ends.
    await new Promise((r) => setTimeout(r, 0));
    gc();
    expect(ref?.deref()).toBeUndefined();
  });
});

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

  it('is idle only while nothing is queued or running, failures included', async () => {
    const serial = new Serial();
    expect(serial.idle).toBe(true);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = serial.run(() => gate);
    const second = serial.run(async () => {
      throw new Error('boom');
    });
    expect(serial.idle).toBe(false);
    release();
    await first;
    expect(serial.idle).toBe(false);
    await expect(second).rejects.toThrow('boom');
    // The count drops when the tail settles, a turn after the operation.
    await serial.run(async () => undefined);
    expect(serial.idle).toBe(true);
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

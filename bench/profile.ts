/* Profiling hooks for the bench scripts: a CPU or sampled-heap profile of one part of a run, to a file. */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

/** Starts and stops one profile of this process. */
export interface ProfileHooks {
  start(): Promise<unknown>;
  stop(): Promise<unknown>;
}

/** A CPU profile (sampled every `intervalUs` µs) or a sampled heap profile, written to `file` at stop. */
export function profileHooks(file: string, kind: 'cpu' | 'heap', intervalUs = 50): ProfileHooks {
  const session = new Session();
  const post = (m: string, p?: object): Promise<unknown> =>
    new Promise((res, rej) => session.post(m, p ?? {}, (e, r) => (e ? rej(e) : res(r))));
  return {
    start: async () => {
      session.connect();
      if (kind === 'cpu') {
        await post('Profiler.enable');
        await post('Profiler.setSamplingInterval', { interval: intervalUs });
        await post('Profiler.start');
      } else {
        await post('HeapProfiler.enable');
        await post('HeapProfiler.startSampling', {
          samplingInterval: 256,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: true,
        });
      }
    },
    stop: async () => {
      const { profile } = (await post(kind === 'cpu' ? 'Profiler.stop' : 'HeapProfiler.stopSampling')) as {
        profile: object;
      };
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

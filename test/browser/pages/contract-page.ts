import { runAll } from './jest-shim';
import 'reflect-metadata';
import { IndexedDbStorage } from 'ankurah/indexeddb';
import { newId } from '../../../src/event/ids';
import { OUTBOX, outboxRecord } from '../../../src/node/peers/outbox';
import { openDatabase } from '../../../src/storage/indexeddb/open-db';
import { storageContract } from '../../integration/storage/contract';
import { indexPlans } from './index-plans';

storageContract(
  'indexeddb',
  () => IndexedDbStorage.open('contract'),
  { durable: true },
  () => IndexedDbStorage.delete('contract'),
);

indexPlans();

/** Commits ever larger batches (each with an outbox record) until the quota refuses one; reports what was kept. */
async function quotaProbe(): Promise<{
  name: string;
  message: string;
  outboxKept: boolean;
  eventKept: boolean;
}> {
  const storage = await IndexedDbStorage.open('quota');
  await storage.ensureCollection({ name: 'blob', columns: [] });
  // Random text: Chromium compresses large IndexedDB values, so a repeated character would never fill the quota.
  let big = '';
  for (let i = 0; i < 8; i++) {
    big += btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32 * 1024))));
  }
  try {
    for (let i = 0; i < 400; i++) {
      const id = newId();
      const event = { id, entityId: id, collection: 'blob', parents: [], operations: { lww: { big } } };
      const seq = newId();
      try {
        await storage.commit({
          events: [event],
          states: [
            { id, collection: 'blob', head: [id], deleted: false, lww: {}, text: {}, values: { big } },
            outboxRecord(seq, [event]),
          ],
        });
      } catch (e) {
        const err = e as Error;
        return {
          name: err.constructor.name,
          message: err.message,
          outboxKept: (await storage.getState(OUTBOX, seq)) !== undefined,
          eventKept: (await storage.getEvents('blob', [id])).length > 0,
        };
      }
    }
    return { name: 'none', message: 'no quota error', outboxKept: false, eventKept: false };
  } finally {
    await storage.close();
  }
}

/** Holds version 1 of a database open (an "old tab" that ignores versionchange) and asks for version 2. */
async function blockedProbe(): Promise<{ name: string; message: string }> {
  const old = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open('blocked', 1);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('open failed'));
  });
  try {
    await openDatabase('blocked', 2);
    return { name: 'none', message: 'opened' };
  } catch (e) {
    return { name: (e as Error).constructor.name, message: (e as Error).message };
  } finally {
    old.close();
  }
}

Object.assign(window, { __runContract: runAll, __quotaProbe: quotaProbe, __blockedProbe: blockedProbe });
document.title = 'contract page ready';

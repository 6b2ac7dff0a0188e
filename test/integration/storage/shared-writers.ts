import 'reflect-metadata';
import { Field, Model, Text } from '../../../src/model/decorators';
import { Node } from '../../../src/node/node';
import { type EntityState } from '../../../src/entity/entity-state';
import { type StorageEngine } from '../../../src/storage/engine';
import { internals } from '../../fixtures/internals';
import { MemoryStorage } from '../../../src/storage/memory-storage';

/** The model the shared writers edit (types given explicitly: the process helper is bundled by esbuild). */
@Model('tally')
export class Tally {
  @Field({ type: 'string' }) name!: string;
  @Field({ type: 'string' }) artist!: string;
  @Field({ type: 'integer', index: true }) year!: number;
  @Text() notes!: string;
}

/** What one writer node acknowledged: the token of each commit that resolved, by entity. */
export type Acknowledged = Map<string, string[]>;

/** Creates `count` albums through `node` (before the writers start) and returns their ids. */
export async function seedTallies(node: Node, count: number): Promise<string[]> {
  const ctx = node.context();
  const trx = ctx.begin();
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const a = await trx.create(Tally, { name: `A${i}`, artist: 'seed', year: 2000, notes: '' });
    ids.push(a.id);
  }
  await trx.commit();
  return ids;
}

/**
 * Makes `commits` commits through `node`, each editing one of `ids` (round robin from `offset`): sets `year`
 * and `artist` and inserts a unique token into `notes`. Resolves to the tokens of the acknowledged commits.
 */
export async function writeTallies(
  node: Node,
  name: string,
  ids: readonly string[],
  commits: number,
  offset = 0,
): Promise<Acknowledged> {
  const ctx = node.context();
  const acked: Acknowledged = new Map(ids.map((id) => [id, []]));
  for (let k = 0; k < commits; k++) {
    const id = ids[(k + offset) % ids.length] as string;
    const token = `<${name}:${k}>`;
    const trx = ctx.begin();
    const m = await trx.edit(Tally, id);
    m.year = 2001 + k;
    m.artist = name;
    m.text('notes').insert(0, token);
    await trx.commit();
    acked.get(id)?.push(token);
  }
  return acked;
}

/** The state the events of one entity give when replayed from nothing on a fresh node. */
export async function replay(storage: StorageEngine, id: string): Promise<EntityState | undefined> {
  const events = await storage.entityEvents('tally', id);
  const fresh = await Node.durable(new MemoryStorage(), { models: [Tally] });
  try {
    await internals(fresh).applyRemote(events, {});
    return await internals(fresh).storage.getState('tally', id);
  } finally {
    await fresh.close();
  }
}

/**
 * Checks the shared database after the writers: every acknowledged token is in the entity's notes, its history
 * holds one event per acknowledged commit (plus the creation), and the stored state equals the replay.
 * Resolves to the number of acknowledged commits found.
 */
export async function expectNothingLost(
  storage: StorageEngine,
  ids: readonly string[],
  acked: readonly Acknowledged[],
): Promise<number> {
  let found = 0;
  for (const id of ids) {
    const tokens = acked.flatMap((a) => a.get(id) ?? []);
    const stored = await storage.getState('tally', id);
    const notes = stored?.values['notes'] as string;
    const missing = tokens.filter((t) => !notes.includes(t));
    expect(missing).toEqual([]);
    found += tokens.length;
    expect(await storage.entityEvents('tally', id)).toHaveLength(tokens.length + 1);
    const replayed = await replay(storage, id);
    expect(replayed?.values).toEqual(stored?.values);
    expect([...(replayed?.head ?? [])].sort()).toEqual([...(stored?.head ?? [])].sort());
  }
  return found;
}

import 'reflect-metadata';
import { runInNewContext } from 'node:vm';
import { LocalConnector, MemoryStorage, Node, ValidationError } from 'ankurah';
import { Album } from '../fixtures/models';

describe('@Json values made in another realm', () => {
  it('travel over LocalConnector under jest (structuredClone copies into the outer realm)', async () => {
    const server = await Node.durable(new MemoryStorage(), { models: [Album] });
    const client = await Node.ephemeral(new MemoryStorage(), { models: [Album] });
    await LocalConnector.connect(server, client);
    const meta = { tags: ['live', 'remastered'], extra: { nested: [1, { deep: true }] } };
    const created = await client.context().collection(Album).create({
      name: 'Json',
      artist: 'A',
      year: 2001,
      meta,
    });
    expect((await server.context().get(Album, created.id)).meta).toEqual(meta);
    const other = await Node.ephemeral(new MemoryStorage(), { models: [Album] });
    await LocalConnector.connect(server, other);
    expect((await other.context().get(Album, created.id)).meta).toEqual(meta);
    await other.close();
    await client.close();
    await server.close();
  });

  it('a value built by node:vm in another context is accepted as a plain JSON value', async () => {
    const node = await Node.durable(new MemoryStorage(), { models: [Album] });
    const foreign = runInNewContext('({ tags: ["a"], more: { list: [1, 2, { x: null }] } })') as {
      tags: string[];
    };
    expect(Object.getPrototypeOf(foreign)).not.toBe(Object.prototype);
    const created = await node.context().collection(Album).create({
      name: 'Vm',
      artist: 'A',
      year: 2001,
      meta: foreign,
    });
    expect(created.meta).toEqual({ tags: ['a'], more: { list: [1, 2, { x: null }] } });
    // Class instances stay refused, from any realm.
    const instance = runInNewContext('new (class Point { constructor() { this.x = 1; } })()') as never;
    const trx = node.context().begin();
    await expect(trx.create(Album, { name: 'C', artist: 'A', year: 2001, meta: instance })).rejects.toThrow(
      ValidationError,
    );
    await node.close();
  });
});

import 'reflect-metadata';
import {
  LocalConnector,
  MemoryStorage,
  Node,
  PermissiveAgent,
  QuerySyntaxError,
  type ContextData,
} from 'ankurah';
import { parseSelection } from '../../src/query/parser';
import { printSelection } from '../../src/query/printer';
import { Album } from '../fixtures/models';

async function syntaxError(run: () => Promise<unknown>): Promise<QuerySyntaxError> {
  const e = await run().then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof QuerySyntaxError)) throw new Error(`expected a QuerySyntaxError, got ${String(e)}`);
  return e;
}

async function withAlbums() {
  const node = await Node.durable(new MemoryStorage(), { models: [Album] });
  const ctx = node.context();
  await ctx.collection(Album).create({ name: 'One', artist: 'Muse', year: 2001, meta: { tags: ['live'] } });
  return { node, ctx };
}

describe('fields a model does not declare, in a selection on that model', () => {
  it('are a QuerySyntaxError at the field, in conditions and in ORDER BY, on every read path', async () => {
    const { node, ctx } = await withAlbums();
    const typo = await syntaxError(() => ctx.fetch(Album, "year > 2000 AND artst = 'Muse'"));
    expect(typo.offset).toBe(16);
    expect(typo.message).toContain(
      'Expected a field of Album (name, artist, year, rating, notes, meta, label, id), or @schemaless at the ' +
        "start of the selection to query fields Album does not declare, but found 'artst' at line 1, column 17",
    );
    const order = await syntaxError(() => ctx.fetch(Album, 'year > 1 ORDER BY name, yaer DESC'));
    expect(order.offset).toBe(24);
    expect(order.message).toContain("but found 'yaer'");
    expect((await syntaxError(() => ctx.fetch(Album, 'bogus IS NULL'))).offset).toBe(0);
    expect((await syntaxError(() => ctx.fetch(Album, 'NOT (x.y IN (1, 2))'))).offset).toBe(5);
    expect(() => ctx.query(Album, 'bogus = 1')).toThrow(QuerySyntaxError);
    await syntaxError(() => ctx.collection(Album).fetch('true ORDER BY bogus'));
    await syntaxError(() => ctx.subscribe(Album, 'bogus = 1', () => undefined));
    const q = ctx.query(Album, 'year > 0');
    await q.loaded;
    await expect(q.update('bogus = 1')).rejects.toBeInstanceOf(QuerySyntaxError);
    q.unsubscribe();
    await node.close();
  });

  it('declared fields, id, JSON paths and reference paths stay allowed', async () => {
    const { node, ctx } = await withAlbums();
    const sel =
      "id IS NOT NULL AND meta.tags = 'live' AND label.name IS NULL AND year > 0 ORDER BY meta.x, id";
    expect((await ctx.fetch(Album, sel)).map((a) => a.name)).toEqual(['One']);
    // Through a reference, the referenced model's fields are checked (and the pragma carries over).
    await syntaxError(() => ctx.fetch(Album, "label.nmae = 'x'"));
    expect(await ctx.fetch(Album, "@schemaless label.nmae = 'x'")).toEqual([]);
    await node.close();
  });

  it('the @schemaless pragma opts a query out, locally and through a durable peer', async () => {
    const { node, ctx } = await withAlbums();
    expect((await ctx.fetch(Album, '@schemaless extra IS NULL ORDER BY extra')).length).toBe(1);
    const q = ctx.query(Album, '@schemaless\nextra IS NULL');
    await q.loaded;
    expect(q.items.length).toBe(1);
    q.unsubscribe();
    const client = await Node.ephemeral(new MemoryStorage(), { models: [Album] });
    await LocalConnector.connect(node, client);
    const remote = client.context();
    expect((await remote.fetch(Album, '@schemaless extra IS NULL')).length).toBe(1);
    await syntaxError(() => remote.fetch(Album, 'extra IS NULL'));
    const live = remote.query(Album, '@schemaless extra IS NULL ORDER BY extra');
    await live.loaded;
    expect(live.items.map((a) => a.name)).toEqual(['One']);
    live.unsubscribe();
    await client.close();
    await node.close();
  });

  it('the pragma is printed back; another @ word is refused where it is written', () => {
    const sel = parseSelection('  @schemaless a = 1 ORDER BY b');
    expect(sel.schemaless).toBe(true);
    expect(printSelection(sel)).toBe('@schemaless a = 1 ORDER BY b');
    expect(printSelection(parseSelection(printSelection(sel)))).toBe(printSelection(sel));
    expect(parseSelection('a = 1').schemaless).toBeUndefined();
    const e = ((): unknown => {
      try {
        return parseSelection(' @schemales a = 1');
      } catch (err) {
        return err;
      }
    })() as QuerySyntaxError;
    expect(e).toBeInstanceOf(QuerySyntaxError);
    expect(e.offset).toBe(1);
    expect(e.message).toContain("'@schemales'");
    expect(() => parseSelection('@schemalessa = 1')).toThrow(QuerySyntaxError);
  });

  it('a policy filter naming an undeclared field is refused too, unless it says @schemaless', async () => {
    class Typo extends PermissiveAgent {
      override filterPredicate(ctx: ContextData): string {
        return ctx.pragma ? "@schemaless owner = 'x' OR artist = 'Muse'" : "artst = 'Muse'";
      }
    }
    const node = await Node.durable(new MemoryStorage(), { models: [Album], policy: new Typo() });
    const trx = node.context().begin();
    await trx.create(Album, { name: 'One', artist: 'Muse', year: 2001 });
    await trx.commit();
    const e = await syntaxError(() => node.context().fetch(Album, 'true'));
    expect(e.message).toContain("but found 'artst'");
    expect((await node.context({ pragma: true }).fetch(Album, 'true')).length).toBe(1);
    await node.close();
  });
});

import 'reflect-metadata';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { MemoryStorage, Node, UnavailableError, type Context } from 'ankurah';
import { AnkurahProvider, useContext, useLiveQuery, useView } from 'ankurah/react';
import { internals } from '../../fixtures/internals';
import { Album } from '../../fixtures/models';

describe('React hooks rendered by react-dom/server (no subscriptions on the server path)', () => {
  let node: Node;
  beforeEach(async () => {
    node = await Node.durable(new MemoryStorage(), { models: [Album] });
  });
  afterEach(() => node.close());

  it('renders a live query as not loaded and empty, with an explicit or a provided context', () => {
    const base = internals(node).reactor.size;
    const Explicit = ({ ctx }: { ctx: Context }) => {
      const q = useLiveQuery(ctx, Album, 'year > ?', 1990);
      return createElement('p', null, `explicit ${q.loaded} ${q.items.length} ${q.error === undefined}`);
    };
    const Provided = () => {
      const q = useLiveQuery(Album, 'year > ?', 1990);
      return createElement('p', null, `provided ${q.loaded} ${q.items.length}`);
    };
    const ctx = node.context();
    const html = renderToString(
      createElement(
        AnkurahProvider,
        { context: ctx },
        createElement(Explicit, { ctx }),
        createElement(Provided),
      ),
    );
    expect(html).toBe('<p>explicit false 0 true</p><p>provided false 0</p>');
    expect(internals(node).reactor.size).toBe(base);
  });

  it('useView passes the view through', async () => {
    const trx = node.context().begin();
    const m = await trx.create(Album, { name: 'Homogenic', artist: 'Björk', year: 1997 });
    await trx.commit();
    const view = await node.context().get(Album, m.id);
    const Title = () => createElement('h2', null, useView(view).name);
    expect(renderToString(createElement(Title))).toBe('<h2>Homogenic</h2>');
  });

  it('useContext() without a provider throws UnavailableError naming the fix', () => {
    const Orphan = () => {
      useContext();
      return null;
    };
    expect(() => renderToString(createElement(Orphan))).toThrow(UnavailableError);
    expect(() => renderToString(createElement(Orphan))).toThrow(/AnkurahProvider/);
    const NoCtx = () => {
      useLiveQuery(Album, 'true');
      return null;
    };
    expect(() => renderToString(createElement(NoCtx))).toThrow(UnavailableError);
  });
});

import 'reflect-metadata';
import { Node, type LiveQuery } from 'ankurah';
import { IndexedDbStorage, connectShared, type SharedConnection } from 'ankurah/indexeddb';
import { internals } from '../../fixtures/internals';
import { Todo } from './todo-model';

interface App {
  node: Node;
  conn: SharedConnection;
  query: LiveQuery<Todo>;
}

function render(app: App, list: HTMLElement, status: HTMLElement): void {
  list.replaceChildren(
    ...app.query.items.map((t) => {
      const li = document.createElement('li');
      li.textContent = t.name;
      return li;
    }),
  );
  status.textContent = `${app.conn.role} · ${internals(app.node).peers.connected ? 'online' : 'offline'} · ${internals(app.node).pending$.value} queued`;
}

async function start(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const server = params.get('server') ?? '';
  const title = params.get('title') ?? 'tab';
  document.body.innerHTML =
    `<h3 style="margin:4px 0">${title}</h3><div id="status" style="color:#555;font:12px sans-serif"></div>` +
    '<ul id="list" style="font:14px sans-serif;margin:4px 0"></ul>';
  const list = document.getElementById('list') as HTMLElement;
  const status = document.getElementById('status') as HTMLElement;
  const storage = await IndexedDbStorage.open('e2e', { slot: 'first-free' });
  const node = await Node.ephemeral(storage, { models: [Todo] });
  const conn = await connectShared(node, server, { name: 'e2e', timeout: 2_000, retryMax: 500 });
  const query = node.context().query(Todo, 'true ORDER BY name');
  const app: App = { node, conn, query };
  query.items$.subscribe(() => render(app, list, status));
  node.pending$.subscribe(() => render(app, list, status));
  conn.role$.subscribe(() => render(app, list, status));
  await query.loaded;
  render(app, list, status);
  // Milliseconds from the start of the navigation (performance's time origin) to the first rendered list.
  const firstRender = performance.now();
  Object.assign(window, {
    app: {
      firstRender,
      database: storage.name,
      names: () => query.items.map((t) => t.name),
      role: () => conn.role,
      online: () => internals(node).peers.connected,
      pending: () => internals(node).pending$.value,
      ready: () => node.ready(),
      create: async (name: string, rank = 0) => {
        const trx = node.context().begin();
        const t = await trx.create(Todo, { name, rank });
        await trx.commit();
        return t.id;
      },
      createMany: async (n: number) => {
        const trx = node.context().begin();
        for (let i = 0; i < n; i++) await trx.create(Todo, { name: `Item ${i}`, rank: i });
        await trx.commit();
      },
      rename: async (id: string, name: string) => {
        const trx = node.context().begin();
        (await trx.edit(Todo, id)).name = name;
        await trx.commit();
      },
      close: async () => {
        conn.close();
        await node.close();
      },
      // The node alone: the shared connection must end with it.
      closeNode: () => node.close(),
    },
  });
  document.title = 'ready';
}

start().catch((e: unknown) => {
  document.title = `failed: ${String(e)}`;
});

import 'reflect-metadata';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { MemoryStorage, Node, SocketClient } from 'ankurah';
import { AnkurahProvider } from 'ankurah/react';
import { App } from './app';
import { Album } from './models';

/** Starts an ephemeral node in the page, connects it to the server that served the page, and renders. */
async function main(): Promise<void> {
  const node = await Node.ephemeral(new MemoryStorage(), { models: [Album] });
  const ctx = node.context({ user: 'browser' });
  const root = createRoot(document.getElementById('root')!);
  const mount = () =>
    root.render(
      <StrictMode>
        <AnkurahProvider context={ctx}>
          <App node={node} />
        </AnkurahProvider>
      </StrictMode>,
    );
  const unmount = () => root.render(<StrictMode />);
  // For the browser tests: the node, and a way to unmount/remount the tree.
  Object.assign(globalThis, { albums: { node, ctx, mount, unmount } });
  if (!new URLSearchParams(location.search).has('unmounted')) mount();
  const client = await SocketClient.connect(node, location.origin);
  Object.assign(globalThis, { albumsClient: client });
}

main().catch((e: unknown) => {
  document.body.textContent = `Failed to start: ${e instanceof Error ? e.message : String(e)}`;
});

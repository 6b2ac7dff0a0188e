import { SocketServer } from 'ankurah/server';
import { Rig, until } from './harness';

describe('SocketClient.connected$', () => {
  const rig = new Rig();
  afterEach(() => rig.closeAll());

  it('reports the connection going down and coming back, then completes on close', async () => {
    const { node: server, srv } = await rig.server();
    const { conn } = await rig.client(srv.url);
    const states: boolean[] = [];
    let completed = false;
    conn.connected$.subscribe({ next: (s) => states.push(s), complete: () => (completed = true) });
    expect(states).toEqual([true]);

    await srv.close();
    await until(conn.connected$, (s) => !s);
    expect(conn.connected).toBe(false);

    const back = await SocketServer.listen(server, { port: srv.port, host: '127.0.0.1' });
    rig.track(back, (s) => s.close());
    await until(conn.connected$, (s) => s, 10_000);
    expect(states).toEqual([true, false, true]);

    conn.close();
    expect(states).toEqual([true, false, true, false]);
    expect(completed).toBe(true);
  });
});

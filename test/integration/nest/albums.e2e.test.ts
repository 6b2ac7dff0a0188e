/* samples/nest-albums end to end: REST CRUD through supertest and live sync to a real SocketClient, one port. */
import 'reflect-metadata';
import request from 'supertest';
import { firstValueFrom, filter } from 'rxjs';
import { MemoryStorage, Node, SocketClient, type View } from 'ankurah';
import { ANKURAH_NODE } from 'ankurah/nest';
import { Album, startNestAlbums, type NestAlbums } from '../../../samples/nest-albums/main';

const EDITOR = { Authorization: 'Bearer alice-token' };
const VIEWER = { Authorization: 'Bearer bob-token' };

describe('samples/nest-albums', () => {
  let server: NestAlbums;
  let client: Node;
  let conn: SocketClient;

  beforeAll(async () => {
    server = await startNestAlbums({ port: 0, storage: new MemoryStorage() });
    client = await Node.ephemeral(new MemoryStorage(), { models: [Album] });
    conn = await SocketClient.connect(client, server.url, { auth: { token: 'bob-token' } });
    await client.ready();
  });

  afterAll(async () => {
    conn?.close();
    await client?.close();
    await server?.close();
  });

  it('creates, reads, updates and deletes over REST, and a socket client sees every write live', async () => {
    const q = client.context().query(Album, 'true ORDER BY name');
    await q.loaded;
    const seen = (test: (items: readonly View<Album>[]) => boolean): Promise<readonly View<Album>[]> =>
      firstValueFrom(q.items$.pipe(filter(test)));

    const arrived = seen((items) => items.some((a) => a.name === 'Showbiz'));
    const created = await request(server.url)
      .post('/api/albums')
      .set(EDITOR)
      .send({ name: 'Showbiz', artist: 'Muse', year: 1999 })
      .expect(201);
    const id = (created.body as { id: string }).id;
    expect(created.body).toMatchObject({ id, name: 'Showbiz', artist: 'Muse', year: 1999, notes: '' });
    expect((await arrived).find((a) => a.id === id)?.year).toBe(1999);

    const list = await request(server.url)
      .get('/api/albums')
      .query({ q: "artist = 'Muse'" })
      .set(VIEWER)
      .expect(200);
    expect((list.body as { id: string }[]).map((a) => a.id)).toEqual([id]);
    await request(server.url).get(`/api/albums/${id}`).set(VIEWER).expect(200, created.body);

    const updated = seen((items) => items.some((a) => a.id === id && a.rating === 4));
    const patched = await request(server.url)
      .patch(`/api/albums/${id}`)
      .set(EDITOR)
      .send({ rating: 4, notes: 'debut' })
      .expect(200);
    expect(patched.body).toMatchObject({ id, rating: 4, notes: 'debut', year: 1999 });
    expect((await updated).find((a) => a.id === id)?.notes).toBe('debut');

    const gone = seen((items) => !items.some((a) => a.id === id));
    await request(server.url).delete(`/api/albums/${id}`).set(EDITOR).expect(204);
    await gone;
    await request(server.url).get(`/api/albums/${id}`).set(VIEWER).expect(404);
    q.unsubscribe();
  });

  it('answers a class-validator failure with 400 and the failed fields, and keeps nothing', async () => {
    const res = await request(server.url)
      .post('/api/albums')
      .set(EDITOR)
      .send({ name: '', artist: 'Nobody', year: 1800 })
      .expect(400);
    const body = res.body as { code: string; fields: { field: string; constraints: object }[] };
    expect(body.code).toBe('VALIDATION');
    expect(body.fields.map((f) => f.field).sort()).toEqual(['name', 'year']);
    expect(body.fields.find((f) => f.field === 'year')?.constraints).toHaveProperty('min');
    const all = await request(server.url).get('/api/albums').query({ q: "artist = 'Nobody'" }).set(VIEWER);
    expect(all.body).toEqual([]);
  });

  it('answers a malformed selection with 400, the offset and a caret', async () => {
    const res = await request(server.url)
      .get('/api/albums')
      .query({ q: 'year >> 2000' })
      .set(VIEWER)
      .expect(400);
    const body = res.body as { code: string; query: { offset: number; caret: string; text: string } };
    expect(body.code).toBe('QUERY_SYNTAX');
    expect(body.query.text).toBe('year >> 2000');
    expect(body.query.offset).toBe(6);
    expect(body.query.caret).toBe('  year >> 2000\n        ^');
  });

  it('refuses writes the policy denies (403) and requests without a valid token (403)', async () => {
    const res = await request(server.url)
      .post('/api/albums')
      .set(VIEWER)
      .send({ name: 'X', artist: 'Y', year: 2000 })
      .expect(403);
    expect((res.body as { code: string }).code).toBe('ACCESS_DENIED');
    await request(server.url).get('/api/albums').expect(403);
    await request(server.url).get('/api/albums').set({ Authorization: 'Bearer nope' }).expect(403);
    expect((await request(server.url).get('/api/albums/-/me').set(VIEWER).expect(200)).body).toEqual({
      user: 'bob',
      role: 'viewer',
    });
  });

  it('refuses a socket connection without a valid token', async () => {
    const other = await Node.ephemeral(new MemoryStorage(), { models: [Album] });
    try {
      await expect(
        SocketClient.connect(other, server.url, { auth: { token: 'nope' }, timeout: 5000 }),
      ).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    } finally {
      await other.close();
    }
  });

  it('closes the durable node with the application', async () => {
    const own = await startNestAlbums({ port: 0, seed: true });
    const node = own.app.get<Node>(ANKURAH_NODE);
    const res = await request(own.url).get('/api/albums').set(VIEWER).expect(200);
    expect((res.body as unknown[]).length).toBe(3);
    await own.close();
    expect(node.closed).toBe(true);
  });
});

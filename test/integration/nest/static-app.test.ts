/* samples/nest-albums `staticDir`: a built single-page app served beside REST and Socket.IO on the same port. */
import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { MemoryStorage } from 'ankurah';
import { startNestAlbums, type NestAlbums } from '../../../samples/nest-albums/main';

describe('samples/nest-albums serving a static app', () => {
  let dir: string;
  let server: NestAlbums;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ankurah-nest-static-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>albums app</title>');
    writeFileSync(join(dir, 'main.js'), 'console.log("app");');
    server = await startNestAlbums({ port: 0, storage: new MemoryStorage(), staticDir: dir });
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the files, and index.html for other page paths', async () => {
    const root = await request(server.url).get('/').expect(200);
    expect(root.text).toContain('albums app');
    const js = await request(server.url).get('/main.js').expect(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.text).toBe('console.log("app");');
    const route = await request(server.url).get('/albums/some-route').expect(200);
    expect(route.headers['content-type']).toMatch(/text\/html/);
    expect(route.text).toContain('albums app');
  });

  it('leaves /api to Nest: REST still answers and unknown API paths are 404, not the app', async () => {
    const list = await request(server.url)
      .get('/api/albums')
      .set({ Authorization: 'Bearer alice-token' })
      .expect(200);
    expect(list.body).toEqual([]);
    const missing = await request(server.url).get('/api/nothing-here').expect(404);
    expect(missing.text).not.toContain('albums app');
  });

  it('does not serve files outside the directory', async () => {
    const res = await request(server.url).get('/..%2f..%2fetc%2fpasswd');
    expect(res.text).not.toMatch(/root:/);
  });
});

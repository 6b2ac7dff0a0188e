/* AnkurahModule's other forms: the API.md one (a storage factory, Socket.IO on its own port) and useFactory. */
import 'reflect-metadata';
import { Injectable, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { firstValueFrom, filter } from 'rxjs';
import { Field, MemoryStorage, Model, Node, SocketClient, type Collection } from 'ankurah';
import { SqliteStorage } from 'ankurah/typeorm';
import { ANKURAH_NODE, AnkurahLifecycle, AnkurahModule, InjectCollection } from 'ankurah/nest';

@Model('nest_track')
class Track {
  @Field() title!: string;
  @Field() seconds!: number;
}

@Injectable()
class TrackService {
  constructor(@InjectCollection(Track) readonly tracks: Collection<Track>) {}
}

const CONFIG = 'TrackConfig';

@Module({ providers: [{ provide: CONFIG, useValue: { file: ':memory:' } }], exports: [CONFIG] })
class ConfigModule {}

async function start(root: ReturnType<typeof AnkurahModule.forRoot>): Promise<INestApplication> {
  @Module({ imports: [root, AnkurahModule.forFeature([Track])], providers: [TrackService] })
  class AppModule {}
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.init();
  return app;
}

describe('AnkurahModule', () => {
  it('takes the API.md form: a storage factory and Socket.IO on a port of its own; closes with the app', async () => {
    const app = await start(
      AnkurahModule.forRoot({
        storage: () => SqliteStorage.open(':memory:'),
        models: [Track],
        socket: { port: 0, host: '127.0.0.1' },
      }),
    );
    const node = app.get<Node>(ANKURAH_NODE);
    const client = await Node.ephemeral(new MemoryStorage(), { models: [Track] });
    try {
      const socket = app.get(AnkurahLifecycle).socketServer;
      expect(socket?.port).toBeGreaterThan(0);
      const conn = await SocketClient.connect(client, `http://127.0.0.1:${socket?.port}`);
      await client.ready();
      const tracks = app.get(TrackService).tracks;
      const remote = client.context().collection(Track);
      const seen = firstValueFrom(remote.live('seconds > ?', 60).pipe(filter((items) => items.length === 1)));
      const created = await tracks.create({ title: 'Plug In Baby', seconds: 219 });
      await tracks.create({ title: 'Intro', seconds: 30 });
      expect((await seen).map((t) => t.id)).toEqual([created.id]);
      expect((await tracks.update(created.id, { seconds: 220 })).seconds).toBe(220);
      expect((await tracks.find('seconds > 100')).map((t) => t.title)).toEqual(['Plug In Baby']);
      conn.close();
    } finally {
      await client.close();
      await app.close();
    }
    expect(node.closed).toBe(true);
  });

  it('takes useFactory with inject and imports', async () => {
    const app = await start(
      AnkurahModule.forRoot({
        imports: [ConfigModule],
        inject: [CONFIG],
        useFactory: (config: { file: string }) => ({
          storage: () => SqliteStorage.open(config.file),
          models: [Track],
          server: false,
        }),
      }),
    );
    try {
      expect(app.get(AnkurahLifecycle).socketServer).toBeUndefined();
      const tracks = app.get(TrackService).tracks;
      await tracks.create({ title: 'Bliss', seconds: 252 });
      expect((await tracks.find('true')).length).toBe(1);
    } finally {
      await app.close();
    }
    expect(app.get<Node>(ANKURAH_NODE).closed).toBe(true);
  });

  it('live() emits the items after every change; a bad selection throws at once', async () => {
    const node = await Node.durable(new MemoryStorage(), { models: [Track] });
    try {
      const tracks = node.context().collection(Track);
      const live = tracks.live('true');
      expect(await firstValueFrom(live)).toEqual([]);
      const values: number[] = [];
      let loaded!: () => void;
      const first = new Promise<void>((resolve) => (loaded = resolve));
      let grown!: () => void;
      const second = new Promise<void>((resolve) => (grown = resolve));
      const sub = live.subscribe((items) => {
        values.push(items.length);
        if (items.length === 0) loaded();
        if (items.length === 1) grown();
      });
      await first;
      await tracks.create({ title: 'Hyper Music', seconds: 200 });
      await second;
      sub.unsubscribe();
      expect(values).toEqual([0, 1]);
      expect(() => tracks.live('year >>')).toThrow(/Expected/);
    } finally {
      await node.close();
    }
  });
});

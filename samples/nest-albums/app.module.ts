import { Module, type DynamicModule } from '@nestjs/common';
import { AnkurahModule, type StorageSource } from 'ankurah/nest';
import { Album } from './album.model';
import { AlbumsController } from './albums.controller';
import { AlbumsService } from './albums.service';
import { SYSTEM_CLAIMS, TokenPolicy } from './token-policy';

/** The albums server: the durable node on Nest's HTTP server, REST CRUD and live sync on one port. */
@Module({})
export class AppModule {
  static register(storage: StorageSource): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AnkurahModule.forRoot({
          storage,
          models: [Album],
          policy: new TokenPolicy(),
          systemContext: SYSTEM_CLAIMS,
          // Browsers on another origin (the Angular dev server) may open the Socket.IO connection.
          server: { corsOrigin: true },
        }),
        AnkurahModule.forFeature([Album]),
      ],
      controllers: [AlbumsController],
      providers: [AlbumsService],
    };
  }
}

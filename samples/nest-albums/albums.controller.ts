import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { type CreateData, type View } from 'ankurah';
import { AnkurahAuthGuard, InjectContext, type RequestContext } from 'ankurah/nest';
import { Album } from './album.model';
import { type Claims } from './token-policy';

type AlbumData = Partial<Pick<Album, 'name' | 'artist' | 'year' | 'rating' | 'notes'>>;

/**
 * REST CRUD under /api/albums, every call made with the caller's own Context (so the policy agent checks it):
 * errors answer through AnkurahExceptionFilter (404, 400 with fields or the query caret, 403).
 */
@Controller('api/albums')
@UseGuards(AnkurahAuthGuard)
export class AlbumsController {
  constructor(@InjectContext() private readonly ctx: RequestContext<Claims>) {}

  /** `GET /api/albums?q=year > 2000 ORDER BY name`: an AnkQL selection (default: all, by name). */
  @Get()
  async list(@Query('q') q?: string): Promise<unknown[]> {
    const views = await this.ctx.collection(Album).find(q?.trim() ? q : 'true ORDER BY name');
    return views.map(toJson);
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<unknown> {
    return toJson(await this.ctx.collection(Album).get(id));
  }

  @Post()
  async create(@Body() body: AlbumData): Promise<unknown> {
    // The body is untrusted JSON: a missing or invalid field is a ValidationError at commit (a 400 naming it).
    const data = { notes: '', ...body } as CreateData<Album>;
    return toJson(await this.ctx.collection(Album).create(data));
  }

  @Patch(':id')
  async update(@Param('id') id: string, @Body() body: AlbumData): Promise<unknown> {
    const { id: _ignored, ...patch } = body as AlbumData & { id?: string };
    return toJson(await this.ctx.collection(Album).update(id, patch));
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Param('id') id: string): Promise<void> {
    await this.ctx.collection(Album).delete(id);
  }

  /** Who the server thinks the caller is (the claims the policy agent derived from the token). */
  @Get('-/me')
  me(): Claims {
    return this.ctx.data;
  }
}

function toJson(view: View<Album>): unknown {
  return view.toJSON();
}

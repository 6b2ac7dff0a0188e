import { Injectable } from '@nestjs/common';
import { type Collection } from 'ankurah';
import { InjectCollection } from 'ankurah/nest';
import { Album } from './album.model';

const SEED: readonly Pick<Album, 'name' | 'artist' | 'year' | 'notes'>[] = [
  { name: 'Origin of Symmetry', artist: 'Muse', year: 2001, notes: '' },
  { name: 'Homogenic', artist: 'Björk', year: 1997, notes: '' },
  { name: 'Purple Rain', artist: 'Prince', year: 1984, notes: '' },
];

/** Server-side work on albums with the injected repository (it acts with the system context). */
@Injectable()
export class AlbumsService {
  constructor(@InjectCollection(Album) private readonly albums: Collection<Album>) {}

  /** Adds the sample albums when there are none; resolves to how many were added. */
  async seed(): Promise<number> {
    if ((await this.albums.find('true LIMIT 1')).length > 0) return 0;
    for (const a of SEED) await this.albums.create(a);
    return SEED.length;
  }

  /** How many albums there are. */
  async count(): Promise<number> {
    return (await this.albums.find('true')).length;
  }
}

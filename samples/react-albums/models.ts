import 'reflect-metadata';
import { IsInt, Length, Max, Min } from 'class-validator';
import { Field, Model } from 'ankurah';

/**
 * The album of the React sample. Field types are explicit: esbuild (which bundles the page) does not emit
 * `design:type` metadata, so the types cannot be inferred there. The collection is named explicitly: a
 * minifier renames classes, and the default name comes from the class name.
 */
@Model('album')
export class Album {
  @Field({ type: 'string' }) @Length(1, 200, { message: 'name must be 1 to 200 characters' }) name!: string;
  @Field({ type: 'string' })
  @Length(1, 200, { message: 'artist must be 1 to 200 characters' })
  artist!: string;
  @Field({ type: 'integer', index: true })
  @IsInt({ message: 'year must be a whole number' })
  @Min(1900, { message: 'year must be 1900 or later' })
  @Max(2100, { message: 'year must be 2100 or earlier' })
  year!: number;
}

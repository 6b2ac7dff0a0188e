import 'reflect-metadata';
import { IsInt, IsOptional, Length, Max, Min } from 'class-validator';
import { Field, Model, Text } from 'ankurah';

/**
 * An album: the model the Nest server and its clients share (the Angular sample imports this file). Field types
 * are explicit so the model does not depend on `emitDecoratorMetadata` being honoured by whichever compiler builds
 * it (the Angular builder does not emit it); the messages are what the Angular form shows under each field.
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
  @Field({ type: 'integer', optional: true })
  @IsOptional()
  @IsInt({ message: 'rating must be a whole number' })
  @Min(1, { message: 'rating must be 1 to 5' })
  @Max(5, { message: 'rating must be 1 to 5' })
  rating?: number;
  /** Collaborative notes: concurrent edits merge. */
  @Text() notes!: string;
}

import 'reflect-metadata';
import { IsInt, Length, Max, Min } from 'class-validator';
import { Field, Json, Model, Text } from 'ankurah';

/** An album, as in the README. */
@Model()
export class Album {
  @Field() @Length(1, 200) name!: string;
  @Field() @Length(1, 200) artist!: string;
  @Field({ index: true }) @IsInt() @Min(1900) @Max(2100) year!: number;
  @Field({ optional: true }) rating?: number;
  @Text() notes!: string;
  @Json() meta?: { tags: string[] };

  get title(): string {
    return `${this.artist} – ${this.name} (${this.year})`;
  }
}

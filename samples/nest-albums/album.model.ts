import 'reflect-metadata';
import { IsInt, IsOptional, Length, Max, Min } from 'class-validator';
import { Field, Model, Text } from 'ankurah';

/** An album: the model the Nest server and its clients (the Angular sample) share. */
@Model()
export class Album {
  @Field() @Length(1, 200) name!: string;
  @Field() @Length(1, 200) artist!: string;
  @Field({ index: true }) @IsInt() @Min(1900) @Max(2100) year!: number;
  @Field({ optional: true }) @IsOptional() @IsInt() @Min(1) @Max(5) rating?: number;
  /** Collaborative notes: concurrent edits merge. */
  @Text() notes!: string;
}

import 'reflect-metadata';
import { IsInt, Length, Min } from 'class-validator';
import { Field, Model } from 'ankurah';

/** A track on the live board; `plays` is what the writer bumps. */
@Model('board_track')
export class Track {
  @Field() @Length(1, 200) title!: string;
  @Field() artist!: string;
  @Field({ index: true }) @IsInt() @Min(0) plays!: number;
}

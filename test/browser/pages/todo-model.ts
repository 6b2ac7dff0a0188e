import 'reflect-metadata';
import { Field, Model } from 'ankurah';

/** The e2e pages' model: a to-do list, ordered by name. */
@Model('todo')
export class Todo {
  @Field() name!: string;
  @Field({ index: true }) rank!: number;
}

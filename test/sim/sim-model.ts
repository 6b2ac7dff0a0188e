import 'reflect-metadata';
import { Field, Model, Text } from '../../src/model/decorators';

/** The simulation's model: last-writer-wins fields and a collaborative text field. */
@Model('sim_doc')
export class SimDoc {
  @Field() title!: string;
  @Field({ optional: true }) rank?: number;
  @Field({ optional: true, type: 'string' }) tag?: string | null;
  @Text() body!: string;
}

/** Queries every node must answer identically once the network has drained. */
export const SIM_QUERIES = [
  'true',
  'rank > 1 ORDER BY title, rank DESC LIMIT 5',
  "tag = 'b' OR rank IS NULL ORDER BY rank",
] as const;

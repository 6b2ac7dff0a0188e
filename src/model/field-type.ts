/** The value type of a declared field; `text` fields read as strings, `ref` fields hold an entity id. */
export type FieldType = 'string' | 'number' | 'integer' | 'boolean' | 'date' | 'json' | 'ref' | 'text';

/** Every accepted `type` option value, for validation and messages. */
export const FIELD_TYPES: readonly FieldType[] = [
  'string',
  'number',
  'integer',
  'boolean',
  'date',
  'json',
  'ref',
  'text',
];

/** Looks up the declared type of a top-level field; undefined for fields the model does not declare. */
export type FieldTypeLookup = (field: string) => FieldType | undefined;

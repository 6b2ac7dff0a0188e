import { type FieldType } from '../model/field-type';
import { type Literal } from './ast';

/** Either the literal converted to a field's type, or what the field would have accepted. */
export type Conversion =
  | { readonly ok: true; readonly value: Literal }
  | { readonly ok: false; readonly expected: string };

const DECIMAL = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const INTEGER = /^-?\d+$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Converts a literal to a declared field's type when nothing is lost: numeric strings for number and
 * integer fields, 'true'/'false' for boolean fields. Null always passes (it compares UNKNOWN).
 */
export function convertLiteral(value: Literal, type: FieldType): Conversion {
  if (value === null || type === 'json') return ok(value);
  switch (type) {
    case 'number':
      if (typeof value === 'number') return ok(value);
      if (typeof value === 'string' && DECIMAL.test(value) && Number.isFinite(Number(value))) {
        return ok(Number(value));
      }
      return fail('a number');
    case 'integer':
      // Number literals stay as they are: `year < 2001.5` is a meaningful comparison.
      if (typeof value === 'number') return ok(value);
      if (typeof value === 'string' && INTEGER.test(value) && Number.isSafeInteger(Number(value))) {
        return ok(Number(value));
      }
      return fail('an integer');
    case 'boolean':
      if (typeof value === 'boolean') return ok(value);
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) {
        return ok(value.toLowerCase() === 'true');
      }
      return fail('a boolean (true or false)');
    case 'date':
      return typeof value === 'string' && ISO_DATE.test(value) ? ok(value) : fail('an ISO-8601 date string');
    case 'string':
    case 'text':
    case 'ref':
      // Numbers are not turned into strings: `code = 007` would silently become '7'.
      return typeof value === 'string' ? ok(value) : fail('a string (quote it)');
  }
}

function ok(value: Literal): Conversion {
  return { ok: true, value: value === 0 ? 0 : value };
}

function fail(expected: string): Conversion {
  return { ok: false, expected };
}

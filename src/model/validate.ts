import { validate as classValidate } from 'class-validator';
import { ValidationError, type FieldViolation } from '../errors/errors';
import { type ModelMeta } from './model-meta';
import { fromStoredValue } from './value-check';

/** Runs the model's class-validator constraints over an entity's values; throws one ValidationError. */
export async function validateValues(
  meta: ModelMeta,
  values: Readonly<Record<string, unknown>>,
): Promise<void> {
  const target = Object.create(meta.ctor.prototype as object) as Record<string, unknown>;
  for (const [name, f] of meta.fields) {
    const v = fromStoredValue(f, values[name]);
    target[name] = v === null ? undefined : v;
  }
  const errors = await classValidate(target, {
    forbidUnknownValues: false,
    validationError: { target: false },
  });
  if (errors.length === 0) return;
  const violations: FieldViolation[] = errors.map((e) => ({
    field: e.property,
    constraints: e.constraints ?? { nested: 'nested validation failed' },
  }));
  throw new ValidationError(meta.name, violations);
}

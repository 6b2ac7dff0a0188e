import {
  getMetadataStorage,
  validate as classValidate,
  validateSync,
  type ValidatorOptions,
} from 'class-validator';
import { ValidationError, type FieldViolation } from '../errors/errors';
import { type ModelMeta } from './model-meta';
import { fromStoredValue } from './value-check';

const OPTIONS: ValidatorOptions = { forbidUnknownValues: false, validationError: { target: false } };

/** Per model: true when every class-validator constraint on it is synchronous. */
const syncModels = new WeakMap<ModelMeta, boolean>();

/**
 * True when class-validator can check the model synchronously: no constraint declared `async: true`, no
 * promise validation, and no nested validation (a nested class may have asynchronous constraints).
 */
function isSync(meta: ModelMeta): boolean {
  let sync = syncModels.get(meta);
  if (sync === undefined) {
    const storage = getMetadataStorage();
    const metas = storage.getTargetValidationMetadatas(meta.ctor, '', true, false);
    sync = metas.every((m) => {
      if (m.type === 'promiseValidation' || m.type === 'nestedValidation') return false;
      if (m.type !== 'customValidation') return true;
      return storage.getTargetValidatorConstraints(m.constraintCls).every((c) => !c.async);
    });
    syncModels.set(meta, sync);
  }
  return sync;
}

function target(meta: ModelMeta, values: Readonly<Record<string, unknown>>): object {
  const out = Object.create(meta.ctor.prototype as object) as Record<string, unknown>;
  for (const [name, f] of meta.fields) {
    const v = fromStoredValue(f, values[name]);
    out[name] = v === null ? undefined : v;
  }
  return out;
}

function fail(
  meta: ModelMeta,
  errors: readonly { property: string; constraints?: Record<string, string> }[],
) {
  const violations: FieldViolation[] = errors.map((e) => ({
    field: e.property,
    constraints: e.constraints ?? { nested: 'nested validation failed' },
  }));
  return new ValidationError(meta.name, violations);
}

/**
 * Runs the model's class-validator constraints over an entity's values. Models whose constraints are all
 * synchronous (the common case) are checked at once: this returns undefined, or throws one ValidationError.
 * Otherwise it returns a promise that rejects with one. (class-validator's own rule applies: a constraint
 * whose check returns a promise must be declared `async: true`.)
 */
export function checkValues(
  meta: ModelMeta,
  values: Readonly<Record<string, unknown>>,
): Promise<void> | undefined {
  if (isSync(meta)) {
    const errors = validateSync(target(meta, values), OPTIONS);
    if (errors.length > 0) throw fail(meta, errors);
    return undefined;
  }
  return classValidate(target(meta, values), OPTIONS).then((errors) => {
    if (errors.length > 0) throw fail(meta, errors);
  });
}

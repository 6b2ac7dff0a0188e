import {
  getMetadataStorage,
  validate as classValidate,
  validateSync,
  ValidationTypes,
  type ValidationArguments,
  type ValidatorConstraintInterface,
  type ValidatorOptions,
} from 'class-validator';
import { ValidationError, type FieldViolation } from '../errors/errors';
import { type ModelMeta } from './model-meta';
import { fromStoredValue } from './value-check';

const OPTIONS: ValidatorOptions = { forbidUnknownValues: false, validationError: { target: false } };

/** One class-validator constraint on one property, resolved once per model. */
interface Check {
  readonly constraints: unknown[];
  /** `each: true`: an array, Set or Map value is checked element by element. */
  readonly each: boolean;
  /** class-validator's constraint record; its `instance` getter asks the (possibly user-set) container. */
  readonly constraint: { readonly instance: ValidatorConstraintInterface };
}

/** A property's checks, skipped when one of its conditions (`@IsOptional`, `@ValidateIf`) says so. */
interface PropertyPlan {
  readonly property: string;
  readonly conditions: ((object: object, value: unknown) => unknown)[];
  readonly checks: Check[];
}

/**
 * How a model is validated: `plan` when every constraint is one that class-validator's executor runs as
 * `constraint.validate(value, args)` behind the property's conditions (custom and built-in constraints,
 * `IsDefined`, `IsOptional`, `ValidateIf`, `each`), `sync` when only class-validator's `validateSync` gives
 * the answer (nested validation), `async` when a constraint is asynchronous.
 */
type Mode =
  | { readonly kind: 'plan'; readonly properties: readonly PropertyPlan[] }
  | { readonly kind: 'sync' | 'async' };

const modes = new WeakMap<ModelMeta, Mode>();

/** The metadata types a plan handles; `WHITELIST` (`@Allow`) only matters under the whitelist option. */
const PLANNED = new Set<string>([
  ValidationTypes.CUSTOM_VALIDATION,
  ValidationTypes.IS_DEFINED,
  ValidationTypes.CONDITIONAL_VALIDATION,
  ValidationTypes.WHITELIST,
]);

/**
 * The model's mode, worked out once from class-validator's metadata storage, with the same selection its
 * executor makes for these options (no groups, `always` false, not strict). Constraints are registered by
 * decorators when the model class is defined, so the storage is complete by the time entities are checked.
 */
function modeOf(meta: ModelMeta): Mode {
  let mode = modes.get(meta);
  if (mode) return mode;
  const storage = getMetadataStorage();
  const metas = storage.getTargetValidationMetadatas(meta.ctor, '', false, false);
  const sync = metas.every((m) => {
    if (m.type === ValidationTypes.PROMISE_VALIDATION || m.type === ValidationTypes.NESTED_VALIDATION)
      return false;
    if (m.type !== ValidationTypes.CUSTOM_VALIDATION) return true;
    return storage.getTargetValidatorConstraints(m.constraintCls).every((c) => !c.async);
  });
  if (!sync || !metas.every((m) => PLANNED.has(m.type))) {
    mode = { kind: sync ? 'sync' : 'async' };
  } else {
    const byProperty = new Map<string, PropertyPlan>();
    for (const m of metas) {
      if (m.type === ValidationTypes.WHITELIST) continue;
      let plan = byProperty.get(m.propertyName);
      if (!plan)
        byProperty.set(m.propertyName, (plan = { property: m.propertyName, conditions: [], checks: [] }));
      const constraints = m.constraints as unknown[];
      if (m.type === ValidationTypes.CONDITIONAL_VALIDATION) {
        plan.conditions.push(constraints[0] as PropertyPlan['conditions'][number]);
        continue;
      }
      for (const constraint of storage.getTargetValidatorConstraints(m.constraintCls)) {
        plan.checks.push({ constraints, each: m.each, constraint });
      }
    }
    mode = { kind: 'plan', properties: [...byProperty.values()] };
  }
  modes.set(meta, mode);
  return mode;
}

/** A constraint's answer counts as a pass when truthy and not a promise (see `passes`). */
function passed(answer: unknown): boolean {
  return answer === true || (!!answer && typeof (answer as { then?: unknown }).then !== 'function');
}

/** True when every condition of a property lets its checks run (a loop: this is on the commit path). */
function meets(conditions: PropertyPlan['conditions'], object: object, value: unknown): boolean {
  for (const condition of conditions) if (!condition(object, value)) return false;
  return true;
}

/**
 * True when every check passes, decided as class-validator's executor decides it. False on any failure, and
 * on a constraint that answers with a promise without being declared async (`validateSync` leaves those out):
 * the caller then asks class-validator itself, which also words the errors.
 */
function passes(
  properties: readonly PropertyPlan[],
  object: Record<string, unknown>,
  targetName: string,
): boolean {
  for (const { property, conditions, checks } of properties) {
    const value = object[property];
    if (!meets(conditions, object, value)) continue;
    for (const check of checks) {
      const args: ValidationArguments = {
        targetName,
        property,
        object,
        value,
        constraints: check.constraints,
      };
      const instance = check.constraint.instance;
      if (check.each && (Array.isArray(value) || value instanceof Set || value instanceof Map)) {
        for (const item of value instanceof Map ? value.values() : (value as Iterable<unknown>)) {
          if (!passed(instance.validate(item, args))) return false;
        }
      } else if (!passed(instance.validate(value, args))) {
        return false;
      }
    }
  }
  return true;
}

function target(meta: ModelMeta, values: Readonly<Record<string, unknown>>): Record<string, unknown> {
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
 *
 * Most models take the planned path: their constraints are called directly, without class-validator's
 * per-object metadata lookup and error records, which cost more than the checks themselves. Any failure
 * hands the object to class-validator's `validateSync`, so errors, messages and every doubtful case are
 * class-validator's own.
 */
export function checkValues(
  meta: ModelMeta,
  values: Readonly<Record<string, unknown>>,
): Promise<void> | undefined {
  const mode = modeOf(meta);
  // A model without class-validator constraints (the plan checks nothing) needs no object to check.
  if (mode.kind === 'plan' && mode.properties.length === 0) return undefined;
  if (mode.kind === 'async') {
    return classValidate(target(meta, values), OPTIONS).then((errors) => {
      if (errors.length > 0) throw fail(meta, errors);
    });
  }
  const object = target(meta, values);
  if (mode.kind === 'plan' && passes(mode.properties, object, meta.ctor.name)) return undefined;
  const errors = validateSync(object, OPTIONS);
  if (errors.length > 0) throw fail(meta, errors);
  return undefined;
}

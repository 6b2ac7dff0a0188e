import 'reflect-metadata';
import fc from 'fast-check';
import * as classValidator from 'class-validator';
import {
  Allow,
  IsDefined,
  IsEmail,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
  ValidatorConstraint,
  Validate,
  validateSync,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { Field, Json, Model, ValidationError, modelMeta } from 'ankurah';
import { checkValues } from '../../../src/model/validate';
import { type ModelClass } from '../../../src/model/model-meta';

/** Reads another field of the object under validation, as cross-field constraints do. */
@ValidatorConstraint({ name: 'notBeforeStart' })
class NotBeforeStart implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    const start = (args.object as { start?: unknown }).start;
    return typeof value !== 'number' || typeof start !== 'number' || value >= start;
  }
  defaultMessage(args: ValidationArguments): string {
    return `${args.property} must not be before start`;
  }
}

/** Answers with a promise without being declared async: validateSync leaves it out. */
@ValidatorConstraint({ name: 'undeclaredPromise' })
class UndeclaredPromise implements ValidatorConstraintInterface {
  validate(): Promise<boolean> {
    return Promise.resolve(false);
  }
}

/** Truthy but not `true`: class-validator counts it as a pass. */
@ValidatorConstraint({ name: 'truthyNumber' })
class TruthyNumber {
  validate(value: unknown): number {
    return value === 'no' ? 0 : 1;
  }
}

@Model('vp_plain')
class Plain {
  @Field() @Length(1, 5) name!: string;
  @Field() @IsInt() @Min(0) @Max(10) @Max(8, { groups: ['strict'] }) start!: number;
  @Field() @IsInt() @Validate(NotBeforeStart) end!: number;
  @Field({ optional: true }) @IsOptional() @IsEmail() email?: string;
  @Field({ optional: true }) @ValidateIf((o: Plain) => o.name === 'x') @IsString() note?: string;
  @Field({ optional: true }) @IsDefined() @Allow() required?: string;
  @Json() @IsInt({ each: true }) @Min(0, { each: true }) tags?: unknown;
  @Field({ optional: true }) @IsOptional() @Validate(UndeclaredPromise) later?: string;
  @Field({ optional: true }) @Validate(TruthyNumber) truthy?: string;
}

class Inner {
  @IsInt() n!: number;
}

@Model('vp_nested')
class Nested {
  @Json() @ValidateNested() inner?: Inner;
}

const OPTIONS = { forbidUnknownValues: false, validationError: { target: false } };

/** class-validator's own answer for the same values, as field → constraint names. */
function reference(ctor: ModelClass, values: Record<string, unknown>): Record<string, string[]> {
  const object = Object.assign(Object.create(ctor.prototype as object) as object, values);
  const out: Record<string, string[]> = {};
  for (const e of validateSync(object, OPTIONS))
    out[e.property] = Object.keys(e.constraints ?? { nested: '' }).sort();
  return out;
}

function shape(e: unknown): Record<string, string[]> {
  if (!(e instanceof ValidationError)) throw e;
  return Object.fromEntries(e.violations.map((v) => [v.field, Object.keys(v.constraints).sort()]));
}

/** What checkValues says for a model it checks synchronously, in the same shape ({} when it passes). */
function actual(ctor: ModelClass, values: Record<string, unknown>): Record<string, string[]> {
  try {
    const pending = checkValues(modelMeta(ctor), values);
    expect(pending).toBeUndefined();
    return {};
  } catch (e) {
    return shape(e);
  }
}

const anyValue = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer({ min: -3, max: 14 }),
  fc.double({ min: -3, max: 14, noNaN: true }),
  fc.constantFrom('', 'x', 'abc', 'abcdef', 'a@b.co', 'no'),
  fc.array(fc.integer({ min: -2, max: 3 }), { maxLength: 3 }),
  fc.array(fc.constantFrom('a', 1), { maxLength: 2 }).map((a) => new Set(a)),
);

describe('model validation (the planned path against class-validator)', () => {
  it('decides every value as class-validator does, with its errors', () => {
    // Each field is mostly valid, so that a single bad field (the case a planning bug would miss) is common.
    const valid: Record<string, fc.Arbitrary<unknown>> = {
      name: fc.string({ minLength: 1, maxLength: 5 }),
      start: fc.integer({ min: 0, max: 10 }),
      end: fc.integer({ min: 10, max: 20 }),
      email: fc.constantFrom(undefined, 'a@b.co'),
      note: fc.string(),
      required: fc.constant('y'),
      tags: fc.array(fc.nat(5), { maxLength: 3 }),
      later: fc.constant(undefined),
      truthy: fc.constantFrom('yes', undefined),
    };
    const fields = Object.keys(valid);
    const field = (f: string) =>
      fc.oneof(
        { arbitrary: valid[f] as fc.Arbitrary<unknown>, weight: 6 },
        { arbitrary: anyValue, weight: 1 },
      );
    fc.assert(
      fc.property(fc.tuple(...fields.map(field)), (vals) => {
        const values: Record<string, unknown> = {};
        fields.forEach((f, i) => {
          if (vals[i] !== undefined && vals[i] !== null) values[f] = vals[i];
        });
        expect(actual(Plain, values)).toEqual(reference(Plain, values));
      }),
      { numRuns: 3000 },
    );
  });

  it('passes a valid entity without the class-validator executor, and names each failure with it', () => {
    const good = { name: 'ok', start: 2, end: 3, required: 'y', tags: [1, 2], truthy: 'yes' };
    const executor = jest.spyOn(classValidator, 'validateSync');
    try {
      expect(actual(Plain, good)).toEqual({});
      expect(executor).not.toHaveBeenCalled();
      expect(actual(Plain, { ...good, later: 'promise' })).toEqual({});
      expect(executor).toHaveBeenCalledTimes(1);
    } finally {
      executor.mockRestore();
    }
    expect(actual(Plain, { ...good, start: 5, end: 4, name: '', truthy: 'no' })).toEqual({
      name: ['isLength'],
      end: ['notBeforeStart'],
      truthy: ['truthyNumber'],
    });
    expect(actual(Plain, { ...good, required: undefined })).toEqual({ required: ['isDefined'] });
    expect(actual(Plain, { ...good, tags: [1, -1] })).toEqual({ tags: ['min'] });
    expect(actual(Plain, { ...good, name: 'x' })).toEqual({ note: ['isString'] });
  });

  it('leaves nested validation (possibly asynchronous) to class-validator', async () => {
    const nested = async (values: Record<string, unknown>) => {
      try {
        await checkValues(modelMeta(Nested), values);
        return {};
      } catch (e) {
        return shape(e);
      }
    };
    const inner = Object.assign(new Inner(), { n: 1.5 });
    expect(await nested({ inner })).toEqual({ inner: ['nested'] });
    expect(await nested({ inner })).toEqual(reference(Nested, { inner }));
    expect(await nested({ inner: Object.assign(new Inner(), { n: 1 }) })).toEqual({});
  });
});

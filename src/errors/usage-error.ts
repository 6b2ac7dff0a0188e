import { AnkurahError } from './ankurah-error';

/** An API was called the wrong way (a wrong argument type, an assignment to a read-only view). */
export class UsageError extends AnkurahError {
  static #of(message: string): UsageError {
    return new UsageError('USAGE', message);
  }

  /** `edit(Model, id)` without a string id. */
  static editNeedsId(): UsageError {
    return UsageError.#of(
      'edit(Model, id) needs the entity id as a string. Fix: pass the id, or the view itself',
    );
  }

  /** An assignment to a field of a View. */
  static viewReadOnly(model: string, field: string): UsageError {
    return UsageError.#of(
      `Cannot assign ${model}.${field}: a View is read-only. Fix: edit it in a transaction, (await trx.edit(view)).${field} = …`,
    );
  }

  /** A text position that is not a non-negative integer. */
  static textPosition(n: number): UsageError {
    return UsageError.#of(`text position ${n} is not a non-negative integer`);
  }

  /** A text editor used after a later transaction took over its field. */
  static textSuperseded(): UsageError {
    return UsageError.#of('this text editor was superseded by a later transaction');
  }
}

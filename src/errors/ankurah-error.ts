import { type ErrorCode } from './codes';

/** Base class of every error Ankurah throws; `code` tells the kind without instanceof. */
export class AnkurahError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

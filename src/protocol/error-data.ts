import { AnkurahError } from '../errors/ankurah-error';
import { ERROR_CODES, type ErrorCode } from '../errors/codes';
import {
  AccessDeniedError,
  CausalError,
  InternalError,
  MetadataError,
  NotFoundError,
  ProtocolError,
  StorageError,
  TransactionClosedError,
  UnavailableError,
  UsageError,
  ValidationError,
} from '../errors/errors';
import { QuerySyntaxError } from '../errors/query-syntax-error';
import { type ErrorData } from './messages';

/** What fromErrorData needs of an error class: its prototype and name (constructors differ). */
interface ErrorClass {
  readonly prototype: AnkurahError;
  readonly name: string;
}

const CLASSES: Record<ErrorCode, ErrorClass> = {
  METADATA: MetadataError,
  QUERY_SYNTAX: QuerySyntaxError,
  VALIDATION: ValidationError,
  NOT_FOUND: NotFoundError,
  TRANSACTION_CLOSED: TransactionClosedError,
  ACCESS_DENIED: AccessDeniedError,
  PROTOCOL: ProtocolError,
  STORAGE: StorageError,
  CAUSAL: CausalError,
  UNAVAILABLE: UnavailableError,
  USAGE: UsageError,
  INTERNAL: InternalError,
};

const isCode = (code: string): code is ErrorCode => Object.hasOwn(ERROR_CODES, code);

/**
 * Serialises an error for the wire. Errors that are not AnkurahErrors (bugs, e.g. in a policy agent) and
 * InternalErrors become INTERNAL data with a generic message: no message or stack of theirs leaves the node.
 */
export function toErrorData(e: unknown): ErrorData {
  if (e instanceof ValidationError) {
    return { code: e.code, name: e.name, message: e.message, model: e.model, violations: [...e.violations] };
  }
  if (e instanceof QuerySyntaxError) {
    const { query, offset, found, expected } = e;
    return { code: e.code, name: e.name, message: e.message, query, offset, found, expected };
  }
  if (e instanceof AnkurahError && !(e instanceof InternalError)) {
    return { code: e.code, name: e.name, message: e.message };
  }
  return { code: 'INTERNAL', name: 'InternalError', message: InternalError.GENERIC };
}

/** Rebuilds the AnkurahError subclass that error data describes, so callers can use instanceof. */
export function fromErrorData(data: ErrorData): AnkurahError {
  const code: ErrorCode = isCode(data.code) ? data.code : 'PROTOCOL';
  if (code === 'VALIDATION' && data.violations)
    return new ValidationError(data.model ?? '?', data.violations);
  if (code === 'QUERY_SYNTAX' && data.query !== undefined && data.offset !== undefined) {
    return new QuerySyntaxError({
      query: data.query,
      offset: data.offset,
      found: data.found ?? '',
      expected: data.expected ?? '',
    });
  }
  // Subclasses with their own constructor signatures get the base constructor and their prototype.
  const error = new AnkurahError(code, data.message);
  Object.setPrototypeOf(error, CLASSES[code].prototype);
  error.name = CLASSES[code].name;
  return error;
}

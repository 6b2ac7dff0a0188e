import { Catch, HttpStatus, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AnkurahError } from '../../errors/ankurah-error';
import { ERROR_CODES, type ErrorCode } from '../../errors/codes';
import { ValidationError } from '../../errors/errors';
import { QuerySyntaxError } from '../../errors/query-syntax-error';

/** The HTTP status of each error code. */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  METADATA: HttpStatus.INTERNAL_SERVER_ERROR,
  QUERY_SYNTAX: HttpStatus.BAD_REQUEST,
  VALIDATION: HttpStatus.BAD_REQUEST,
  NOT_FOUND: HttpStatus.NOT_FOUND,
  TRANSACTION_CLOSED: HttpStatus.CONFLICT,
  ACCESS_DENIED: HttpStatus.FORBIDDEN,
  PROTOCOL: HttpStatus.BAD_REQUEST,
  STORAGE: HttpStatus.SERVICE_UNAVAILABLE,
  CAUSAL: HttpStatus.CONFLICT,
  UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  USAGE: HttpStatus.BAD_REQUEST,
  INTERNAL: HttpStatus.INTERNAL_SERVER_ERROR,
};

/** The JSON body AnkurahExceptionFilter answers with. */
export interface AnkurahErrorBody {
  readonly statusCode: number;
  readonly code: ErrorCode;
  readonly message: string;
  /** ValidationError: every failed constraint, per field. */
  readonly fields?: readonly {
    readonly field: string;
    readonly constraints: Readonly<Record<string, string>>;
  }[];
  /** QuerySyntaxError: where the selection failed, and the line with a caret under the offset. */
  readonly query?: {
    readonly text: string;
    readonly offset: number;
    readonly line: number;
    readonly column: number;
    readonly expected: string;
    readonly found: string;
    readonly caret: string;
  };
}

/** The HTTP body of an ankurah error (internal details of 5xx errors are not sent). */
export function errorBody(e: AnkurahError): AnkurahErrorBody {
  const statusCode = HTTP_STATUS[e.code];
  const message = statusCode >= 500 ? ERROR_CODES[e.code] : e.message;
  const base = { statusCode, code: e.code, message };
  if (e instanceof ValidationError) return { ...base, fields: e.violations };
  if (e instanceof QuerySyntaxError) {
    const caret = e.message.split('\n').slice(1).join('\n');
    const { query: text, offset, line, column, expected, found } = e;
    return { ...base, query: { text, offset, line, column, expected, found, caret } };
  }
  return base;
}

/**
 * Maps ankurah errors to HTTP answers: NotFound 404, Validation 400 (with `fields`), AccessDenied 403,
 * QuerySyntax 400 (with `query`: offset and caret), closed transaction and causal conflicts 409, storage and
 * unavailability 503, the rest 500. Registered globally by AnkurahModule.forRoot unless `exceptionFilter: false`.
 */
@Catch(AnkurahError)
export class AnkurahExceptionFilter implements ExceptionFilter<AnkurahError> {
  // Explicit tokens: the ESM build (esbuild) emits no decorator metadata.
  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  catch(error: AnkurahError, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const body = errorBody(error);
    this.adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), body, body.statusCode);
  }
}

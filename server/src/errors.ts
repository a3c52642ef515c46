import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ApiError } from '@voice-widget/protocol';

/** An error with an HTTP status and a stable code; the message is safe to show to the client. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message);
  }

  /** 400 from a failed zod parse, one issue per bad field. */
  static invalid(error: z.ZodError, what = 'request body'): HttpError {
    const issues = error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));
    const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    return new HttpError(400, 'invalid_request', `invalid ${what}: ${summary}`, issues);
  }

  /** 404 naming what was not found, e.g. `agent "acme"`. */
  static notFound(what: string): HttpError {
    return new HttpError(404, 'not_found', `${what} not found`);
  }

  /** 502 when LiveKit (or another upstream) fails; retrying may help. */
  static upstream(what: string): HttpError {
    return new HttpError(502, 'upstream_unavailable', `${what} is unavailable, try again`);
  }
}

/**
 * A runner for calls to the upstream `service` (e.g. LiveKit SIP): `upstream(what, fn)` returns what
 * `fn` resolves to; an {@link HttpError} passes through, any other failure is logged as "`what`
 * failed" and becomes a 502 {@link HttpError.upstream}.
 */
export function upstreamCaller(log: Pick<Logger, 'error'>, service: string) {
  return async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof HttpError) throw err;
      log.error({ err }, `${what} failed`);
      throw HttpError.upstream(service);
    }
  };
}

/** Parses `value` with `schema` or throws a 400 {@link HttpError}. */
export function parseOr400<T>(schema: z.ZodType<T>, value: unknown, what?: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw HttpError.invalid(parsed.error, what);
  return parsed.data;
}

/** The one error middleware: HttpErrors become their status; anything else a logged 500. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    let httpError: HttpError;
    if (err instanceof HttpError) {
      httpError = err;
    } else if (err?.type === 'entity.too.large') {
      httpError = new HttpError(413, 'payload_too_large', 'request body too large');
    } else if (err?.type === 'entity.parse.failed') {
      httpError = new HttpError(400, 'invalid_json', 'request body is not valid JSON');
    } else if (err instanceof URIError || (Number.isInteger(err?.status) && err.status >= 400 && err.status < 500)) {
      // Express's own client errors (a malformed `%` escape in a path parameter, a bad Range …).
      httpError = new HttpError(err?.status >= 400 && err?.status < 500 ? err.status : 400, 'bad_request', 'malformed request');
    } else {
      log.error({ err }, 'unhandled error');
      httpError = new HttpError(500, 'internal', 'internal error');
    }
    const body: ApiError = {
      error: { code: httpError.code, message: httpError.message, issues: httpError.issues },
    };
    res.status(httpError.status).json(body);
  };
}

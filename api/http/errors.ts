/**
 * One place that turns any failure into a problem document: zod and body errors → 400/413,
 * a workflow validator's rejection → 409 with its reason, an unreachable Temporal or database →
 * 503. Logs carry the error's name, code and stack frames, never its message (a database error's
 * message can quote the values of a query, i.e. child data).
 */
import { WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { ProblemError, problemBody } from './problem';

const GRPC_CANCELLED = 1;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;
// P2028: a transaction that could not start in time (pool exhausted) or outlived its timeout.
const DB_UNREACHABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);
const DB_UNREACHABLE_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'TransactionAlreadyClosed',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
]);

/**
 * SQLSTATE classes of a server that is going away or not there yet: 08 connection exception, 57P
 * operator intervention (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now).
 */
const DB_UNAVAILABLE_SQLSTATE = /^(08|57P0[1-3])/;
/** What node-postgres throws (as a plain Error) when a connection dies under a query. */
const PG_CONNECTION_LOST =
  /^(Connection terminated|Client has encountered a connection error|Client was closed|timeout exceeded when trying to connect)/;

type Chained = Error & { cause?: unknown; code?: unknown; meta?: unknown; kind?: unknown };

function* causes(err: unknown): Generator<Chained> {
  let current: unknown = err;
  for (let depth = 0; current instanceof Error && depth < 8; depth += 1) {
    yield current as Chained;
    current = (current as Chained).cause;
  }
}

function adapterErrorKind(err: Chained): string | undefined {
  const meta = err.meta as { driverAdapterError?: { cause?: { kind?: unknown } } } | undefined;
  const kind = meta?.driverAdapterError?.cause?.kind ?? (err.cause as { kind?: unknown } | undefined)?.kind;
  return typeof kind === 'string' ? kind : undefined;
}

function sqlState(err: Chained): string | undefined {
  const meta = err.meta as { driverAdapterError?: { cause?: { originalCode?: unknown } } } | undefined;
  const code =
    meta?.driverAdapterError?.cause?.originalCode ?? (err.cause as { originalCode?: unknown })?.originalCode;
  return typeof code === 'string' ? code : undefined;
}

/** node-postgres errors carry no code when the socket dies; they are told apart by their origin. */
const fromNodePostgres = (err: Chained) =>
  /node_modules[\\/](pg|pg-pool)[\\/]/.test(err.stack ?? '') && PG_CONNECTION_LOST.test(err.message);

export function isDatabaseUnavailable(err: unknown): boolean {
  for (const e of causes(err)) {
    if (e.name === 'PrismaClientInitializationError') return true;
    if (typeof e.code === 'string' && (DB_UNREACHABLE_CODES.has(e.code) || NETWORK_CODES.has(e.code))) {
      return e.name.startsWith('Prisma') || e.name === 'DriverAdapterError' || NETWORK_CODES.has(e.code);
    }
    const kind = adapterErrorKind(e);
    if (kind && DB_UNREACHABLE_KINDS.has(kind)) return true;
    const state = sqlState(e) ?? (typeof e.code === 'string' && 'severity' in e ? e.code : undefined);
    if (state && DB_UNAVAILABLE_SQLSTATE.test(state)) return true;
    if (fromNodePostgres(e)) return true;
  }
  return false;
}

/** 22021 invalid byte sequence (a NUL in text), 22P05 untranslatable character. */
function isUnstorableText(err: unknown): boolean {
  for (const e of causes(err)) {
    const state = sqlState(e) ?? (typeof e.code === 'string' && 'severity' in e ? e.code : undefined);
    if (state === '22021' || state === '22P05') return true;
  }
  return false;
}

export function isTemporalUnavailable(err: unknown): boolean {
  for (const e of causes(err)) {
    if (e instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
    if (e.name === 'ServiceError' || 'details' in e || 'metadata' in e) {
      // CANCELLED: the call was cut when the server went away (a restart), not by this API.
      if (e.code === GRPC_UNAVAILABLE || e.code === GRPC_DEADLINE_EXCEEDED || e.code === GRPC_CANCELLED)
        return true;
    }
    if (e.name === 'TransportError') return true;
  }
  return false;
}

export function toProblem(err: unknown): ProblemError {
  if (err instanceof ProblemError) return err;
  const bodyError = err as { type?: unknown; status?: unknown };
  switch (bodyError?.type) {
    case 'entity.too.large':
      return new ProblemError('tooLarge', 'the request body is larger than this API accepts');
    case 'entity.parse.failed':
      return new ProblemError('malformedJson', 'the request body is not valid JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ProblemError('unsupportedMediaType', 'send the body as UTF-8 application/json');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new ProblemError('validation', 'the request body could not be read');
  }
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure && cause.type === 'StepRejected') {
      return new ProblemError('stepRejected', cause.message);
    }
  }
  if (isUnstorableText(err)) {
    // A safety net behind the schemas: never a 500 for text PostgreSQL cannot hold (NUL).
    return new ProblemError('validation', 'a text value contains a character that cannot be stored');
  }
  if (err instanceof WorkflowNotFoundError) {
    return new ProblemError('conflict', 'the workflow of this case or referral is no longer running');
  }
  if (isTemporalUnavailable(err)) {
    return new ProblemError(
      'unavailable',
      'the workflow service (Temporal) is unreachable or did not answer in time; try again',
      undefined,
      { 'Retry-After': '5' },
    );
  }
  if (isDatabaseUnavailable(err)) {
    return new ProblemError('unavailable', 'the case database is unreachable; try again', undefined, {
      'Retry-After': '5',
    });
  }
  return new ProblemError('internal', 'an unexpected error occurred; it has been logged');
}

/** What may be logged of an error: its kind and where it happened, never its message. */
export function loggableError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { type: typeof err };
  const chain = [...causes(err)].map((e) => ({
    name: e.name,
    ...(typeof e.code === 'string' || typeof e.code === 'number' ? { code: e.code } : {}),
    ...(e instanceof ApplicationFailure && e.type ? { failureType: e.type } : {}),
  }));
  const frames = (err.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 12)
    .map((line) => line.trim());
  return { chain, frames };
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const problem = toProblem(err);
    const log = (req as { log?: Logger }).log ?? logger;
    if (problem.status >= 500) {
      log.error({ err: loggableError(err), problem: problem.kind }, 'request failed');
    }
    res
      .status(problem.status)
      .set(problem.headers)
      .type('application/problem+json')
      .json(
        problemBody(
          problem.kind,
          problem.detail,
          req.originalUrl.split('?')[0] ?? '/',
          problem.errors,
          problem.extensions,
        ),
      );
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new ProblemError('notFound', `no route ${req.method} ${req.path}`));
};

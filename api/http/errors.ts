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

const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;
const DB_UNREACHABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
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

export function isDatabaseUnavailable(err: unknown): boolean {
  for (const e of causes(err)) {
    if (e.name === 'PrismaClientInitializationError') return true;
    if (typeof e.code === 'string' && (DB_UNREACHABLE_CODES.has(e.code) || NETWORK_CODES.has(e.code))) {
      return e.name.startsWith('Prisma') || e.name === 'DriverAdapterError' || NETWORK_CODES.has(e.code);
    }
    const kind = adapterErrorKind(e);
    if (kind && DB_UNREACHABLE_KINDS.has(kind)) return true;
  }
  return false;
}

export function isTemporalUnavailable(err: unknown): boolean {
  for (const e of causes(err)) {
    if (e instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
    if (e.name === 'ServiceError' || 'details' in e || 'metadata' in e) {
      if (e.code === GRPC_UNAVAILABLE || e.code === GRPC_DEADLINE_EXCEEDED) return true;
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

/**
 * Idempotency-Key on POST requests (per actor): the first request claims the key; a repeat with
 * the same body gets the stored response (header `Idempotent-Replayed: true`) and causes nothing
 * again; the same key with another body is a 422; a repeat while the first is still running is a
 * 409. Only successful (2xx) responses are kept: a failed request changed nothing, so its key is
 * released and the client may retry with it.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { Prisma } from '../../generated/prisma/client';
import type { PrismaClient } from '../../lib/db';
import { actorOf } from '../auth/authenticate';
import { loggableError } from './errors';
import { invalidField, ProblemError } from './problem';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;
/**
 * A claim is a lease: the process running the request renews it (`created_at`) every third of this
 * while the request runs, so a claim not renewed for this long was left by a process that died (a
 * restart, a crash) and a retry may take it over at once, instead of being refused as "in flight"
 * for as long as any request could possibly run.
 */
export const DEFAULT_CLAIM_LEASE_MS = 30_000;
const IN_FLIGHT = 0;

/** Deeper than any request body of this API; a deeper one is refused before it is walked. */
const MAX_DEPTH = 32;

/** Key order does not change a body's meaning, so it does not change its hash. */
function canonical(value: unknown, depth = 0): string {
  if (depth > MAX_DEPTH) throw invalidField('body', `must not be nested more than ${MAX_DEPTH} levels deep`);
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v, depth + 1)).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v, depth + 1)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${canonical(body ?? null)}`)
    .digest('hex');
}

/**
 * The IDs a request gives what it creates (rows, the workflow update). Under an Idempotency-Key
 * they are derived from the actor, the key and the route, so a retry after an ambiguous failure (a
 * timeout, a lost commit) writes the same rows and sends the same update ID, which Temporal answers
 * with the first update's outcome instead of running the step twice. Without a key, random.
 */
export interface RequestIdentity {
  updateId: string | undefined;
  newId(name: string): string;
}

function derivedUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  // Shaped as a version-4 UUID (version and variant bits set) so it validates like any other id.
  const variant = ((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function requestIdentity(res: Response): RequestIdentity {
  const claimed = res.locals.idempotency as { actorId: string; key: string; path: string } | undefined;
  if (!claimed) return { updateId: undefined, newId: () => randomUUID() };
  const seed = `${claimed.actorId}\n${claimed.key}\n${claimed.path}\n`;
  return { updateId: `api-${derivedUuid(`${seed}update`)}`, newId: (name) => derivedUuid(seed + name) };
}

export function idempotency(
  prisma: PrismaClient,
  logger: Logger,
  { claimLeaseMs = DEFAULT_CLAIM_LEASE_MS }: { claimLeaseMs?: number } = {},
): RequestHandler {
  const claim = async (actorId: string, key: string, hash: string): Promise<boolean> => {
    const inserted = await prisma.$executeRaw`
      INSERT INTO "api_idempotency" ("actor_id", "key", "request_hash", "status_code", "response_body")
      VALUES (${actorId}, ${key}, ${hash}, ${IN_FLIGHT}, 'null'::jsonb)
      ON CONFLICT DO NOTHING`;
    return inserted === 1;
  };
  const takeOverStale = async (actorId: string, key: string, since: Date): Promise<boolean> => {
    const taken = await prisma.$executeRaw`
      UPDATE "api_idempotency" SET "created_at" = now()
      WHERE "actor_id" = ${actorId} AND "key" = ${key} AND "status_code" = ${IN_FLIGHT}
        AND "created_at" = ${since}`;
    return taken === 1;
  };

  return async (req, res, next) => {
    const key = req.get(IDEMPOTENCY_HEADER);
    if (key === undefined) {
      next();
      return;
    }
    if (!KEY_FORMAT.test(key)) {
      throw invalidField(`headers.${IDEMPOTENCY_HEADER}`, 'must be 1 to 255 visible ASCII characters');
    }
    const actorId = actorOf(res).id;
    const path = req.originalUrl.split('?')[0] ?? '';
    const hash = requestHash(req.method, path, req.body);
    res.locals.idempotency = { actorId, key, path };
    for (let attempt = 0; attempt < 3; attempt += 1) {
      if (await claim(actorId, key, hash)) {
        keepResponse(res, prisma, logger, actorId, key, claimLeaseMs);
        next();
        return;
      }
      const stored = await prisma.apiIdempotency.findUnique({ where: { actorId_key: { actorId, key } } });
      if (!stored) continue; // released between our insert and our read: claim again
      if (stored.requestHash !== hash) {
        throw new ProblemError(
          'idempotencyMismatch',
          `${IDEMPOTENCY_HEADER} '${key}' was already used for a different request; use a new key`,
        );
      }
      if (stored.statusCode === IN_FLIGHT) {
        if (Date.now() - stored.createdAt.getTime() > claimLeaseMs) {
          if (await takeOverStale(actorId, key, stored.createdAt)) {
            keepResponse(res, prisma, logger, actorId, key, claimLeaseMs);
            next();
            return;
          }
        }
        throw new ProblemError(
          'idempotencyInFlight',
          `a request with ${IDEMPOTENCY_HEADER} '${key}' is still being processed; retry later`,
          undefined,
          { 'Retry-After': '1' },
        );
      }
      res.status(stored.statusCode).set('Idempotent-Replayed', 'true').json(stored.responseBody);
      return;
    }
    throw new ProblemError('idempotencyInFlight', `${IDEMPOTENCY_HEADER} '${key}' is contended; retry`);
  };
}

/**
 * Stores a 2xx answer before it is sent (so a replay never sees less); releases the key otherwise.
 * Until then the claim's lease is renewed, so only a claim whose process died goes stale.
 */
function keepResponse(
  res: Response,
  prisma: PrismaClient,
  logger: Logger,
  actorId: string,
  key: string,
  claimLeaseMs: number,
) {
  const where = { actorId_key: { actorId, key } };
  let settled = false;
  // A renewal that fails (the database is away) is tried again at the next tick; if the lease runs
  // out meanwhile a retry may take the key over, which is safe: the rows and the workflow update
  // are keyed by the Idempotency-Key (requestIdentity), so the two runs cannot both take effect.
  const renewal = setInterval(
    () => {
      prisma.$executeRaw`
        UPDATE "api_idempotency" SET "created_at" = now()
        WHERE "actor_id" = ${actorId} AND "key" = ${key} AND "status_code" = ${IN_FLIGHT}`.catch(
        () => undefined,
      );
    },
    Math.max(50, Math.floor(claimLeaseMs / 3)),
  );
  renewal.unref();
  const stopRenewing = () => clearInterval(renewal);
  // A request that failed because the database went away cannot release its key at once either:
  // the answer waits for the first try only, later tries go on for a minute in the background —
  // otherwise the client's retry would be refused as "in flight" for ten.
  const releaseOnce = () =>
    prisma.apiIdempotency.deleteMany({ where: { actorId, key, statusCode: IN_FLIGHT } }).then(() => true);
  const release = () =>
    releaseOnce().catch(() => {
      void (async () => {
        for (let wait = 250; wait <= 32_000; wait *= 2) {
          await new Promise((r) => setTimeout(r, wait));
          if (await releaseOnce().catch(() => false)) return;
        }
        logger.error('could not release an idempotency key: the database stayed unreachable');
      })();
    });
  const send = res.json.bind(res);
  res.json = (body: unknown) => {
    settled = true;
    stopRenewing();
    const status = res.statusCode;
    const store =
      status >= 200 && status < 300
        ? prisma.apiIdempotency
            .update({
              where,
              data: { statusCode: status, responseBody: (body ?? {}) as Prisma.InputJsonValue },
            })
            .then(() => undefined)
            .catch((err: unknown) => {
              logger.error({ err: loggableError(err) }, 'could not store an idempotent response');
            })
        : release();
    void store.finally(() => send(body));
    return res;
  };
  res.on('close', () => {
    stopRenewing();
    if (!settled) void release();
  });
}

/**
 * The remote codec of the Temporal UI (and `temporal --codec-endpoint`): POST /codec/decode speaks
 * Temporal's codec-server protocol — JSON `{ payloads: [{ metadata, data }] }` with base64 bytes,
 * header `X-Namespace` — and decrypts the payloads with the API's keys. Operations only (policy
 * `codec.decode`), every call audited. There is no /codec/encode: operators read workflows, they
 * never write to them — a payload encrypted with our keys is what the worker takes as coming from
 * the API, so only the API and the worker may encrypt (steps come only through the API). The UI in a browser holds no bearer token of ours: POST /codec/session turns one into
 * an HttpOnly, SameSite=Lax cookie valid on /codec only, which the UI sends cross-origin (CORS,
 * `CODEC_CORS_ORIGINS`) when "include cross-origin credentials" is ticked in its codec settings.
 */
import express, { type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Payload } from '@temporalio/common';
import { EncryptionCodec, parseEncryptionKeys } from '../../lib/payload-codec';
import { activeActor, authenticate, unauthenticated } from '../auth/authenticate';
import { authorize, type Actor } from '../auth/policy';
import { CODEC_SESSION_AUDIENCE, signToken, verifyToken } from '../auth/token';
import { auditRead } from '../cases/access';
import type { ApiDeps } from '../deps';
import { invalidField, ProblemError } from '../http/problem';
import type { Routes } from '../http/route';
import { z } from '../openapi/zod';

export const CODEC_SESSION_COOKIE = 'cpe_codec_session';
const COOKIE_PATH = '/codec';
/** A working shift; never longer than the bearer token that opened it. */
const SESSION_SECONDS = 8 * 3600;
const ALLOWED_HEADERS = 'Authorization, Authorization-Extras, Content-Type, X-Namespace';

/**
 * CORS for the UI's origins (preflight included), a rate limit ten times the API's (the UI asks to
 * decode each event of a history on its own), and a body limit sized for history payloads.
 */
export function codecMiddleware(deps: Pick<ApiDeps, 'config'>): RequestHandler[] {
  const origins = new Set(deps.config.CODEC_CORS_ORIGINS);
  const cors: RequestHandler = (req, res, next) => {
    const origin = req.get('origin');
    const allowed = origin !== undefined && origins.has(origin);
    res.vary('Origin');
    if (allowed) {
      res.set('Access-Control-Allow-Origin', origin);
      res.set('Access-Control-Allow-Credentials', 'true');
    }
    if (req.method !== 'OPTIONS') {
      next();
      return;
    }
    if (!allowed) {
      next(new ProblemError('forbidden', 'this origin may not call the codec (CODEC_CORS_ORIGINS)'));
      return;
    }
    res.set('Access-Control-Allow-Methods', 'POST, OPTIONS');
    res.set('Access-Control-Allow-Headers', ALLOWED_HEADERS);
    res.set('Access-Control-Max-Age', '600');
    res.status(204).end();
  };
  const limit = rateLimit({
    windowMs: 60_000,
    limit: deps.config.API_RATE_LIMIT_PER_MINUTE * 10,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next) => {
      next(
        new ProblemError('rateLimited', 'too many codec requests from this client; slow down', undefined, {
          'Retry-After': '60',
        }),
      );
    },
  });
  return [cors, limit, express.json({ limit: `${deps.config.CODEC_BODY_LIMIT_KB}kb` })];
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const sep = part.indexOf('=');
    if (sep > 0 && part.slice(0, sep).trim() === name) return part.slice(sep + 1).trim();
  }
  return undefined;
}

/** A bearer token, or else the codec session cookie (accepted on these routes only). */
function codecAuthenticate(deps: ApiDeps): RequestHandler {
  const bearer = authenticate(deps.prisma, deps.config);
  return async (req, res, next) => {
    if (req.get('authorization') !== undefined) return bearer(req, res, next);
    const token = cookieValue(req.get('cookie'), CODEC_SESSION_COOKIE);
    if (!token) {
      throw unauthenticated(
        'send a bearer token, or open a codec session first (POST /codec/session with a bearer token)',
      );
    }
    const verified = await verifyToken(deps.config, token, CODEC_SESSION_AUDIENCE);
    if ('refused' in verified) throw unauthenticated(`codec session refused: ${verified.refused}`);
    const actor = await activeActor(deps.prisma, verified.staffId);
    if (!actor) throw unauthenticated('the codec session names no active staff member');
    res.locals.actor = actor;
    next();
  };
}

const Base64 = z
  .string()
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64')
  .openapi({ example: 'anNvbi9wbGFpbg==' });
const PayloadJson = z
  .object({
    metadata: z.record(z.string(), Base64).optional(),
    data: Base64.optional(),
  })
  .openapi('CodecPayload', { description: 'a Temporal Payload in proto3 JSON: every byte string is base64' });
export const CodecPayloads = z
  .object({ payloads: z.array(PayloadJson).max(10_000) })
  .openapi('CodecPayloads');
type PayloadsJson = z.infer<typeof CodecPayloads>;

const fromJson = (p: z.infer<typeof PayloadJson>): Payload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))]),
  ),
  data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
});
const toJson = (p: Payload): z.infer<typeof PayloadJson> => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [
      k,
      Buffer.from(v ?? new Uint8Array()).toString('base64'),
    ]),
  ),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

export function codecRoutes(routes: Routes, deps: ApiDeps): void {
  // Plaintext passes through, so an operator sees a payload sent around the API as it was sent.
  const codec = new EncryptionCodec(parseEncryptionKeys(deps.config.PAYLOAD_ENCRYPTION_KEYS), {
    untrusted: 'pass',
  });
  const auth = {
    middleware: codecAuthenticate(deps),
    security: [{ bearerAuth: [] }, { codecSession: [] }] as Record<string, string[]>[],
  };
  const secure = deps.config.PUBLIC_URL.startsWith('https:') ? '; Secure' : '';

  // Temporal's CLI sends an empty X-Namespace when none was named: the configured one, then.
  const checkNamespace = (namespace: string | undefined) => {
    if (namespace && namespace !== deps.config.TEMPORAL_NAMESPACE) {
      throw invalidField(
        'headers.X-Namespace',
        `this codec serves namespace ${deps.config.TEMPORAL_NAMESPACE}`,
      );
    }
  };

  /** One payload at a time, so a refusal names the payload and the reason (never its content). */
  const decode = async (body: PayloadsJson) => {
    const out: PayloadsJson['payloads'] = [];
    for (const [i, payload] of body.payloads.entries()) {
      try {
        const [converted] = await codec.decode([fromJson(payload)]);
        if (converted) out.push(toJson(converted));
      } catch (err) {
        const known = err instanceof Error && /unknown key id|truncated/.test(err.message);
        throw invalidField(
          `body.payloads[${i}]`,
          known ? (err as Error).message : 'cannot be decrypted (another key, or altered)',
        );
      }
    }
    return { payloads: out };
  };

  const audit = (actor: Actor, action: string, details: Record<string, unknown>) =>
    auditRead(deps, actor, {
      action,
      caseId: null,
      entity: 'payload',
      entityId: null,
      route: 'codec',
      details,
    });

  routes.route({
    method: 'post',
    path: '/codec/decode',
    operationId: 'codecDecode',
    summary: 'Temporal remote codec: decrypt payloads for the Temporal UI or CLI (operations)',
    description:
      "Temporal's codec-server protocol. Header `X-Namespace` (optional) must name this API's namespace. " +
      'Authenticated by a bearer token or by the `cpe_codec_session` cookie of POST /codec/session; ' +
      'CORS for the origins in CODEC_CORS_ORIGINS. Every call is in the audit trail. A payload that ' +
      'is not encrypted (sent around the API) comes back as it is.',
    tag: 'codec',
    request: { body: CodecPayloads },
    responses: {
      200: { description: 'the payloads, decoded, in the same order', schema: CodecPayloads },
    },
    problems: { 400: 'a payload cannot be decrypted (named in `errors`), or another namespace' },
    auth,
    // Decoded payloads must never be stored for replay.
    idempotencyKey: false,
    handle: async ({ actor, body, req }) => {
      authorize(actor, 'codec.decode', {});
      const namespace = req.get('x-namespace');
      checkNamespace(namespace);
      const result = await decode(body);
      await audit(actor, 'codec.decode', {
        namespace: namespace || deps.config.TEMPORAL_NAMESPACE,
        payloads: body.payloads.length,
      });
      return { body: result };
    },
  });

  routes.route({
    method: 'post',
    path: '/codec/session',
    operationId: 'openCodecSession',
    summary:
      'Open a codec session for the Temporal UI: a bearer token in, an HttpOnly cookie out (operations)',
    description:
      'Sets `cpe_codec_session` (HttpOnly, SameSite=Lax, Path=/codec) for 8 hours at most, never past the ' +
      "bearer token's expiry. Call it from this API's own origin in the browser (e.g. /docs → Try it out), " +
      'then tick "include cross-origin credentials" in the Temporal UI\'s codec settings.',
    tag: 'codec',
    responses: {
      200: {
        description: 'the session cookie is set',
        schema: z.object({ staffId: z.string(), expiresAt: z.string() }).openapi('CodecSession'),
      },
    },
    idempotencyKey: false,
    handle: async ({ actor, res }) => {
      authorize(actor, 'codec.decode', {});
      const now = Math.floor(Date.now() / 1000);
      const tokenExpiresAt = res.locals.tokenExpiresAt as number | undefined;
      const seconds = Math.max(1, Math.min(SESSION_SECONDS, (tokenExpiresAt ?? now + SESSION_SECONDS) - now));
      const token = await signToken(deps.config, actor.id, seconds, CODEC_SESSION_AUDIENCE);
      const expiresAt = new Date((now + seconds) * 1000).toISOString();
      await audit(actor, 'codec.session.opened', { expiresAt });
      return {
        body: { staffId: actor.id, expiresAt },
        headers: {
          'Set-Cookie': `${CODEC_SESSION_COOKIE}=${token}; Path=${COOKIE_PATH}; Max-Age=${seconds}; HttpOnly; SameSite=Lax${secure}`,
          'Cache-Control': 'no-store',
        },
      };
    },
  });

  routes.route({
    method: 'post',
    path: '/codec/session/end',
    operationId: 'endCodecSession',
    summary: 'End the codec session: the cookie is cleared',
    tag: 'codec',
    responses: { 204: { description: 'the session cookie is cleared' } },
    auth,
    idempotencyKey: false,
    handle: async ({ actor }) => {
      await audit(actor, 'codec.session.ended', {});
      return {
        status: 204,
        body: undefined,
        headers: {
          'Set-Cookie': `${CODEC_SESSION_COOKIE}=; Path=${COOKIE_PATH}; Max-Age=0; HttpOnly; SameSite=Lax${secure}`,
        },
      };
    },
  });
}

/**
 * Every request is authenticated by a bearer token (API clients) or by the desk's session cookie
 * (api/session), and loads its staff row: role, province, unit, partner, active. With the cookie,
 * an unsafe method (POST…) also needs the session's CSRF token in X-CSRF-Token.
 * Two kinds of bearer token:
 * - OIDC access tokens of the identity provider (RS256/ES256, api/auth/oidc.ts), whose configured
 *   claim names the person (OIDC_STAFF_CLAIM, matched on OIDC_STAFF_MATCH);
 * - HS256 development tokens (`npm run token`), whose subject is a staff id — refused when
 *   NODE_ENV=production, where only the identity provider vouches for people.
 */
import type { RequestHandler } from 'express';
import { decodeProtectedHeader } from 'jose';
import { ConfigError, type AppConfig } from '../../lib/config';
import { Prisma } from '../../generated/prisma/client';
import type { PrismaClient } from '../../lib/db';
import { ProblemError } from '../http/problem';
import { CSRF_HEADER, csrfMatches, sessions, sessionToken, type SessionConfig } from '../session/sessions';
import { createOidcVerifier, IdentityProviderUnavailable, type OidcVerifier } from './oidc';
import type { Actor } from './policy';
import { verifyToken } from './token';

const challenge = { 'WWW-Authenticate': 'Bearer realm="child-protection"' };
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function unauthenticated(detail: string): ProblemError {
  return new ProblemError('unauthenticated', detail, undefined, challenge);
}

export type AuthConfig = Pick<
  AppConfig,
  | 'JWT_SECRET'
  | 'NODE_ENV'
  | 'OIDC_ISSUER_URL'
  | 'OIDC_AUDIENCE'
  | 'OIDC_STAFF_CLAIM'
  | 'OIDC_STAFF_MATCH'
  | 'OIDC_MAX_TOKEN_LIFETIME_S'
>;

/** One verifier (one discovery, one key cache) per configuration. */
const verifiers = new WeakMap<object, OidcVerifier>();
export function oidcVerifierFor(config: AuthConfig): OidcVerifier | undefined {
  if (!config.OIDC_ISSUER_URL) return undefined;
  let verifier = verifiers.get(config);
  if (!verifier) {
    verifier = createOidcVerifier(config);
    verifiers.set(config, verifier);
  }
  return verifier;
}

const algorithmOf = (token: string): string | undefined => {
  try {
    return decodeProtectedHeader(token).alg;
  } catch {
    return undefined;
  }
};

/** Who a token names (a staff id or e-mail), or throws 401 / 503. */
export async function tokenIdentity(
  config: AuthConfig,
  token: string,
): Promise<{ field: 'id' | 'email'; value: string; expiresAt?: number }> {
  const production = config.NODE_ENV === 'production';
  if (algorithmOf(token) === 'HS256') {
    if (production) {
      throw unauthenticated(
        'development tokens (HS256) are refused in production: log in through the identity provider',
      );
    }
    const verified = await verifyToken(config, token);
    if ('refused' in verified) throw unauthenticated(verified.refused);
    return {
      field: 'id',
      value: verified.staffId,
      ...(verified.expiresAt ? { expiresAt: verified.expiresAt } : {}),
    };
  }
  const oidc = oidcVerifierFor(config);
  if (!oidc) throw unauthenticated('the token is invalid');
  let verified;
  try {
    verified = await oidc.verify(token);
  } catch (err) {
    if (err instanceof IdentityProviderUnavailable) {
      throw new ProblemError(
        'unavailable',
        'the identity provider cannot be reached; try again shortly',
        undefined,
        {
          'Retry-After': '5',
        },
      );
    }
    throw err;
  }
  if ('refused' in verified) throw unauthenticated(verified.refused);
  return { field: config.OIDC_STAFF_MATCH, value: verified.subject, expiresAt: verified.expiresAt };
}

export function authenticate(prisma: PrismaClient, config: AuthConfig & SessionConfig): RequestHandler {
  if (config.NODE_ENV === 'production' && !config.OIDC_ISSUER_URL) {
    throw new ConfigError(
      'invalid configuration:\n  OIDC_ISSUER_URL: required when NODE_ENV=production (development tokens are refused there)',
    );
  }
  const desk = sessions({ prisma, config });
  return async (req, res, next) => {
    const header = req.get('authorization');
    const cookie = sessionToken(req);
    if (header === undefined && cookie) {
      const session = await desk.resolve(cookie);
      if ('refused' in session) throw unauthenticated(session.refused);
      if (!SAFE_METHODS.has(req.method) && !csrfMatches(session.csrfToken, req.get(CSRF_HEADER))) {
        throw new ProblemError(
          'forbidden',
          `a request made with the session cookie needs the session's CSRF token in ${CSRF_HEADER} (GET /session gives it)`,
        );
      }
      const actor = await activeActor(prisma, session.staffId);
      if (!actor) throw unauthenticated('the session names no active staff member');
      res.locals.actor = actor;
      res.locals.session = session;
      next();
      return;
    }
    const match = /^Bearer\s+([\w.-]+)\s*$/i.exec(header ?? '');
    if (!match?.[1]) {
      throw unauthenticated(
        'send a bearer token: Authorization: Bearer <token> (npm run token -- <staff id>), or log in at /desk/login',
      );
    }
    const identity = await tokenIdentity(config, match[1]);
    const actor = await activeActorBy(prisma, identity.field, identity.value);
    if (!actor) throw unauthenticated('the token names no active staff member');
    res.locals.actor = actor;
    res.locals.tokenExpiresAt = identity.expiresAt;
    next();
  };
}

/** The active staff member with this id or e-mail, as the policy sees them (null: none or inactive). */
export async function activeActorBy(
  prisma: PrismaClient,
  field: 'id' | 'email',
  value: string,
): Promise<Actor | null> {
  // Raw SQL: every request runs it, and the ORM's query planning costs more than the lookup.
  const [staff] = await prisma.$queryRaw<Actor[]>`
    SELECT "id", "role"::text AS "role", "province_code" AS "province", "unit_id" AS "unitId", "partner_id" AS "partnerId"
      FROM "staff"
     WHERE ${field === 'id' ? Prisma.sql`"id" = ${value}` : Prisma.sql`"email" = ${value}`} AND "active"`;
  return staff ?? null;
}

/** The active staff member a verified token names (null: none or inactive). */
export const activeActor = (prisma: PrismaClient, staffId: string) => activeActorBy(prisma, 'id', staffId);

/** The authenticated actor of a request (set by `authenticate`). */
export function actorOf(res: { locals: Record<string, unknown> }): Actor {
  const actor = res.locals.actor as Actor | undefined;
  if (!actor) throw new Error('actorOf called on a route without authentication');
  return actor;
}

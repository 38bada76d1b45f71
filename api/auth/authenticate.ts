/**
 * Every request is authenticated by a bearer token (API clients) or by the desk's session cookie
 * (api/session), and loads its staff row: role, province, unit, partner — inactive → 401. With the
 * cookie, an unsafe method (POST…) also needs the session's CSRF token in X-CSRF-Token.
 */
import type { RequestHandler } from 'express';
import type { AppConfig } from '../../lib/config';
import type { PrismaClient } from '../../lib/db';
import { ProblemError } from '../http/problem';
import { CSRF_HEADER, csrfMatches, sessions, sessionToken, type SessionConfig } from '../session/sessions';
import type { Actor } from './policy';
import { verifyToken } from './token';

const challenge = { 'WWW-Authenticate': 'Bearer realm="child-protection"' };
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function unauthenticated(detail: string): ProblemError {
  return new ProblemError('unauthenticated', detail, undefined, challenge);
}

export function authenticate(
  prisma: PrismaClient,
  config: Pick<AppConfig, 'JWT_SECRET'> & SessionConfig,
): RequestHandler {
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
    const verified = await verifyToken(config, match[1]);
    if ('refused' in verified) throw unauthenticated(verified.refused);
    const actor = await activeActor(prisma, verified.staffId);
    if (!actor) throw unauthenticated('the token names no active staff member');
    res.locals.actor = actor;
    res.locals.tokenExpiresAt = verified.expiresAt;
    next();
  };
}

/** The active staff member a verified token names, as the policy sees them (null: none or inactive). */
export async function activeActor(prisma: PrismaClient, staffId: string): Promise<Actor | null> {
  const staff = await prisma.staff.findUnique({
    where: { id: staffId },
    select: { id: true, role: true, provinceCode: true, unitId: true, partnerId: true, active: true },
  });
  if (!staff || !staff.active) return null;
  return {
    id: staff.id,
    role: staff.role,
    province: staff.provinceCode,
    unitId: staff.unitId,
    partnerId: staff.partnerId,
  };
}

/** The authenticated actor of a request (set by `authenticate`). */
export function actorOf(res: { locals: Record<string, unknown> }): Actor {
  const actor = res.locals.actor as Actor | undefined;
  if (!actor) throw new Error('actorOf called on a route without authentication');
  return actor;
}

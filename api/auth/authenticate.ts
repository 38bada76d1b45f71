/** Every request with a bearer token loads its staff row: role, province, unit, partner, active. */
import type { RequestHandler } from 'express';
import type { AppConfig } from '../../lib/config';
import type { PrismaClient } from '../../lib/db';
import { ProblemError } from '../http/problem';
import type { Actor } from './policy';
import { verifyToken } from './token';

const challenge = { 'WWW-Authenticate': 'Bearer realm="child-protection"' };

export function unauthenticated(detail: string): ProblemError {
  return new ProblemError('unauthenticated', detail, undefined, challenge);
}

export function authenticate(prisma: PrismaClient, config: Pick<AppConfig, 'JWT_SECRET'>): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+([\w.-]+)\s*$/i.exec(header);
    if (!match?.[1]) {
      throw unauthenticated(
        'send a bearer token: Authorization: Bearer <token> (npm run token -- <staff id>)',
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

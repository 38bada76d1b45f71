/**
 * Desk sessions: a random id in an HttpOnly, SameSite=Lax cookie; PostgreSQL keeps its SHA-256
 * (staff_sessions), the staff member, a CSRF token, and when it ends. Every request made with the
 * cookie reads the row and the staff member (inactive → refused), and an unsafe method needs the
 * session's CSRF token in `X-CSRF-Token` (synchroniser token: a cross-site page can make the
 * browser send the cookie, never read the token).
 *
 * Entry point for a login (the development login here, the OIDC callback later):
 *   `await sessions(deps).startSession(res, staffId, { method: 'oidc' })`
 * then redirect to `safeReturnPath(next)`.
 *
 * SameSite=Lax rather than Strict: a link in a reminder mail is a top-level navigation from
 * another site, and with Strict it would arrive without the cookie and ask a logged-in person to
 * log in again. Lax never sends the cookie on cross-site POSTs, and the CSRF token guards the rest.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { AppConfig } from '../../lib/config';
import type { PrismaClient } from '../../lib/db';

export const SESSION_COOKIE = 'cpe_session';
export const CSRF_HEADER = 'X-CSRF-Token';
/** lastSeenAt is written at most this often (one write a minute per active person, not per request). */
const TOUCH_EVERY_MS = 60_000;

export type SessionConfig = Pick<AppConfig, 'PUBLIC_URL' | 'SESSION_MAX_AGE_HOURS' | 'SESSION_IDLE_MINUTES'>;
export type LoginMethod = 'development' | 'oidc';

export interface SessionInfo {
  staffId: string;
  csrfToken: string;
  method: string;
  expiresAt: Date;
}

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const sep = part.indexOf('=');
    if (sep > 0 && part.slice(0, sep).trim() === name) return part.slice(sep + 1).trim();
  }
  return undefined;
}

/** Same-origin desk paths only (`/desk/…`): a `next` pointing elsewhere becomes the work list. */
export function safeReturnPath(next: unknown): string {
  if (typeof next !== 'string') return '/desk/';
  if (!/^\/desk(\/[A-Za-z0-9\-._~%!$&'()*+,;=:@/]*)?(\?[^\s#\\]*)?$/.test(next)) return '/desk/';
  if (next.startsWith('//') || next.includes('/..') || next.includes('\\')) return '/desk/';
  return next;
}

export const sessionToken = (req: Request): string | undefined => {
  const value = cookieValue(req.get('cookie'), SESSION_COOKIE);
  return value && TOKEN.test(value) ? value : undefined;
};

export function csrfMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function sessions(deps: { prisma: PrismaClient; config: SessionConfig }) {
  const { prisma, config } = deps;
  const maxAgeMs = config.SESSION_MAX_AGE_HOURS * 3_600_000;
  const idleMs = config.SESSION_IDLE_MINUTES * 60_000;
  const secure = config.PUBLIC_URL.startsWith('https:');
  const cookie = (value: string, maxAgeSeconds: number) =>
    `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;

  return {
    /** Opens a session for an (active) staff member and sets its cookie on the answer. */
    async startSession(
      res: Response,
      staffId: string,
      options: { method: LoginMethod } = { method: 'oidc' },
    ): Promise<SessionInfo> {
      const token = randomBytes(32).toString('base64url');
      const csrfToken = randomBytes(32).toString('base64url');
      const expiresAt = new Date(Date.now() + maxAgeMs);
      await prisma.staffSession.create({
        data: { idHash: hashOf(token), staffId, csrfToken, method: options.method, expiresAt },
      });
      res.append('Set-Cookie', cookie(token, Math.floor(maxAgeMs / 1000)));
      res.set('Cache-Control', 'no-store');
      return { staffId, csrfToken, method: options.method, expiresAt };
    },

    /** The live session of a cookie value, or why there is none. */
    async resolve(token: string): Promise<SessionInfo | { refused: string }> {
      const row = await prisma.staffSession.findUnique({ where: { idHash: hashOf(token) } });
      const now = Date.now();
      if (!row) return { refused: 'the session is unknown; log in again' };
      if (row.revokedAt) return { refused: 'the session has ended (logged out); log in again' };
      if (row.expiresAt.getTime() <= now) return { refused: 'the session has expired; log in again' };
      if (now - row.lastSeenAt.getTime() > idleMs) {
        return { refused: 'the session expired after a period without activity; log in again' };
      }
      if (now - row.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
        await prisma.staffSession.update({
          where: { idHash: row.idHash },
          data: { lastSeenAt: new Date(now) },
        });
      }
      return { staffId: row.staffId, csrfToken: row.csrfToken, method: row.method, expiresAt: row.expiresAt };
    },

    /** Logout: the row is revoked (kept, so the audit of who was logged in when stays readable). */
    async endSession(req: Request, res: Response): Promise<boolean> {
      const token = sessionToken(req);
      res.append('Set-Cookie', cookie('', 0));
      if (!token) return false;
      const ended = await prisma.staffSession.updateMany({
        where: { idHash: hashOf(token), revokedAt: null },
        data: { revokedAt: new Date() },
      });
      return ended.count > 0;
    },

    /** Every session of a staff member (deactivation, a lost device). */
    async revokeAll(staffId: string): Promise<number> {
      const ended = await prisma.staffSession.updateMany({
        where: { staffId, revokedAt: null },
        data: { revokedAt: new Date() },
      });
      return ended.count;
    },
  };
}

export type Sessions = ReturnType<typeof sessions>;

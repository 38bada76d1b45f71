/**
 * The desk's session routes: who is logged in (and the CSRF token), the development login
 * (choose one of the seeded people; refused when NODE_ENV=production), logout.
 */
import { POLICY, ROLES } from '../auth/policy';
import type { ApiDeps } from '../deps';
import { ProblemError } from '../http/problem';
import type { Routes } from '../http/route';
import { z } from '../openapi/zod';
import { identityProviderConfigured } from './oidc-routes';
import { sessions, type SessionInfo } from './sessions';

const StaffRoleSchema = z.enum(ROLES).openapi('StaffRole');
const LanguageSchema = z.enum(['ar', 'fr', 'en']).openapi('Language');

export const SessionStaff = z
  .object({
    id: z.string(),
    displayName: z.string(),
    role: StaffRoleSchema,
    province: z.string(),
    unitId: z.string().nullable(),
    partnerId: z.string().nullable(),
    language: LanguageSchema,
  })
  .openapi('SessionStaff');

export const SessionView = z
  .object({
    staff: SessionStaff,
    actions: z.array(z.string()).openapi({
      description:
        "the policy's actions this role may perform somewhere (api/auth/policy.ts): the desk shows only what can be done; the API still judges each request",
      example: ['case.read', 'case.screening'],
    }),
    session: z
      .object({
        csrfToken: z
          .string()
          .openapi({ description: 'send it as X-CSRF-Token on every POST made with the cookie' }),
        method: z.string().openapi({ example: 'development' }),
        expiresAt: z.string(),
      })
      .nullable()
      .openapi({ description: 'null when the request carried a bearer token instead of the cookie' }),
  })
  .openapi('SessionView');

const DevLoginBody = z
  .strictObject({ staffId: z.string().min(1).max(100).openapi({ example: 'staff-demo-handler' }) })
  .openapi('DevelopmentLoginBody');

const DevStaffList = z.object({ items: z.array(SessionStaff) }).openapi('DevelopmentStaffList');

const LoginMethods = z
  .object({
    development: z
      .boolean()
      .openapi({ description: 'choose a seeded person (POST /session/development); never in production' }),
    identityProvider: z
      .boolean()
      .openapi({ description: "the ministry's identity provider: navigate to GET /auth/login?next=…" }),
  })
  .openapi('LoginMethods');

const developmentOnly = (deps: ApiDeps) => {
  if (deps.config.NODE_ENV === 'production') {
    throw new ProblemError('notFound', 'the development login is off when NODE_ENV=production');
  }
};

export function sessionRoutes(routes: Routes, deps: ApiDeps): void {
  const desk = sessions(deps);
  const staffView = async (staffId: string) => {
    const s = await deps.prisma.staff.findUniqueOrThrow({ where: { id: staffId } });
    return {
      id: s.id,
      displayName: s.displayName,
      role: s.role,
      province: s.provinceCode,
      unitId: s.unitId,
      partnerId: s.partnerId,
      language: s.language,
    };
  };
  const sessionView = (info: SessionInfo | undefined) =>
    info ? { csrfToken: info.csrfToken, method: info.method, expiresAt: info.expiresAt.toISOString() } : null;

  routes.route({
    method: 'get',
    path: '/session',
    operationId: 'getSession',
    summary: 'Who is logged in (the desk asks at start), with the CSRF token of a cookie session',
    tag: 'session',
    responses: { 200: { description: 'the staff member and the session', schema: SessionView } },
    handle: async ({ actor, res }) => {
      res.set('Cache-Control', 'no-store');
      return {
        body: {
          staff: await staffView(actor.id),
          actions: Object.keys(POLICY[actor.role]),
          session: sessionView(res.locals.session as SessionInfo | undefined),
        },
      };
    },
  });

  routes.route({
    method: 'post',
    path: '/session/logout',
    operationId: 'logout',
    summary: 'End the desk session (the cookie no longer works, even if kept)',
    tag: 'session',
    responses: { 200: { description: 'logged out', schema: z.object({ ended: z.boolean() }) } },
    idempotencyKey: false,
    handle: async ({ req, res }) => ({ body: { ended: await desk.endSession(req, res) } }),
  });

  routes.publicRoute({
    method: 'get',
    path: '/session/login-methods',
    operationId: 'loginMethods',
    summary: 'How one logs in to the desk here: the development login, the identity provider, or both',
    tag: 'session',
    responses: { 200: { description: 'the ways in', schema: LoginMethods } },
    handle: async () => ({
      body: {
        development: deps.config.NODE_ENV !== 'production',
        identityProvider: identityProviderConfigured(deps.config),
      },
    }),
  });

  routes.publicRoute({
    method: 'get',
    path: '/session/development/staff',
    operationId: 'developmentStaff',
    summary: 'Development login: the active staff members one may log in as (404 in production)',
    tag: 'session',
    responses: { 200: { description: 'the people to choose from', schema: DevStaffList } },
    problems: { 404: 'the development login is off (NODE_ENV=production)' },
    handle: async () => {
      developmentOnly(deps);
      const staff = await deps.prisma.staff.findMany({
        where: { active: true },
        orderBy: [{ provinceCode: 'asc' }, { role: 'asc' }, { id: 'asc' }],
        take: 200,
      });
      return {
        body: {
          items: staff.map((s) => ({
            id: s.id,
            displayName: s.displayName,
            role: s.role,
            province: s.provinceCode,
            unitId: s.unitId,
            partnerId: s.partnerId,
            language: s.language,
          })),
        },
      };
    },
  });

  routes.publicRoute({
    method: 'post',
    path: '/session/development',
    operationId: 'developmentLogin',
    summary: 'Development login: open a desk session as a chosen staff member (404 in production)',
    description:
      'Sets the HttpOnly `cpe_session` cookie. Refused when NODE_ENV=production, where the login is OIDC.',
    tag: 'session',
    request: { body: DevLoginBody },
    responses: { 200: { description: 'logged in', schema: SessionView } },
    problems: {
      404: 'the development login is off (NODE_ENV=production)',
      401: 'no active staff member with this id',
    },
    handle: async ({ body, res }) => {
      developmentOnly(deps);
      const staff = await deps.prisma.staff.findUnique({ where: { id: body.staffId } });
      if (!staff || !staff.active) {
        throw new ProblemError('unauthenticated', 'no active staff member with this id');
      }
      const info = await desk.startSession(res, staff.id, { method: 'development' });
      await deps.prisma.auditEvent.create({
        data: {
          actorType: 'staff',
          actorId: staff.id,
          action: 'session.started',
          entity: 'session',
          entityId: null,
          reason: 'development login',
          details: { method: 'development' },
        },
      });
      return {
        body: {
          staff: await staffView(staff.id),
          actions: Object.keys(POLICY[staff.role]),
          session: sessionView(info),
        },
      };
    },
  });
}

/**
 * The desk's production login: the authorisation-code flow with PKCE at the ministry's identity
 * provider (api/auth/login.ts), ending in a desk session (api/session/sessions.ts).
 *
 *   GET /auth/login?next=/desk/cases/…  → 303 to the provider (state, nonce, PKCE in a sealed cookie)
 *   GET /auth/callback?code=…&state=…   → the session cookie, then 303 back to `next`
 *
 * Both are browser navigations, not JSON calls: a callback that fails sends the person back to the
 * desk's login page with a short error code (`/desk/login?error=failed|unknown|unavailable`) that
 * the page says in their language; the reason goes to the log. Without OIDC_CLIENT_ID and
 * OIDC_REDIRECT_URL the routes answer 404 (the development login is the way in then).
 */
import { createLoginFlow, type LoginFlow } from '../auth/login';
import type { ApiDeps } from '../deps';
import { ProblemError } from '../http/problem';
import type { Routes } from '../http/route';
import { z } from '../openapi/zod';
import { safeReturnPath, sessions } from './sessions';

/** What the desk's login page is told when a login did not end in a session. */
export const LOGIN_ERRORS = ['failed', 'unknown', 'unavailable'] as const;
export type LoginError = (typeof LOGIN_ERRORS)[number];

const loginErrorOf = (err: ProblemError): LoginError =>
  err.kind === 'unauthenticated' ? 'unknown' : err.kind === 'unavailable' ? 'unavailable' : 'failed';

const LoginQuery = z
  .object({
    next: z.string().max(2_000).optional().openapi({
      description: 'the desk page to land on after login (a `/desk/…` path; else the work list)',
    }),
  })
  .openapi('LoginQuery');

// The provider's answer: its parameters are the provider's (RFC 6749 §4.1.2), any others are kept.
const CallbackQuery = z
  .looseObject({
    code: z.string().optional(),
    state: z.string().optional(),
    error: z.string().optional(),
    error_description: z.string().optional(),
  })
  .openapi('LoginCallbackQuery');

export const identityProviderConfigured = (config: ApiDeps['config']): boolean =>
  Boolean(config.OIDC_ISSUER_URL && config.OIDC_CLIENT_ID && config.OIDC_REDIRECT_URL);

export function oidcLoginRoutes(routes: Routes, deps: ApiDeps): void {
  const desk = sessions(deps);
  let flow: LoginFlow | undefined;
  const loginFlow = (): LoginFlow => {
    if (!identityProviderConfigured(deps.config)) {
      throw new ProblemError(
        'notFound',
        'no identity provider is configured for the desk (OIDC_CLIENT_ID, OIDC_REDIRECT_URL)',
      );
    }
    return (flow ??= createLoginFlow({ config: deps.config, prisma: deps.prisma }));
  };

  routes.publicRoute({
    method: 'get',
    path: '/auth/login',
    operationId: 'beginLogin',
    summary: "The desk's login: sends the browser to the identity provider (authorisation code + PKCE)",
    description:
      'A browser navigation (the login page links to it), not an API call. Sets a short-lived, ' +
      'encrypted HttpOnly cookie holding the state, nonce, PKCE verifier and `next`.',
    tag: 'session',
    request: { query: LoginQuery },
    responses: { 303: { description: "to the identity provider's authorisation endpoint" } },
    problems: {
      404: 'no identity provider is configured for the desk',
      503: 'the identity provider cannot be reached',
    },
    handle: async ({ query, req, res }) => {
      await loginFlow().beginLogin(req, res, { returnTo: safeReturnPath(query.next) });
      return { body: null, answered: true };
    },
  });

  routes.publicRoute({
    method: 'get',
    path: '/auth/callback',
    operationId: 'completeLogin',
    summary:
      'Where the identity provider sends the browser back: opens the desk session, then the page asked for',
    description:
      'Checks the state against the login cookie, exchanges the code (with the PKCE verifier), ' +
      'verifies the ID token and finds the active staff member it names; sets the `cpe_session` ' +
      'cookie and answers 303 to the `next` of the login. A login that fails answers 303 to ' +
      '`/desk/login?error=failed|unknown|unavailable`.',
    tag: 'session',
    request: { query: CallbackQuery },
    responses: {
      303: { description: 'to the desk page asked for (logged in), or to the login page with an error code' },
    },
    problems: { 404: 'no identity provider is configured for the desk' },
    handle: async ({ req, res }) => {
      const login = loginFlow();
      let done;
      try {
        done = await login.completeLogin(req, res);
      } catch (err) {
        if (!(err instanceof ProblemError)) throw err;
        // The reason is about the login (state, provider, who), never about a child.
        req.log.warn({ problem: err.kind, reason: err.detail }, 'desk login failed');
        res.set('Cache-Control', 'no-store');
        return { status: 303, body: null, redirect: `/desk/login?error=${loginErrorOf(err)}` };
      }
      await desk.startSession(res, done.staffId, { method: 'oidc' });
      await deps.prisma.auditEvent.create({
        data: {
          actorType: 'staff',
          actorId: done.staffId,
          action: 'session.started',
          entity: 'session',
          entityId: null,
          reason: 'login at the identity provider',
          details: { method: 'oidc' },
        },
      });
      return { status: 303, body: null, redirect: safeReturnPath(done.returnTo) };
    },
  });
}

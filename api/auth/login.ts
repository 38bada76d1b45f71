/**
 * The desk's login at the identity provider: the authorisation-code flow with PKCE (S256), server
 * side. `beginLogin` sends the browser to the provider with a fresh state, nonce and code verifier,
 * kept in a short-lived encrypted HttpOnly cookie on the callback path; `completeLogin`, at the
 * callback, checks the state, exchanges the code (with the verifier and, for a confidential client,
 * the client secret), verifies the ID token (issuer, audience = our client, nonce, RS256/ES256,
 * expiry) and returns the active staff member the configured claim names. What the desk does then
 * (its cookie session) is the desk's business:
 *
 *   const login = createLoginFlow({ config, prisma });
 *   router.get('/auth/login', (req, res) => login.beginLogin(req, res, { returnTo: '/cases' }));
 *   router.get('/auth/callback', async (req, res) => {
 *     const { staffId, returnTo } = await login.completeLogin(req, res);
 *     // start the desk's session for staffId, then:
 *     res.redirect(303, returnTo);
 *   });
 *
 * Failures throw ProblemError: 400 for a callback that does not belong to a login begun here (no or
 * wrong state, an error from the provider, a code it refuses), 401 for an identity that names no
 * active staff member, 503 when the provider cannot be reached.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { EncryptJWT, createRemoteJWKSet, jwtDecrypt, jwtVerify, errors as joseErrors } from 'jose';
import type { AppConfig } from '../../lib/config';
import type { PrismaClient } from '../../lib/db';
import { ProblemError } from '../http/problem';
import { activeActorBy } from './authenticate';
import {
  checkClaims,
  CLOCK_TOLERANCE_S,
  discovery,
  IdentityProviderUnavailable,
  OIDC_ALGORITHMS,
} from './oidc';

export type LoginConfig = Pick<
  AppConfig,
  | 'JWT_SECRET'
  | 'OIDC_ISSUER_URL'
  | 'OIDC_CLIENT_ID'
  | 'OIDC_CLIENT_SECRET'
  | 'OIDC_REDIRECT_URL'
  | 'OIDC_SCOPES'
  | 'OIDC_AUDIENCE'
  | 'OIDC_STAFF_CLAIM'
  | 'OIDC_STAFF_MATCH'
  | 'OIDC_MAX_TOKEN_LIFETIME_S'
>;

export interface CompletedLogin {
  staffId: string;
  /** Where the browser asked to go (a path of this site; `/` when none was given). */
  returnTo: string;
  /** The provider's tokens, for a desk that calls the API with them or logs out at the provider. */
  accessToken: string;
  idToken: string;
  expiresAt: number | undefined;
}

export interface LoginFlow {
  beginLogin(req: Request, res: Response, options?: { returnTo?: string }): Promise<void>;
  completeLogin(req: Request, res: Response): Promise<CompletedLogin>;
}

export const LOGIN_COOKIE = 'cpe_login';
const LOGIN_TTL_S = 600;
const base64url = (bytes: Buffer) => bytes.toString('base64url');
const random = () => base64url(randomBytes(32));

/** Only a path of this site: never another origin (`//host`, `https://…`, `/\host`). */
export function safeReturnTo(value: unknown): string {
  if (
    typeof value !== 'string' ||
    !value.startsWith('/') ||
    value.startsWith('//') ||
    /[\\\r\n]/.test(value)
  ) {
    return '/';
  }
  return value;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const sep = part.indexOf('=');
    if (sep > 0 && part.slice(0, sep).trim() === name) return part.slice(sep + 1).trim();
  }
  return undefined;
}

const badCallback = (detail: string) => new ProblemError('validation', `login failed: ${detail}`);

export function createLoginFlow(deps: { config: LoginConfig; prisma: PrismaClient }): LoginFlow {
  const { config, prisma } = deps;
  const { OIDC_ISSUER_URL: issuer, OIDC_CLIENT_ID: clientId, OIDC_REDIRECT_URL: redirectUrl } = config;
  if (!issuer || !clientId || !redirectUrl) {
    throw new Error('createLoginFlow needs OIDC_ISSUER_URL, OIDC_CLIENT_ID and OIDC_REDIRECT_URL');
  }
  const metadata = discovery(issuer);
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  const keys = async () => (jwks ??= createRemoteJWKSet(new URL((await metadata()).jwks_uri)));
  // The login cookie is encrypted (A256GCM) with a key of its own derived from JWT_SECRET.
  const cookieKey = createHash('sha256').update(`login-cookie:${config.JWT_SECRET}`).digest();
  const callback = new URL(redirectUrl);
  const cookieOptions = {
    httpOnly: true,
    secure: callback.protocol === 'https:',
    // Lax: the cookie comes back on the provider's top-level redirect to the callback (a GET).
    sameSite: 'lax' as const,
    path: callback.pathname,
  };
  const providerCall = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (err) {
      if (err instanceof IdentityProviderUnavailable) {
        throw new ProblemError('unavailable', 'the identity provider cannot be reached; try again shortly');
      }
      if (err instanceof ProblemError) throw err;
      throw new ProblemError('unavailable', `the identity provider failed during ${what}`);
    }
  };

  return {
    async beginLogin(req, res, options = {}) {
      const meta = await providerCall('discovery', metadata);
      const state = random();
      const nonce = random();
      const verifier = random();
      const challenge = base64url(createHash('sha256').update(verifier).digest());
      const returnTo = safeReturnTo(options.returnTo ?? req.query.returnTo);
      const sealed = await new EncryptJWT({ state, nonce, verifier, returnTo })
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
        .setIssuedAt()
        .setExpirationTime(`${LOGIN_TTL_S}s`)
        .encrypt(cookieKey);
      res.cookie(LOGIN_COOKIE, sealed, { ...cookieOptions, maxAge: LOGIN_TTL_S * 1000 });
      const url = new URL(meta.authorization_endpoint);
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: redirectUrl,
        scope: config.OIDC_SCOPES,
        state,
        nonce,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        // RFC 8707: the access token is for the API (its audience), where the provider supports it.
        ...(config.OIDC_AUDIENCE ? { resource: config.OIDC_AUDIENCE } : {}),
      }).toString();
      res.redirect(303, url.toString());
    },

    async completeLogin(req, res) {
      const sealed = cookieValue(req.get('cookie'), LOGIN_COOKIE);
      res.clearCookie(LOGIN_COOKIE, cookieOptions);
      if (!sealed) throw badCallback('no login in progress in this browser (start again)');
      let pending: { state: string; nonce: string; verifier: string; returnTo: string };
      try {
        const { payload } = await jwtDecrypt(sealed, cookieKey);
        pending = payload as typeof pending;
      } catch (err) {
        throw badCallback(
          err instanceof joseErrors.JWTExpired
            ? 'the login took too long (start again)'
            : 'the login cookie is invalid',
        );
      }
      const query = req.query as Record<string, unknown>;
      if (typeof query.state !== 'string' || query.state !== pending.state) {
        throw badCallback('the state does not match the login begun in this browser');
      }
      if (typeof query.error === 'string') {
        throw badCallback(`the identity provider answered ${query.error}`);
      }
      if (typeof query.code !== 'string' || query.code === '') throw badCallback('no authorisation code');

      const meta = await providerCall('discovery', metadata);
      const body = new URLSearchParams({
        grant_type: 'authorization_code',
        code: query.code,
        redirect_uri: redirectUrl,
        code_verifier: pending.verifier,
      });
      const headers: Record<string, string> = {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      };
      if (config.OIDC_CLIENT_SECRET) {
        // client_secret_basic (RFC 6749 §2.3.1): both parts form-encoded before base64.
        const pair = `${encodeURIComponent(clientId)}:${encodeURIComponent(config.OIDC_CLIENT_SECRET)}`;
        headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
      } else {
        body.set('client_id', clientId);
      }
      const tokenResponse = await providerCall('the code exchange', () =>
        fetch(meta.token_endpoint, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) }),
      );
      const tokens = (await tokenResponse.json().catch(() => ({}))) as Record<string, unknown>;
      if (!tokenResponse.ok) {
        throw badCallback(
          `the identity provider refused the code (${String(tokens.error ?? tokenResponse.status)})`,
        );
      }
      const { id_token: idToken, access_token: accessToken, expires_in: expiresIn } = tokens;
      if (typeof idToken !== 'string' || typeof accessToken !== 'string') {
        throw badCallback('the identity provider sent no ID token');
      }
      const getKey = await providerCall('reading its keys', keys);
      let claims;
      try {
        ({ payload: claims } = await jwtVerify(idToken, getKey, {
          issuer,
          audience: clientId,
          algorithms: OIDC_ALGORITHMS,
          requiredClaims: ['exp', 'iat', 'nonce'],
          clockTolerance: CLOCK_TOLERANCE_S,
        }));
      } catch {
        throw badCallback('the ID token is invalid');
      }
      if (claims.nonce !== pending.nonce) throw badCallback('the ID token is not for this login (nonce)');
      const checked = checkClaims(claims, config);
      if ('refused' in checked)
        throw new ProblemError('unauthenticated', `login refused: ${checked.refused}`);
      const actor = await activeActorBy(prisma, config.OIDC_STAFF_MATCH, checked.subject);
      if (!actor)
        throw new ProblemError('unauthenticated', 'login refused: the identity names no active staff member');
      return {
        staffId: actor.id,
        returnTo: safeReturnTo(pending.returnTo),
        accessToken,
        idToken,
        expiresAt: typeof expiresIn === 'number' ? Math.floor(Date.now() / 1000) + expiresIn : undefined,
      };
    },
  };
}

/**
 * Login for real deployments, against a real OpenID Connect provider (the `oidc-provider` package,
 * test/support/oidc.ts) and the e2e cluster: people log in at the provider (authorisation code +
 * PKCE) and act on the API with its access tokens (RS256 and ES256, discovered keys). Tokens that
 * are expired, for another audience, of another issuer, too long-lived or naming nobody are
 * refused with 401; HS256 development tokens are refused when NODE_ENV=production. The desk's
 * server-side login (api/auth/login.ts) ends in the staff member the provider vouched for.
 */
import type { Server } from 'node:http';
import express from 'express';
import pino from 'pino';
import { createLoginFlow } from '../../api/auth/login';
import { signToken } from '../../api/auth/token';
import { errorHandler } from '../../api/http/errors';
import { freePort } from '../../devstack/ports';
import { ConfigError, loadConfig } from '../../lib/config';
import { newChildReport, startTestApi, waitForOpenStep, type TestApi } from '../support/api';
import { createHarness, type Harness } from '../support/harness';
import { browserFetch, CookieJar, startOidcProvider, type TestOidcProvider } from '../support/oidc';

const PRODUCTION_SECRET = 'production-secret-production-secret-0123456789';

let idp: TestOidcProvider;
let h: Harness;
let api: TestApi;
let production: TestApi;
let loginServer: Server;
let loginUrl: string;

beforeAll(async () => {
  const loginPort = await freePort();
  loginUrl = `http://127.0.0.1:${loginPort}`;
  [idp, h] = await Promise.all([
    startOidcProvider({ redirectUris: [`${loginUrl}/auth/callback`] }),
    createHarness({ server: 'cluster' }),
  ]);
  await h.startWorker();
  const oidc = { OIDC_ISSUER_URL: idp.issuer, OIDC_AUDIENCE: idp.audience };
  api = await startTestApi(h, oidc);
  production = await startTestApi(h, { ...oidc, NODE_ENV: 'production', JWT_SECRET: PRODUCTION_SECRET });

  // The desk's part, as the integrator wires it: two routes around the login flow.
  const config = loadConfig({
    DATABASE_URL: h.db.url,
    PAYLOAD_ENCRYPTION_KEYS: 'unused:' + Buffer.alloc(32, 1).toString('base64'),
    JWT_SECRET: PRODUCTION_SECRET,
    ...oidc,
    OIDC_CLIENT_ID: 'desk',
    OIDC_CLIENT_SECRET: 'desk-secret-0123456789',
    OIDC_REDIRECT_URL: `${loginUrl}/auth/callback`,
  });
  const login = createLoginFlow({ config, prisma: h.db.prisma });
  const app = express();
  app.get('/auth/login', (req, res) => login.beginLogin(req, res));
  app.get('/auth/callback', async (req, res) => {
    const done = await login.completeLogin(req, res);
    res.json({ staffId: done.staffId, returnTo: done.returnTo, hasAccessToken: done.accessToken.length > 0 });
  });
  app.use(errorHandler(pino({ level: 'silent' })));
  loginServer = await new Promise<Server>((resolve) => {
    const s = app.listen(loginPort, '127.0.0.1', () => resolve(s));
  });
});

afterAll(async () => {
  await new Promise<void>((resolve) => (loginServer ? loginServer.close(() => resolve()) : resolve()));
  await production?.stop();
  await api?.stop();
  await h?.stop();
  await idp?.stop();
});

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const refusal = async (target: TestApi, token: string) => {
  const res = await target.get<{ detail: string }>('/cases', bearer(token));
  return { status: res.status, detail: res.body.detail, challenge: res.headers.get('www-authenticate') };
};

describe('OIDC access tokens', () => {
  it('lets a handler who logged in at the provider report a case in production, audited as that handler', async () => {
    const { accessToken } = await idp.accessToken({ login: 'handler' });
    const opened = await production.post<{ caseId: string }>('/cases', {
      body: newChildReport(),
      ...bearer(accessToken),
    });
    expect(opened.status).toBe(201);
    await waitForOpenStep(api, opened.body.caseId, 'screening');
    const reported = await h.db.prisma.auditEvent.findFirstOrThrow({
      where: { caseId: opened.body.caseId, action: 'case.reported' },
    });
    expect([reported.actorType, reported.actorId]).toEqual(['staff', 'staff-demo-handler']);
    // The same person reads the case with the same token.
    const read = await production.get<{ step: string }>(`/cases/${opened.body.caseId}`, bearer(accessToken));
    expect([read.status, read.body.step]).toEqual([200, 'screening']);
  });

  it('accepts ES256 tokens too, from a public client', async () => {
    const { accessToken } = await idp.accessToken({ login: 'supervisor', clientId: 'desk-es256' });
    expect(JSON.parse(Buffer.from(accessToken.split('.')[0] ?? '', 'base64url').toString()).alg).toBe(
      'ES256',
    );
    expect((await production.get('/cases', bearer(accessToken))).status).toBe(200);
  });

  it('refuses with 401 a token for another audience, of another issuer, too long-lived, for nobody, or an ID token', async () => {
    const otherAudience = await idp.accessToken({ login: 'handler', resource: 'urn:another:api' });
    expect(await refusal(production, otherAudience.accessToken)).toEqual({
      status: 401,
      detail: "the token's aud claim is not accepted",
      challenge: 'Bearer realm="child-protection"',
    });
    const otherIssuer = await idp.accessToken({ login: 'handler', issuer: idp.otherIssuer });
    expect(await refusal(production, otherIssuer.accessToken)).toMatchObject({
      status: 401,
      detail: "the token's iss claim is not accepted",
    });
    const longLived = await idp.accessToken({ login: 'handler', clientId: 'long-lived' });
    expect(await refusal(production, longLived.accessToken)).toMatchObject({
      status: 401,
      detail: 'the token lives longer than 7200 s (exp - iat)',
    });
    const stranger = await idp.accessToken({ login: 'stranger' });
    expect(await refusal(production, stranger.accessToken)).toMatchObject({
      status: 401,
      detail: 'the token names no active staff member',
    });
    // An ID token is for the client (aud = desk), never for the API.
    expect(await refusal(production, otherAudience.idToken)).toMatchObject({
      status: 401,
      detail: "the token's aud claim is not accepted",
    });
  });

  it('refuses with 401 an access token once it has expired', async () => {
    const { accessToken } = await idp.accessToken({ login: 'handler', clientId: 'short-lived' });
    // Valid for one second, plus the five seconds of clock tolerance.
    await new Promise((r) => setTimeout(r, 7_500));
    expect(await refusal(production, accessToken)).toMatchObject({
      status: 401,
      detail: 'the token has expired',
    });
  });

  it('refuses HS256 development tokens when NODE_ENV=production, and accepts them otherwise', async () => {
    const devToken = await signToken({ JWT_SECRET: PRODUCTION_SECRET }, 'staff-demo-handler');
    expect(await refusal(production, devToken)).toMatchObject({
      status: 401,
      detail: 'development tokens (HS256) are refused in production: log in through the identity provider',
    });
    const outside = await signToken({ JWT_SECRET: api.config.JWT_SECRET }, 'staff-demo-handler');
    expect((await api.get('/cases', bearer(outside))).status).toBe(200);
  });

  it('will not start in production without an identity provider', async () => {
    await expect(startTestApi(h, { NODE_ENV: 'production', JWT_SECRET: PRODUCTION_SECRET })).rejects.toThrow(
      ConfigError,
    );
    await expect(startTestApi(h, { NODE_ENV: 'production', JWT_SECRET: PRODUCTION_SECRET })).rejects.toThrow(
      /OIDC_ISSUER_URL: required when NODE_ENV=production/,
    );
  });
});

describe('the desk login (authorisation code + PKCE)', () => {
  it('ends in the staff member the provider vouched for, and goes back where the person was going', async () => {
    const jar = new CookieJar();
    const begin = await browserFetch(jar, `${loginUrl}/auth/login?returnTo=%2Fcases%2Fabc`);
    expect(begin.status).toBe(303);
    const authorize = new URL(begin.headers.get('location') ?? '');
    expect(authorize.origin).toBe(idp.issuer);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('client_id')).toBe('desk');
    const callback = await idp.signIn(authorize.toString(), 'supervisor', jar);
    expect(callback.startsWith(`${loginUrl}/auth/callback?`)).toBe(true);
    const done = await browserFetch(jar, callback);
    expect([done.status, await done.json()]).toEqual([
      200,
      { staffId: 'staff-demo-supervisor', returnTo: '/cases/abc', hasAccessToken: true },
    ]);
    // The login cookie is spent: the same callback again is not a login.
    const replay = await browserFetch(jar, callback);
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as { detail: string }).detail).toBe(
      'login failed: no login in progress in this browser (start again)',
    );
  });

  it('refuses a callback whose state is not the one it sent, and never sends the browser off-site', async () => {
    const jar = new CookieJar();
    const begin = await browserFetch(jar, `${loginUrl}/auth/login?returnTo=https%3A%2F%2Fevil.example%2F`);
    const callback = new URL(await idp.signIn(begin.headers.get('location') ?? '', 'handler', jar));
    callback.searchParams.set('state', 'forged');
    const forged = await browserFetch(jar, callback.toString());
    expect(forged.status).toBe(400);
    expect(((await forged.json()) as { detail: string }).detail).toBe(
      'login failed: the state does not match the login begun in this browser',
    );

    const again = new CookieJar();
    const second = await browserFetch(again, `${loginUrl}/auth/login?returnTo=https%3A%2F%2Fevil.example%2F`);
    const ok = await browserFetch(
      again,
      await idp.signIn(second.headers.get('location') ?? '', 'handler', again),
    );
    expect(await ok.json()).toEqual({ staffId: 'staff-demo-handler', returnTo: '/', hasAccessToken: true });
  });

  it('refuses a person the engine does not know, with 401', async () => {
    const jar = new CookieJar();
    const begin = await browserFetch(jar, `${loginUrl}/auth/login`);
    const res = await browserFetch(
      jar,
      await idp.signIn(begin.headers.get('location') ?? '', 'stranger', jar),
    );
    expect(res.status).toBe(401);
    expect(((await res.json()) as { detail: string }).detail).toBe(
      'login refused: the identity names no active staff member',
    );
  });
});

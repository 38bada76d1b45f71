/**
 * A real OpenID Connect provider for tests (test/support/oidc-provider-server.ts, the `oidc-provider`
 * package) and a browser's part in a login: following redirects with a cookie jar, filling the
 * provider's login form. `accessToken` plays a whole client (authorisation code + PKCE) to get real
 * tokens; `signIn` plays only the browser, for a login flow driven by the code under test.
 *
 *   const idp = await startOidcProvider({ redirectUris: ['http://127.0.0.1:4000/auth/callback'] });
 *   const { accessToken } = await idp.accessToken({ login: 'handler' });
 *   ...
 *   await idp.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { freePort } from '../../devstack/ports';
import type { ProviderConfig, TestAccount, TestClient } from './oidc-provider-server';

const ROOT = path.resolve(__dirname, '..', '..');

/** The audience (resource indicator) the provider issues API access tokens for. */
export const TEST_OIDC_AUDIENCE = 'urn:child-protection:api';
/** The seeded demo staff (prisma/seed.sql) as accounts of the ministry's directory. */
export const TEST_ACCOUNTS: TestAccount[] = [
  { login: 'handler', password: 'handler-password', email: 'handler@demo.example' },
  { login: 'supervisor', password: 'supervisor-password', email: 'supervisor@demo.example' },
  // Known to the directory, unknown to the engine.
  { login: 'stranger', password: 'stranger-password', email: 'stranger@elsewhere.example' },
];
export const FALLBACK_REDIRECT = 'http://127.0.0.1:9/callback';

export interface TestOidcProvider {
  /** The issuer the API trusts. */
  issuer: string;
  /** A second issuer signing with the same keys (tokens it issues must be refused for their `iss`). */
  otherIssuer: string;
  audience: string;
  clients: TestClient[];
  /** Real tokens through the whole code flow, as client `clientId` (default `desk`). */
  accessToken(options: {
    login: string;
    clientId?: string;
    issuer?: string;
    resource?: string;
  }): Promise<{ accessToken: string; idToken: string }>;
  /** The browser's part: from an authorisation URL to the callback URL the provider sends it to. */
  signIn(authorizationUrl: string, login: string, jar?: CookieJar): Promise<string>;
  stop(): Promise<void>;
}

/** The cookies a browser would keep, per origin (every server here is on 127.0.0.1). */
export class CookieJar {
  private readonly cookies = new Map<string, Map<string, string>>();
  store(url: string, res: Response): void {
    const origin = new URL(url).origin;
    const jar = this.cookies.get(origin) ?? new Map<string, string>();
    for (const header of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';');
      const sep = pair.indexOf('=');
      const name = pair.slice(0, sep).trim();
      const value = pair.slice(sep + 1).trim();
      const expired = attributes.some(
        (a) => /^\s*max-age=0\s*$/i.test(a) || /expires=thu, 01 jan 1970/i.test(a),
      );
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    this.cookies.set(origin, jar);
  }
  header(url: string): string {
    const jar = this.cookies.get(new URL(url).origin);
    return jar ? [...jar].map(([k, v]) => `${k}=${v}`).join('; ') : '';
  }
  get(url: string, name: string): string | undefined {
    return this.cookies.get(new URL(url).origin)?.get(name);
  }
}

/** One request as a browser makes it: cookies sent and kept, redirects not followed. */
export async function browserFetch(jar: CookieJar, url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const cookie = jar.header(url);
  if (cookie) headers.set('cookie', cookie);
  const res = await fetch(url, { ...init, headers, redirect: 'manual' });
  jar.store(url, res);
  return res;
}

const CLIENTS: TestClient[] = [
  {
    clientId: 'desk',
    clientSecret: 'desk-secret-0123456789',
    redirectUris: [],
    accessTokenTtl: 300,
    alg: 'RS256',
  },
  // A public client (PKCE only) whose tokens are signed ES256.
  { clientId: 'desk-es256', redirectUris: [], accessTokenTtl: 300, alg: 'ES256' },
  // Tokens that expire a second after they are issued, and tokens living three hours.
  { clientId: 'short-lived', redirectUris: [], accessTokenTtl: 1, alg: 'RS256' },
  { clientId: 'long-lived', redirectUris: [], accessTokenTtl: 3 * 3600, alg: 'RS256' },
];

export async function startOidcProvider(
  options: { redirectUris?: string[] } = {},
): Promise<TestOidcProvider> {
  const redirectUris = [FALLBACK_REDIRECT, ...(options.redirectUris ?? [])];
  const clients = CLIENTS.map((c) => ({ ...c, redirectUris }));
  const config: ProviderConfig = {
    issuers: [{ port: await freePort() }, { port: await freePort() }],
    audience: TEST_OIDC_AUDIENCE,
    accounts: TEST_ACCOUNTS,
    clients,
  };
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'test', 'support', 'oidc-provider-server.ts')],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', OIDC_TEST_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const issuers = await new Promise<string[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the OIDC provider did not start:\n${output}`)), 60_000);
    child.stdout?.on('data', () => {
      const line = /^ready (.*)$/m.exec(output);
      if (line?.[1]) {
        clearTimeout(timer);
        resolve((JSON.parse(line[1]) as { issuers: string[] }).issuers);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the OIDC provider exited:\n${output}`));
    });
  });
  const [issuer = '', otherIssuer = ''] = issuers;
  const password = (login: string) => TEST_ACCOUNTS.find((a) => a.login === login)?.password ?? 'unknown';

  const signIn = async (authorizationUrl: string, login: string, jar = new CookieJar()) => {
    const provider = new URL(authorizationUrl).origin;
    let url = authorizationUrl;
    for (let hop = 0; hop < 10; hop += 1) {
      const res = await browserFetch(jar, url);
      if (res.status >= 300 && res.status < 400) {
        const next = new URL(res.headers.get('location') ?? '', url).toString();
        if (new URL(next).origin !== provider) return next; // back to the client: the callback
        url = next;
        continue;
      }
      const html = await res.text();
      const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
      if (res.status !== 200 || !action)
        throw new Error(`the provider answered ${res.status}: ${html.slice(0, 300)}`);
      const posted = await browserFetch(jar, new URL(action, url).toString(), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ login, password: password(login) }).toString(),
      });
      if (posted.status < 300 || posted.status >= 400) {
        throw new Error(`sign-in refused (${posted.status}): ${(await posted.text()).slice(0, 300)}`);
      }
      url = new URL(posted.headers.get('location') ?? '', url).toString();
    }
    throw new Error('too many redirects at the provider');
  };

  return {
    issuer,
    otherIssuer,
    audience: TEST_OIDC_AUDIENCE,
    clients,
    signIn,
    async accessToken({ login, clientId = 'desk', issuer: from = issuer, resource = TEST_OIDC_AUDIENCE }) {
      const client = clients.find((c) => c.clientId === clientId);
      if (!client) throw new Error(`no test client ${clientId}`);
      const meta = (await (await fetch(`${from}/.well-known/openid-configuration`)).json()) as {
        authorization_endpoint: string;
        token_endpoint: string;
      };
      const verifier = randomBytes(32).toString('base64url');
      const authorize = new URL(meta.authorization_endpoint);
      authorize.search = new URLSearchParams({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: FALLBACK_REDIRECT,
        scope: 'openid email profile',
        state: randomBytes(8).toString('hex'),
        nonce: randomBytes(8).toString('hex'),
        resource,
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
      }).toString();
      const callback = new URL(await signIn(authorize.toString(), login));
      const code = callback.searchParams.get('code');
      if (!code) throw new Error(`no code in ${callback.toString()}`);
      const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
      const body = new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: FALLBACK_REDIRECT,
        code_verifier: verifier,
        resource,
      });
      if (client.clientSecret) {
        headers.authorization = `Basic ${Buffer.from(`${clientId}:${client.clientSecret}`).toString('base64')}`;
      } else {
        body.set('client_id', clientId);
      }
      const res = await fetch(meta.token_endpoint, { method: 'POST', headers, body });
      const tokens = (await res.json()) as { access_token?: string; id_token?: string; error?: string };
      if (!res.ok || !tokens.access_token || !tokens.id_token) {
        throw new Error(`token request refused: ${JSON.stringify(tokens)}`);
      }
      return { accessToken: tokens.access_token, idToken: tokens.id_token };
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

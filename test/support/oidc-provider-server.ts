/**
 * A real OpenID Connect provider (the `oidc-provider` package, certified OpenID implementation) in
 * a process of its own — it is an ES module, which jest's module runtime cannot load. Started by
 * test/support/oidc.ts with its configuration as JSON in OIDC_TEST_CONFIG; prints `ready <json>`.
 *
 * Each issuer listed gets its own port and its own Provider, all signing with the same keys (RS256
 * and ES256), so a token of another issuer is refused for its `iss`, not for its signature. The
 * login page is a plain form (login, password) checked against the accounts given; consent is
 * implied for the clients given (first-party). Access tokens are JWTs (RFC 9068) for the audience
 * given, with the account's e-mail, and with the lifetime and algorithm of their client.
 */
import http from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';

export interface TestAccount {
  login: string;
  password: string;
  email: string;
}
export interface TestClient {
  clientId: string;
  clientSecret?: string;
  redirectUris: string[];
  /** Lifetime of its access tokens, seconds. */
  accessTokenTtl: number;
  alg: 'RS256' | 'ES256';
}
export interface ProviderConfig {
  issuers: { port: number; host?: string }[];
  audience: string;
  accounts: TestAccount[];
  clients: TestClient[];
}

const escape = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const loginPage = (uid: string, error?: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head>
<body><main><h1>Sign in to the ministry</h1>
${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label>Username <input name="login" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form></main></body></html>`;

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req) body += String(chunk);
  return new URLSearchParams(body);
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env.OIDC_TEST_CONFIG ?? '') as ProviderConfig;
  const rsa = await generateKeyPair('RS256', { extractable: true });
  const ec = await generateKeyPair('ES256', { extractable: true });
  const keys = [
    { ...(await exportJWK(rsa.privateKey)), kid: 'test-rs256', alg: 'RS256', use: 'sig' },
    { ...(await exportJWK(ec.privateKey)), kid: 'test-es256', alg: 'ES256', use: 'sig' },
  ];
  const accounts = new Map(config.accounts.map((a) => [a.login, a]));
  const clients = new Map(config.clients.map((c) => [c.clientId, c]));
  const scope = 'openid email profile';

  const providerConfig = (): Configuration => ({
    clients: config.clients.map((c) => ({
      client_id: c.clientId,
      ...(c.clientSecret
        ? { client_secret: c.clientSecret, token_endpoint_auth_method: 'client_secret_basic' }
        : { token_endpoint_auth_method: 'none' }),
      redirect_uris: c.redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: c.alg,
    })),
    jwks: { keys },
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    scopes: ['openid', 'email', 'profile'],
    cookies: { keys: ['test-cookie-key-0123456789abcdef'] },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => config.audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource, client) => {
          const known = clients.get(client.clientId);
          return {
            scope,
            audience: resource,
            accessTokenTTL: known?.accessTokenTtl ?? 300,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: known?.alg ?? 'RS256' } },
          };
        },
      },
    },
    // The configured staff claim of the API (email) travels in the access token too.
    extraTokenClaims: async (_ctx, token) => {
      const accountId = 'accountId' in token ? token.accountId : undefined;
      const account = accountId ? accounts.get(accountId) : undefined;
      return account ? { email: account.email } : undefined;
    },
    findAccount: (_ctx, id) => {
      const account = accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        claims: () => ({ sub: id, email: account.email, email_verified: true, name: id }),
      };
    },
    // First-party clients: consent is implied for what they ask.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { client, session, params } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope(String(params?.scope ?? scope));
      const resource = typeof params?.resource === 'string' ? params.resource : config.audience;
      grant.addResourceScope(resource, scope);
      await grant.save();
      return grant;
    },
    ttl: { IdToken: 3600, Interaction: 600, Session: 3600, Grant: 3600, AuthorizationCode: 60 },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    renderError: (ctx, out) => {
      ctx.type = 'json';
      ctx.body = out;
    },
  });

  const issuers: string[] = [];
  for (const { port, host = '127.0.0.1' } of config.issuers) {
    const issuer = `http://${host}:${port}`;
    const provider = new Provider(issuer, providerConfig());
    const callback = provider.callback();
    const server = http.createServer((req, res) => {
      const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(req.url ?? '');
      if (!match) {
        callback(req, res);
        return;
      }
      void (async () => {
        try {
          const details = await provider.interactionDetails(req, res);
          if (req.method === 'GET') {
            res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(loginPage(details.uid));
            return;
          }
          const form = await readForm(req);
          const account = accounts.get(form.get('login') ?? '');
          if (!account || account.password !== form.get('password')) {
            res
              .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
              .end(loginPage(details.uid, 'Wrong username or password'));
            return;
          }
          await provider.interactionFinished(req, res, { login: { accountId: account.login } });
        } catch (err) {
          res.writeHead(400, { 'content-type': 'text/plain' }).end(String((err as Error).message));
        }
      })();
    });
    await new Promise<void>((resolve) => server.listen(port, host, resolve));
    issuers.push(issuer);
  }
  console.log(`ready ${JSON.stringify({ issuers })}`);
  const stop = () => process.exit(0);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});

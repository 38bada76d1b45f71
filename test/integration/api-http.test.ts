/**
 * The API's HTTP contract against real servers: the OpenAPI document covers every route, the
 * docs page renders from local assets, authentication failures, body limits, problem documents,
 * readiness and 503s with a dependency really unreachable, rate limit, graceful shutdown.
 */
import { spawnSync } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import type { Express } from 'express';
import { SignJWT } from 'jose';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { startApi } from '../../api/server';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../../api/auth/token';
import { freePort } from '../../devstack/ports';
import { createPrismaClient } from '../../lib/db';
import { createHarness, type Harness } from '../support/harness';
import { TEST_PAYLOAD_KEYS } from '../support/temporal';
import {
  apiClient,
  JWT_SECRET,
  newChildReport,
  settledRowCounts,
  startTestApi,
  waitForOpenStep,
  type TestApi,
} from '../support/api';

const HANDLER = 'staff-demo-handler';

let h: Harness;
let api: TestApi;
beforeAll(async () => {
  h = await createHarness();
  await h.startWorker();
  api = await startTestApi(h);
});
afterAll(async () => {
  await api?.stop();
  await h?.stop();
});

type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  errors?: { path: string }[];
};

/** Every (method, path) the Express app routes, read from its router (sub-routers included). */
function expressRoutes(app: Express): { method: string; path: string }[] {
  type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] } };
  const out: { method: string; path: string }[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) out.push({ method, path: layer.route.path });
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return out;
}

/**
 * Validates a document with @seriousme/openapi-schema-validator (the specification's own JSON
 * schemas). It is an ES module, which jest cannot load: it runs in a node child process.
 */
function validateOpenApi(document: string): { valid: boolean; errors?: unknown } {
  const script = `
    import { Validator } from '@seriousme/openapi-schema-validator';
    let input = '';
    for await (const chunk of process.stdin) input += chunk;
    const result = await new Validator().validate(JSON.parse(input));
    process.stdout.write(JSON.stringify(result.valid ? { valid: true } : { valid: false, errors: result.errors }));
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    input: document,
    encoding: 'utf8',
    cwd: __dirname,
  });
  if (run.status !== 0) throw new Error(`validator failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as { valid: boolean; errors?: unknown };
}

describe('OpenAPI and docs', () => {
  it('documents every route the app serves, with bearer security and problem answers', async () => {
    const res = await api.get<{
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          {
            security?: unknown[];
            parameters?: { name: string; in: string }[];
            responses: Record<string, { content?: Record<string, unknown> }>;
          }
        >
      >;
      components: { securitySchemes: Record<string, { type: string; scheme: string }> };
    }>('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    const routes = expressRoutes(api.app);
    expect(routes.length).toBeGreaterThanOrEqual(29);
    // The desk's pages (HTML, api/desk) are not JSON routes of the API.
    const desk = (path: string) => path === '/' || path === '/desk' || path.startsWith('/desk/');
    const missing = routes.filter(
      (r) => !desk(r.path) && !res.body.paths[r.path.replace(/:(\w+)/g, '{$1}')]?.[r.method],
    );
    expect(missing).toEqual([]);
    for (const [path, operations] of Object.entries(res.body.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        const isPublic = [
          '/healthz',
          '/readyz',
          '/metrics',
          '/openapi.json',
          '/docs',
          '/session/development',
          '/session/development/staff',
          '/session/login-methods',
          // The desk's login at the identity provider: browser navigations, before any session.
          '/auth/login',
          '/auth/callback',
        ].includes(path);
        // The codec also takes the session cookie, and stores no answer for replay.
        const codec = path.startsWith('/codec/') && path !== '/codec/session';
        const security = isPublic
          ? []
          : codec
            ? [{ bearerAuth: [] }, { codecSession: [] }]
            : [{ bearerAuth: [] }, { deskSession: [] }];
        expect([path, method, op.security]).toEqual([path, method, security]);
        // Logging in and out stores no answer for replay either.
        if (path.startsWith('/codec/') || path.startsWith('/session')) {
          expect(op.parameters?.some((p) => p.name === 'Idempotency-Key')).toBeFalsy();
        } else if (method === 'post') {
          expect(op.parameters?.some((p) => p.name === 'Idempotency-Key' && p.in === 'header')).toBe(true);
          expect(op.responses['400']?.content?.['application/problem+json']).toBeDefined();
        }
      }
    }
    expect(res.body.paths['/cases/{caseId}/screening']?.post?.responses['409']).toBeDefined();
    // Each body documented as its own schema (two schemas of one name would document one as the other).
    const outcome = res.body.paths['/leaving-care/{childId}/outcome']?.post as unknown as {
      requestBody: { content: { 'application/json': { schema: { $ref: string } } } };
    };
    expect(outcome.requestBody.content['application/json'].schema.$ref).toBe(
      '#/components/schemas/IntegrationOutcomeBody',
    );
    // The login's two navigations are routes of the app, documented as redirects.
    for (const login of ['/auth/login', '/auth/callback']) {
      expect(routes).toContainEqual({ method: 'get', path: login });
      expect(res.body.paths[login]?.get?.responses['303']).toBeDefined();
    }
    // A valid OpenAPI 3.1 document (checked against the specification's JSON schema).
    expect(validateOpenApi(res.text)).toEqual({ valid: true });
  });

  it('renders /docs from local assets (no CDN)', async () => {
    const page = await api.get('/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      expect(asset.startsWith('/')).toBe(true); // same origin, nothing from the internet
      const res = await fetch(`${api.url}${asset}`);
      expect([asset, res.status]).toEqual([asset, 200]);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(100);
    }
    const init = await (await fetch(`${api.url}/docs/docs-init.js`)).text();
    expect(init).toContain('openapi.json');
  });
});

describe('authentication', () => {
  const secretKey = new TextEncoder().encode(JWT_SECRET);
  const sign = (claims: { sub?: string; exp?: number; iss?: string; aud?: string }, key = secretKey) => {
    let jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuedAt();
    if (claims.sub) jwt = jwt.setSubject(claims.sub);
    jwt = jwt.setIssuer(claims.iss ?? TOKEN_ISSUER).setAudience(claims.aud ?? TOKEN_AUDIENCE);
    jwt = jwt.setExpirationTime(claims.exp ?? Math.floor(Date.now() / 1000) + 600);
    return jwt.sign(key);
  };

  it('answers 401 with a challenge for a missing, foreign, expired or unknown-staff token', async () => {
    await api.prisma.staff.upsert({
      where: { id: 'staff-demo-retired' },
      update: {},
      create: {
        id: 'staff-demo-retired',
        provinceCode: 'DEMO',
        role: 'handler',
        displayName: 'Retired',
        email: 'retired@demo.example',
        active: false,
      },
    });
    const cases: [string, Record<string, string>][] = [
      ['no token', {}],
      ['not bearer', { authorization: 'Basic dXNlcjpwYXNz' }],
      ['garbage', { authorization: 'Bearer not.a.token' }],
      [
        'other key',
        { authorization: `Bearer ${await sign({ sub: HANDLER }, new TextEncoder().encode('x'.repeat(40)))}` },
      ],
      [
        'expired',
        { authorization: `Bearer ${await sign({ sub: HANDLER, exp: Math.floor(Date.now() / 1000) - 60 })}` },
      ],
      ['other audience', { authorization: `Bearer ${await sign({ sub: HANDLER, aud: 'someone-else' })}` }],
      ['no subject', { authorization: `Bearer ${await sign({})}` }],
      ['unknown staff', { authorization: `Bearer ${await sign({ sub: 'staff-nobody' })}` }],
      ['inactive staff', { authorization: `Bearer ${await sign({ sub: 'staff-demo-retired' })}` }],
    ];
    for (const [name, headers] of cases) {
      const res = await api.get<Problem>('/cases', { headers });
      expect([name, res.status, res.body.type]).toEqual([
        name,
        401,
        expect.stringMatching(/unauthenticated$/),
      ]);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    const ok = await api.get('/cases', {
      headers: { authorization: `Bearer ${await sign({ sub: HANDLER })}` },
    });
    expect(ok.status).toBe(200);
  });
});

describe('problem documents', () => {
  it('answers 413 for a body over the limit, 400 for malformed JSON, 415 for another format, 404 for no route', async () => {
    const before = await settledRowCounts(api.prisma);
    const big = newChildReport();
    big.report.narrative = 'x'.repeat(api.config.API_BODY_LIMIT_KB * 1024 + 1);
    const tooLarge = await api.post<Problem>('/cases', { as: HANDLER, body: big });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(tooLarge.body).toMatchObject({ status: 413, instance: '/cases' });
    const malformed = await api.post<Problem>('/cases', {
      as: HANDLER,
      rawBody: '{"child": {"firstName": "Secret',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.type).toMatch(/malformedJson$/);
    expect(malformed.text).not.toContain('Secret');
    const otherFormat = await api.post<Problem>('/cases', {
      as: HANDLER,
      rawBody: 'child=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(otherFormat.status).toBe(415);
    const noRoute = await api.get<Problem>('/nowhere', { as: HANDLER });
    expect(noRoute.status).toBe(404);
    expect(noRoute.body).toMatchObject({ status: 404, title: 'Not found', instance: '/nowhere' });
    for (const res of [tooLarge, malformed, otherFormat, noRoute])
      expect(res.text).not.toMatch(/\bat .+\.ts:\d+/);
    expect(await settledRowCounts(api.prisma)).toEqual(before);
  });
});

describe('health and metrics', () => {
  it('reports Temporal, PostgreSQL and SMTP by name on /readyz, and request metrics by route', async () => {
    const ready = await api.get<{ status: string; checks: Record<string, { status: string }> }>('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({
      temporal: expect.objectContaining({ status: 'up' }),
      postgresql: expect.objectContaining({ status: 'up' }),
      smtp: expect.objectContaining({ status: 'up' }),
    });
    expect((await api.get('/healthz')).body).toEqual({ status: 'ok' });
    await api.get('/cases', { as: HANDLER });
    const metrics = await api.get('/metrics');
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(metrics.text).toMatch(/http_requests_total\{method="GET",route="\/cases",status="200"\} \d+/);
    expect(metrics.text).toMatch(/http_request_duration_seconds_bucket\{.*route="\/cases".*\}/);
    expect(metrics.text).toMatch(/api_dependency_up\{dependency="postgresql"\} 1/);
  });

  it('answers 503 on /readyz, naming SMTP, when the mail relay is down', async () => {
    const closed = await freePort();
    const broken = await startTestApi(
      h,
      {},
      { mailer: nodemailer.createTransport(`smtp://127.0.0.1:${closed}`) },
    );
    try {
      const res = await broken.get<{
        status: string;
        checks: Record<string, { status: string; error?: string }>;
      }>('/readyz');
      expect(res.status).toBe(503);
      expect(res.body.status).toBe('unavailable');
      expect(res.body.checks.smtp).toMatchObject({ status: 'down', error: expect.any(String) });
      expect(res.body.checks.postgresql?.status).toBe('up');
      expect(res.body.checks.temporal?.status).toBe('up');
    } finally {
      await broken.stop();
    }
  });
});

describe('unreachable dependencies', () => {
  it('answers 503 to steps when Temporal is unreachable, a report leaves nothing behind, and reads still answer', async () => {
    const { caseId } = (await api.post<{ caseId: string }>('/cases', { as: HANDLER, body: newChildReport() }))
      .body;
    await waitForOpenStep(api, caseId, 'screening');
    const closed = await freePort();
    const temporal = new Client({
      connection: Connection.lazy({ address: `127.0.0.1:${closed}` }),
      namespace: 'default',
    });
    const broken = await startTestApi(h, { API_WORKFLOW_TIMEOUT_MS: '1000' }, { temporal });
    try {
      const before = await settledRowCounts(api.prisma);
      const report = await broken.post<Problem>('/cases', { as: HANDLER, body: newChildReport() });
      expect(report.status).toBe(503);
      expect(report.headers.get('retry-after')).toBeTruthy();
      const step = await broken.post<Problem>(`/cases/${caseId}/screening`, {
        as: HANDLER,
        body: { risk: 'LOW', immediateNeeds: false, categories: ['neglect'] },
      });
      expect(step.status).toBe(503);
      const concern = await broken.post<Problem>(`/cases/${caseId}/concerns`, {
        as: HANDLER,
        body: { channel: 'family' },
      });
      expect(concern.status).toBe(503);
      // Nothing a reader sees: the screening's rows wait as one pending write, since the API cannot
      // tell whether its update reached the workflow; the sweep removes it when no update will
      // confirm it (test/integration/step-timeout.test.ts). The report and the concern leave none.
      expect(await settledRowCounts(api.prisma)).toEqual({
        ...before,
        pending_step_writes: before.pending_step_writes + 1,
      });
      // Reading needs no workflow: the case file is read from the database alone.
      const read = await broken.get<{ step: string; openDeadlines: { step: string }[] }>(`/cases/${caseId}`, {
        as: HANDLER,
      });
      expect([read.status, read.body.step, read.body.openDeadlines.map((d) => d.step)]).toEqual([
        200,
        'screening',
        ['screening'],
      ]);
      const ready = await broken.get<{ checks: { temporal: { status: string } } }>('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.checks.temporal.status).toBe('down');
    } finally {
      await broken.stop();
    }
  });

  it('answers 503 when the database is unreachable', async () => {
    const closed = await freePort();
    const prisma = createPrismaClient(`postgresql://nobody:secret@127.0.0.1:${closed}/none`, 1);
    const broken = await startTestApi(h, {}, { prisma });
    try {
      const res = await broken.get<Problem>('/cases', { as: HANDLER });
      expect(res.status).toBe(503);
      expect(res.body.detail).toMatch(/database/);
      expect(res.text).not.toContain('secret');
      const ready = await broken.get<{ checks: { postgresql: { status: string } } }>('/readyz');
      expect(ready.body.checks.postgresql.status).toBe('down');
      expect(broken.logs.join('\n')).not.toContain('secret');
    } finally {
      await broken.stop();
    }
  });
});

describe('operations', () => {
  it('rate-limits a client with 429 (health probes exempt)', async () => {
    const limited = await startTestApi(h, { API_RATE_LIMIT_PER_MINUTE: '3' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await limited.get('/cases', { as: HANDLER })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const refused = await limited.get<Problem>('/cases', { as: HANDLER });
      expect(refused.body.type).toMatch(/rateLimited$/);
      expect(refused.headers.get('retry-after')).toBeTruthy();
      expect((await limited.get('/healthz')).status).toBe(200);
    } finally {
      await limited.stop();
    }
  });

  it('rate-limits each client behind a trusted proxy by its forwarded address, and ignores the header otherwise', async () => {
    const from = (address: string) => ({ as: HANDLER, headers: { 'X-Forwarded-For': address } });
    const statuses = async (api: TestApi, address: string, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i += 1) out.push((await api.get('/cases', from(address))).status);
      return out;
    };
    // The proxy in front (here: loopback) is trusted: two clients behind it, two budgets.
    const proxied = await startTestApi(h, { API_RATE_LIMIT_PER_MINUTE: '3', API_TRUST_PROXY: 'loopback' });
    try {
      expect(await statuses(proxied, '203.0.113.7', 4)).toEqual([200, 200, 200, 429]);
      expect(await statuses(proxied, '198.51.100.9', 1)).toEqual([200]);
    } finally {
      await proxied.stop();
    }
    // Untrusted (the default, or a proxy list that does not hold the sender): a client cannot
    // escape its budget by sending another X-Forwarded-For.
    for (const trust of [{}, { API_TRUST_PROXY: '10.0.0.0/8' }] as Record<string, string>[]) {
      const direct = await startTestApi(h, { API_RATE_LIMIT_PER_MINUTE: '3', ...trust });
      try {
        expect(await statuses(direct, '203.0.113.7', 3)).toEqual([200, 200, 200]);
        expect(await statuses(direct, '198.51.100.9', 1)).toEqual([429]);
      } finally {
        await direct.stop();
      }
    }
  });

  it('stops gracefully: refuses new connections, finishes the request in flight, then closes', async () => {
    const port = await freePort();
    const running = await startApi({
      DATABASE_URL: h.db.url,
      ...h.temporalEnv,
      TEMPORAL_TASK_QUEUE: h.taskQueue,
      SMTP_URL: h.smtp.url,
      API_PORT: String(port),
      JWT_SECRET,
      PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS,
      LOG_LEVEL: 'silent',
    });
    const client = apiClient(running.url);
    const created = await client.post<{ caseId: string }>('/cases', { as: HANDLER, body: newChildReport() });
    expect(created.status).toBe(201);
    await waitForOpenStep(client, created.body.caseId, 'screening');
    const lock = new pg.Client({ connectionString: h.db.url });
    await lock.connect();
    try {
      // The screening's insert waits on this lock: the request stays in flight while we stop.
      await lock.query('BEGIN');
      await lock.query('SELECT id FROM cases WHERE id = $1 FOR UPDATE', [created.body.caseId]);
      const inFlight = client.post(`/cases/${created.body.caseId}/screening`, {
        as: HANDLER,
        body: { risk: 'LOW', immediateNeeds: false, categories: ['neglect'] },
      });
      await new Promise((r) => setTimeout(r, 300));
      let stopped = false;
      const stopping = running.stop().then(() => {
        stopped = true;
      });
      await new Promise((r) => setTimeout(r, 100));
      await expect(fetch(`${running.url}/healthz`)).rejects.toThrow();
      expect(stopped).toBe(false);
      await lock.query('COMMIT');
      expect((await inFlight).status).toBe(200);
      await stopping;
      expect(stopped).toBe(true);
    } finally {
      await lock.end();
    }
    expect(await api.prisma.screening.count({ where: { caseId: created.body.caseId } })).toBe(1);
  });
});

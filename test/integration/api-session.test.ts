/**
 * The desk's session against a real PostgreSQL and the real app: development login (refused in
 * production), the HttpOnly SameSite cookie, only its hash stored, the CSRF token on unsafe
 * methods, logout, expiry (absolute and idle), a deactivated staff member; the desk served with
 * its strict CSP and caching, JSON routes untouched; the calendar and the report charts.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openApiDocument } from '../../api/openapi/generate';
import { safeReturnPath } from '../../api/session/sessions';
import { createHarness, type Harness } from '../support/harness';
import { newChildReport, startTestApi, type TestApi } from '../support/api';

const HANDLER = 'staff-demo-handler';
let h: Harness;
let api: TestApi;
let deskDir: string;

beforeAll(async () => {
  h = await createHarness();
  await h.startWorker();
  // A desk build of our own (the app serves whatever desk/dist holds): an index and one asset.
  deskDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpe-desk-'));
  fs.mkdirSync(path.join(deskDir, 'assets'));
  fs.writeFileSync(
    path.join(deskDir, 'index.html'),
    '<!doctype html><title>desk</title><script type="module" src="/desk/assets/index-abc123.js"></script>',
  );
  fs.writeFileSync(path.join(deskDir, 'assets', 'index-abc123.js'), 'console.log("desk");');
  api = await startTestApi(h, {}, { deskDir });
});
afterAll(async () => {
  await api?.stop();
  await h?.stop();
  if (deskDir) fs.rmSync(deskDir, { recursive: true, force: true });
});

async function login(staffId: string, base = api.url) {
  const res = await fetch(`${base}/session/development`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ staffId }),
  });
  const setCookie = res.headers.get('set-cookie') ?? '';
  const cookie = /cpe_session=([^;]*)/.exec(setCookie)?.[1] ?? '';
  const body = (await res.json()) as { session?: { csrfToken: string }; staff?: { id: string } };
  return { res, setCookie, cookie, csrf: body.session?.csrfToken ?? '', body };
}

const withCookie = (cookie: string, extra: Record<string, string> = {}) => ({
  cookie: `cpe_session=${cookie}`,
  ...extra,
});

describe('development login and the session cookie', () => {
  it('lists the seeded people and logs in as one, with an HttpOnly SameSite cookie whose hash only is stored', async () => {
    const people = await api.get<{ items: { id: string; role: string }[] }>('/session/development/staff');
    expect(people.status).toBe(200);
    expect(people.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: HANDLER, role: 'handler' })]),
    );

    const { res, setCookie, cookie, csrf, body } = await login(HANDLER);
    expect(res.status).toBe(200);
    expect(setCookie).toMatch(
      /^cpe_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=43200$/,
    );
    expect(body.staff?.id).toBe(HANDLER);
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await h.db.prisma.staffSession.findMany({ where: { staffId: HANDLER } });
    const hash = createHash('sha256').update(cookie).digest('hex');
    expect(rows.map((r) => r.idHash)).toContain(hash);
    expect(rows.some((r) => r.idHash === cookie || r.csrfToken === cookie)).toBe(false);
    const audit = await h.db.prisma.auditEvent.findFirst({
      where: { actorId: HANDLER, action: 'session.started' },
    });
    expect(audit?.reason).toBe('development login');
  });

  it('authenticates reads with the cookie, and writes only with the CSRF token', async () => {
    const { cookie, csrf } = await login(HANDLER);
    const me = await fetch(`${api.url}/session`, { headers: withCookie(cookie) });
    expect(me.status).toBe(200);
    const view = (await me.json()) as {
      staff: { id: string; role: string };
      actions: string[];
      session: { csrfToken: string };
    };
    expect(view.staff).toMatchObject({ id: HANDLER, role: 'handler' });
    expect(view.session.csrfToken).toBe(csrf);
    expect(view.actions).toContain('case.screening');
    expect(view.actions).not.toContain('case.planApproval');
    expect((await fetch(`${api.url}/cases?limit=1`, { headers: withCookie(cookie) })).status).toBe(200);

    const post = (headers: Record<string, string>) =>
      fetch(`${api.url}/cases`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...withCookie(cookie), ...headers },
        body: JSON.stringify(newChildReport()),
      });
    const without = await post({});
    expect(without.status).toBe(403);
    expect(((await without.json()) as { detail: string }).detail).toContain('X-CSRF-Token');
    expect((await post({ 'X-CSRF-Token': `${csrf.slice(0, -1)}x` })).status).toBe(403);
    expect((await post({ 'X-CSRF-Token': csrf })).status).toBe(201);
  });

  it('ends at logout: the same cookie no longer works', async () => {
    const { cookie, csrf } = await login(HANDLER);
    const logoutWithoutToken = await fetch(`${api.url}/session/logout`, {
      method: 'POST',
      headers: withCookie(cookie),
    });
    expect(logoutWithoutToken.status).toBe(403);
    const out = await fetch(`${api.url}/session/logout`, {
      method: 'POST',
      headers: withCookie(cookie, { 'X-CSRF-Token': csrf }),
    });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(
      /^cpe_session=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0$/,
    );
    const after = await fetch(`${api.url}/session`, { headers: withCookie(cookie) });
    expect(after.status).toBe(401);
    expect(((await after.json()) as { detail: string }).detail).toBe(
      'the session has ended (logged out); log in again',
    );
  });

  it('expires at its end and after a period without activity', async () => {
    const expired = await login(HANDLER);
    await h.db.prisma.staffSession.update({
      where: { idHash: createHash('sha256').update(expired.cookie).digest('hex') },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const r1 = await fetch(`${api.url}/session`, { headers: withCookie(expired.cookie) });
    expect([r1.status, ((await r1.json()) as { detail: string }).detail]).toEqual([
      401,
      'the session has expired; log in again',
    ]);

    const idle = await login(HANDLER);
    await h.db.prisma.staffSession.update({
      where: { idHash: createHash('sha256').update(idle.cookie).digest('hex') },
      data: { lastSeenAt: new Date(Date.now() - 121 * 60_000) },
    });
    const r2 = await fetch(`${api.url}/session`, { headers: withCookie(idle.cookie) });
    expect([r2.status, ((await r2.json()) as { detail: string }).detail]).toEqual([
      401,
      'the session expired after a period without activity; log in again',
    ]);
  });

  it('stops working when the staff member is deactivated', async () => {
    const { cookie } = await login('staff-othr-handler');
    expect((await fetch(`${api.url}/session`, { headers: withCookie(cookie) })).status).toBe(200);
    await h.db.prisma.staff.update({ where: { id: 'staff-othr-handler' }, data: { active: false } });
    try {
      const res = await fetch(`${api.url}/session`, { headers: withCookie(cookie) });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { detail: string }).detail).toBe(
        'the session names no active staff member',
      );
      expect((await login('staff-othr-handler')).res.status).toBe(401);
    } finally {
      await h.db.prisma.staff.update({ where: { id: 'staff-othr-handler' }, data: { active: true } });
    }
  });

  it('refuses a cookie that is not one of ours, and the development login of nobody', async () => {
    const forged = await fetch(`${api.url}/session`, { headers: withCookie('A'.repeat(43)) });
    expect(forged.status).toBe(401);
    expect((await login('staff-nobody')).res.status).toBe(401);
  });

  it('is refused when NODE_ENV=production', async () => {
    // Production wants an identity provider configured (never called here: no token is sent).
    const production = await startTestApi(
      h,
      {
        NODE_ENV: 'production',
        OIDC_ISSUER_URL: 'http://127.0.0.1:9/issuer',
        OIDC_AUDIENCE: 'child-protection-api',
      },
      { deskDir },
    );
    try {
      const list = await production.get('/session/development/staff');
      expect(list.status).toBe(404);
      // The login page is told the way in: the identity provider only (this one has no desk client).
      const methods = await production.get('/session/login-methods');
      expect([methods.status, methods.body]).toEqual([200, { development: false, identityProvider: false }]);
      const attempt = await login(HANDLER, production.url);
      expect(attempt.res.status).toBe(404);
      expect(attempt.setCookie).toBe('');
    } finally {
      await production.stop();
    }
  });

  it('tells the login page the ways in, and answers the OIDC login 404 where no identity provider is configured', async () => {
    const methods = await api.get('/session/login-methods');
    expect([methods.status, methods.body]).toEqual([200, { development: true, identityProvider: false }]);
    for (const route of ['/auth/login?next=%2Fdesk%2F', '/auth/callback?code=x&state=y']) {
      const res = await fetch(`${api.url}${route}`, { redirect: 'manual' });
      expect([route, res.status, res.headers.get('content-type')]).toEqual([
        route,
        404,
        'application/problem+json; charset=utf-8',
      ]);
      expect(((await res.json()) as { detail: string }).detail).toBe(
        'no identity provider is configured for the desk (OIDC_CLIENT_ID, OIDC_REDIRECT_URL)',
      );
    }
  });

  it('sends a login back to desk pages only', () => {
    expect(safeReturnPath('/desk/cases/0b6f3b8e-3c1e-4c55-9d1e-8f1f6f7d2a10')).toBe(
      '/desk/cases/0b6f3b8e-3c1e-4c55-9d1e-8f1f6f7d2a10',
    );
    expect(safeReturnPath('/desk/?scope=province')).toBe('/desk/?scope=province');
    for (const bad of [
      'https://evil.example/desk/',
      '//evil.example/desk/',
      '/desk/../cases',
      '/cases/1',
      '/desk\\evil',
      undefined,
    ]) {
      expect([bad, safeReturnPath(bad)]).toEqual([bad, '/desk/']);
    }
  });
});

describe('the desk served by the API', () => {
  it('leads / to the desk and answers every desk page with index.html under a strict CSP', async () => {
    const root = await fetch(`${api.url}/`, { redirect: 'manual' });
    expect([root.status, root.headers.get('location')]).toEqual([302, '/desk/']);
    for (const page of [
      '/desk/',
      '/desk/cases/0b6f3b8e-3c1e-4c55-9d1e-8f1f6f7d2a10',
      '/desk/login?next=%2Fdesk%2F',
    ]) {
      const res = await fetch(`${api.url}${page}`);
      expect([page, res.status]).toEqual([page, 200]);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toBe(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
      );
      expect(await res.text()).toContain('/desk/assets/index-abc123.js');
    }
  });

  it('caches hashed assets for a year, answers a missing one 404, and leaves the JSON routes alone', async () => {
    const asset = await fetch(`${api.url}/desk/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${api.url}/desk/assets/index-missing.js`)).status).toBe(404);
    const json = await fetch(`${api.url}/cases/0b6f3b8e-3c1e-4c55-9d1e-8f1f6f7d2a10`);
    expect(json.status).toBe(401);
    expect(json.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});

describe('what the desk reads besides cases', () => {
  it("generates, without a server, the same OpenAPI document the API serves (the desk's client is typed by it)", async () => {
    const served = await api.get<Record<string, unknown>>('/openapi.json');
    expect(served.status).toBe(200);
    expect(openApiDocument()).toEqual(served.body);
  });

  it('gives the days that are not working days: weekends and public holidays', async () => {
    const res = await api.get<{ timeZone: string; nonWorkingDays: { date: string; reason: string }[] }>(
      '/calendar?from=2026-11-16&to=2026-11-23',
      { as: HANDLER },
    );
    expect(res.status).toBe(200);
    expect(res.body.timeZone).toBe('Africa/Casablanca');
    // Wednesday 18 November is Independence Day; 21 and 22 are a weekend.
    expect(res.body.nonWorkingDays.map((d) => [d.date, d.reason])).toEqual([
      ['2026-11-18', 'holiday'],
      ['2026-11-21', 'weekend'],
      ['2026-11-22', 'weekend'],
    ]);
    const bad = await api.get<{ errors: { path: string }[] }>('/calendar?from=2026-11-16&to=2026-11-01', {
      as: HANDLER,
    });
    expect([bad.status, bad.body.errors.map((e) => e.path)]).toEqual([400, ['query.to']]);
  });

  it("draws the monthly report's charts as PNG for those who may read the statistics", async () => {
    const query = 'province=DEMO&from=2026-11-01&to=2026-12-01&language=ar';
    const res = await fetch(`${api.url}/reports/provincial/charts/onTime?${query}`, {
      headers: { authorization: `Bearer ${await api.token('staff-demo-supervisor')}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await res.arrayBuffer());
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    const handler = await api.get(`/reports/provincial/charts/casesPerStep?${query}`, { as: HANDLER });
    expect(handler.status).toBe(403);
  });
});

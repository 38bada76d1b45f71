import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { Client } from '@temporalio/client';
import type { Express } from 'express';
import nodemailer, { type Transporter } from 'nodemailer';
import pino from 'pino';
import { createApp } from '../../api/app';
import { signToken } from '../../api/auth/token';
import { loadConfig, type AppConfig } from '../../lib/config';
import { createPrismaClient, type PrismaClient } from '../../lib/db';
import { connectClient } from '../../lib/temporal';
import type { Harness } from './harness';
import { TEST_PAYLOAD_KEYS } from './temporal';

export const JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

export interface RequestOptions {
  as?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

/** A small HTTP client for the API under test: real requests over a real socket. */
export function apiClient(url: string, secret = JWT_SECRET) {
  const tokens = new Map<string, string>();
  const token = async (staffId: string) => {
    let t = tokens.get(staffId);
    if (!t) {
      t = await signToken({ JWT_SECRET: secret }, staffId);
      tokens.set(staffId, t);
    }
    return t;
  };
  async function request<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.as) headers.authorization = `Bearer ${await token(options.as)}`;
    let payload: string | undefined = options.rawBody;
    if (options.body !== undefined) payload = JSON.stringify(options.body);
    if (payload !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${url}${path}`, { method, headers, body: payload });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON (HTML, metrics)
    }
    return { status: res.status, body: body as T, headers: res.headers, text };
  }
  return {
    url,
    token,
    request,
    get: <T = Record<string, unknown>>(path: string, options?: RequestOptions) =>
      request<T>('GET', path, options),
    post: <T = Record<string, unknown>>(path: string, options?: RequestOptions) =>
      request<T>('POST', path, options),
  };
}
export type ApiClient = ReturnType<typeof apiClient>;

export interface TestApi extends ApiClient {
  app: Express;
  config: AppConfig;
  prisma: PrismaClient;
  temporal: Client;
  /** Every log line the API wrote (JSON strings). */
  logs: string[];
  stop(): Promise<void>;
}

/**
 * The API app built with createApp against the harness's servers, listening on a free port.
 * `deps` replaces a dependency (e.g. a Temporal client of a server that is not there).
 */
export async function startTestApi(
  h: Harness,
  env: Record<string, string> = {},
  deps: {
    temporal?: Client;
    prisma?: PrismaClient;
    mailer?: Pick<Transporter, 'verify'>;
    deskDir?: string;
  } = {},
): Promise<TestApi> {
  const config = loadConfig({
    DATABASE_URL: h.db.url,
    ...h.temporalEnv,
    TEMPORAL_TASK_QUEUE: h.taskQueue,
    SMTP_URL: h.smtp.url,
    JWT_SECRET,
    PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS,
    LOG_LEVEL: 'info',
    API_RATE_LIMIT_PER_MINUTE: '100000',
    ...env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = pino({ level: config.LOG_LEVEL }, sink);
  // The API's own pool, as in production: its transactions never starve the worker's activities.
  const prisma = deps.prisma ?? createPrismaClient(h.db.url, 5);
  const temporal = deps.temporal ?? (await connectClient(config));
  const mailer = nodemailer.createTransport(h.smtp.url);
  const app = createApp({
    prisma,
    temporal,
    mailer: deps.mailer ?? mailer,
    config,
    logger,
    ...(deps.deskDir ? { deskDir: deps.deskDir } : {}),
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const client = apiClient(`http://127.0.0.1:${port}`);
  return {
    ...client,
    app,
    config,
    prisma,
    temporal,
    logs,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      mailer.close();
      await prisma.$disconnect();
      await temporal.connection.close();
    },
  };
}

/** A report body about a new child (names made unique per call, so identities never collide). */
let seq = 0;
export function newChildReport(overrides: { province?: string; urgent?: boolean } = {}) {
  seq += 1;
  return {
    ...(overrides.province ? { province: overrides.province } : {}),
    child: {
      firstName: `Amina${seq}`,
      lastName: `Testchild${process.pid}x${Date.now().toString(36)}`,
      birthDate: '2014-05-17',
      sex: 'female',
    },
    report: {
      channel: 'school',
      urgent: overrides.urgent ?? false,
      anonymous: false,
      reporterName: 'Teacher Name',
      reporterContact: '+212 600 000 000',
      narrative: 'The child came to school with bruises.',
      categories: ['neglect'],
    },
  };
}

/** Waits until the case shows an open deadline for the step (the workflow has opened it). */
export async function waitForOpenStep(
  api: ApiClient,
  caseId: string,
  step: string,
  as = 'staff-demo-committee',
) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await api.get<{ openDeadlines?: { step: string }[] }>(`/cases/${caseId}`, { as });
    if (res.status === 200 && res.body.openDeadlines?.some((d) => d.step === step)) return res.body;
    if (Date.now() > deadline)
      throw new Error(`case ${caseId}: no open ${step} deadline (last answer ${res.status})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Row counts of every table a request could write: "nothing half-written" compares two of these. */
const TABLES = [
  'children',
  'cases',
  'reports',
  'screenings',
  'assessments',
  'plans',
  'plan_items',
  'referrals',
  'reviews',
  'closures',
  'closure_decisions',
  'check_backs',
  'emergency_measures',
  'judicial_notifications',
  'transfers',
  'step_records',
  'audit_events',
  'api_idempotency',
] as const;
export async function rowCounts(prisma: PrismaClient): Promise<Record<(typeof TABLES)[number], number>> {
  const tables = TABLES;
  const rows = await prisma.$queryRawUnsafe<{ t: string; n: bigint }[]>(
    tables.map((t) => `SELECT '${t}' AS t, count(*) AS n FROM "${t}"`).join(' UNION ALL '),
  );
  return Object.fromEntries(rows.map((r) => [r.t, Number(r.n)])) as Record<(typeof TABLES)[number], number>;
}

/** Row counts once the workflows' own asynchronous writes have settled. */
export async function settledRowCounts(prisma: PrismaClient): Promise<Awaited<ReturnType<typeof rowCounts>>> {
  // Settled: the same counts for two seconds running (a workflow opening a case under load may
  // take a second between its activities).
  let previous = JSON.stringify(await rowCounts(prisma));
  let stableSince = Date.now();
  for (let i = 0; i < 200; i += 1) {
    await new Promise((r) => setTimeout(r, 250));
    const current = await rowCounts(prisma);
    if (JSON.stringify(current) !== previous) {
      previous = JSON.stringify(current);
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= 2_000) {
      return current;
    }
  }
  throw new Error('the database never settled');
}

/**
 * docker-compose.yml is checked, not started (no Docker engine here): compose-go — the loader of
 * `docker compose` — validates schema, interpolation and service references, and resolves the
 * project (scripts/compose-check), whose structure is then checked against what the local cluster
 * runs (devstack/cluster.ts): the same server version, the same configuration files, the same
 * retention and search attributes. The worker's health check is run against a real worker.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  CLUSTER_BINARIES,
  CLUSTER_CONFIG,
  SERVICES,
  TEMPORAL_SERVER_VERSION,
  TEMPORAL_UI_VERSION,
} from '../../devstack/cluster';
import { freePort } from '../../devstack/ports';
import { WORKER_ENV, WORKER_NODE_FLAGS } from '../../devstack/worker-flags';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { createHarness, type Harness } from '../support/harness';
import { TEST_PAYLOAD_KEYS } from '../support/temporal';
import { startWorkerChild, type WorkerChild } from '../support/worker-child';

const ROOT = path.resolve(__dirname, '..', '..');
const SETTINGS = {
  PUBLIC_URL: 'https://cases.ministry.example',
  OIDC_ISSUER_URL: 'https://login.ministry.example/realms/cpe',
  OIDC_AUDIENCE: 'child-protection-api',
  OIDC_CLIENT_ID: 'child-protection-desk',
};

function composeCheck(env: Record<string, string>, args: string[] = []) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !(k in SETTINGS))) as Record<
    string,
    string
  >;
  // Built by scripts/bootstrap.sh from scripts/compose-check.
  return spawnSync(
    path.join(ROOT, '.tools', 'bin', 'compose-check'),
    [...args, path.join(ROOT, 'docker-compose.yml')],
    { env: { ...base, ...env }, encoding: 'utf8', timeout: 30_000 },
  );
}

interface ComposeService {
  image?: string;
  entrypoint?: string[];
  command?: string[];
  restart?: string;
  environment?: Record<string, string>;
  volumes?: { type: string; source: string; target: string; read_only?: boolean }[];
  secrets?: { source: string; target: string }[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}
interface ComposeProject {
  services: Record<string, ComposeService>;
  secrets: Record<string, { file: string }>;
}

const project = (): ComposeProject => {
  const result = composeCheck(SETTINGS, ['--json']);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as ComposeProject;
};
const temporalServices = SERVICES.map((s) => `temporal-${s}`);

describe('docker-compose.yml', () => {
  it('is a valid compose project with the production topology and health checks', () => {
    const result = composeCheck(SETTINGS);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const services = Object.fromEntries(
      result.stdout
        .trim()
        .split('\n')
        .map((line) => {
          const [name, health, replicas] = line.split(' ');
          return [name, { health: health === 'healthcheck=true', replicas: Number(replicas?.split('=')[1]) }];
        }),
    );
    expect(Object.keys(services).sort()).toEqual(
      [
        'api',
        'mail',
        'migrate',
        'postgres',
        'temporal-frontend',
        'temporal-history',
        'temporal-matching',
        'temporal-namespace',
        'temporal-postgres',
        'temporal-schema',
        'temporal-ui',
        'temporal-worker',
        'worker',
      ].sort(),
    );
    for (const name of ['api', 'worker', 'postgres', 'temporal-postgres', 'temporal-frontend', 'mail'])
      expect([name, services[name]?.health]).toEqual([name, true]);
    expect(services.worker?.replicas).toBe(2);
  });

  it('runs the server version the local cluster builds, as four services, with schema and namespace by admin-tools jobs', () => {
    const { services } = project();
    expect(TEMPORAL_SERVER_VERSION).toBe('1.29.1');
    const bootstrap = fs.readFileSync(path.join(ROOT, 'scripts', 'bootstrap.sh'), 'utf8');
    expect(bootstrap).toContain(`TEMPORAL_SERVER_VERSION=v${TEMPORAL_SERVER_VERSION}`);
    expect(bootstrap).toContain(`TEMPORAL_UI_VERSION=v${TEMPORAL_UI_VERSION}`);
    for (const service of SERVICES) {
      const s = services[`temporal-${service}`];
      expect([service, s?.image, s?.entrypoint]).toEqual([
        service,
        'temporalio/server:1.29.1',
        ['sh', '/etc/temporal/child-protection/start.sh', service],
      ]);
      expect(s?.depends_on?.['temporal-schema']?.condition).toBe('service_completed_successfully');
    }
    expect(services['temporal-schema']).toMatchObject({
      image: 'temporalio/admin-tools:1.29.1',
      restart: 'no',
      entrypoint: ['sh', '/etc/temporal/child-protection/setup-schema.sh'],
      environment: { SCHEMA_DIR: '/etc/temporal/schema/postgresql/v12', SQL_HOST: 'temporal-postgres' },
    });
    expect(services['temporal-namespace']).toMatchObject({
      image: 'temporalio/admin-tools:1.29.1',
      restart: 'no',
      entrypoint: ['sh', '/etc/temporal/child-protection/setup-namespace.sh'],
      environment: { TEMPORAL_ADDRESS: 'temporal-frontend:7233', TEMPORAL_NAMESPACE_RETENTION: '30d' },
    });
    expect(services['temporal-ui']?.image).toBe('temporalio/ui:2.42.1');
    for (const [name, s] of Object.entries(services))
      expect([name, s.image ?? '']).not.toEqual([name, expect.stringContaining('auto-setup')]);
    // The engine's processes wait for the namespace, which waits for the frontend.
    for (const name of ['worker', 'api']) {
      expect(services[name]?.depends_on?.['temporal-namespace']?.condition).toBe(
        'service_completed_successfully',
      );
    }
  });

  it('mounts the very configuration files the local cluster runs with', () => {
    const { services } = project();
    for (const name of [...temporalServices, 'temporal-schema', 'temporal-namespace']) {
      expect([name, services[name]?.volumes]).toEqual([
        name,
        [
          expect.objectContaining({
            type: 'bind',
            source: CLUSTER_CONFIG.temporalDir,
            target: '/etc/temporal/child-protection',
            read_only: true,
          }),
        ],
      ]);
    }
    expect(services['temporal-ui']?.volumes).toEqual([
      expect.objectContaining({
        source: CLUSTER_CONFIG.uiConfigFile,
        target: '/home/ui-server/config/cluster.yaml',
      }),
    ]);
    expect(services['temporal-ui']?.entrypoint).toEqual([
      './ui-server',
      '--root',
      '/home/ui-server',
      '--config',
      'config',
      '--env',
      'cluster',
      'start',
    ]);
    for (const file of [
      'config/cluster.yaml',
      'dynamicconfig.yaml',
      'start.sh',
      'setup-schema.sh',
      'setup-namespace.sh',
      'search-attributes.txt',
    ]) {
      expect([file, fs.existsSync(path.join(CLUSTER_CONFIG.temporalDir, file))]).toEqual([file, true]);
    }
    const uiConfig = fs.readFileSync(CLUSTER_CONFIG.uiConfigFile, 'utf8');
    expect(uiConfig).toMatch(/^disableWriteActions: true$/m);
  });

  it('registers exactly the search attributes the workflows publish, within the slots of SQL visibility', () => {
    const listed = fs
      .readFileSync(path.join(CLUSTER_CONFIG.temporalDir, 'search-attributes.txt'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() && !line.startsWith('#'))
      .map((line) => line.trim().split(/\s+/));
    expect(listed).toEqual([
      ['CaseStep', 'Keyword'],
      ['RiskLevel', 'Keyword'],
      ['Province', 'Keyword'],
      ['EscalationLevel', 'Int'],
      ['Overdue', 'Bool'],
      ['NextDeadline', 'Datetime'],
    ]);
    const cli: Record<string, string> = {
      KEYWORD: 'Keyword',
      INT: 'Int',
      BOOL: 'Bool',
      DATETIME: 'Datetime',
      DOUBLE: 'Double',
      TEXT: 'Text',
      KEYWORD_LIST: 'KeywordList',
    };
    expect(SEARCH_ATTRIBUTES.map((k) => [k.name, cli[k.type]])).toEqual(listed);
    // SQL visibility (PostgreSQL) has fixed columns per type for custom search attributes.
    const slots: Record<string, number> = {
      Keyword: 10,
      Int: 3,
      Double: 3,
      Bool: 3,
      Datetime: 3,
      Text: 3,
      KeywordList: 3,
    };
    for (const [type, n] of Object.entries(slots)) {
      expect([type, listed.filter(([, t]) => t === type).length <= n]).toEqual([type, true]);
    }
  });

  it('has a dynamic configuration the server accepts, every key known to it', () => {
    const run = spawnSync(
      CLUSTER_BINARIES.server,
      ['validate-dynamic-config', path.join(CLUSTER_CONFIG.temporalDir, 'dynamicconfig.yaml')],
      {
        encoding: 'utf8',
      },
    );
    expect(run.status).toBe(0);
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/warning|error/i);
  });

  it('starts the worker with node itself and the bounded heap the local stacks and the bench use', () => {
    expect(project().services.worker?.command).toEqual([
      'node',
      ...WORKER_NODE_FLAGS,
      '--import',
      'tsx',
      'worker/main.ts',
    ]);
    expect(WORKER_NODE_FLAGS).toEqual(['--max-old-space-size=256']);
    // And the environment beside the flags: two malloc arenas.
    for (const [name, value] of Object.entries(WORKER_ENV)) {
      expect([name, project().services.worker?.environment?.[name]]).toEqual([name, value]);
    }
    expect(WORKER_ENV).toEqual({ MALLOC_ARENA_MAX: '2' });
  });

  it('runs the engine in production mode, its secrets from files, none of them in the file', () => {
    const { services, secrets } = project();
    for (const name of ['api', 'worker', 'migrate']) {
      const env = services[name]?.environment ?? {};
      expect([name, env.NODE_ENV]).toEqual([name, 'production']);
      for (const variable of [
        'JWT_SECRET_FILE',
        'PAYLOAD_ENCRYPTION_KEYS_FILE',
        'DATABASE_PASSWORD_FILE',
        'OIDC_CLIENT_SECRET_FILE',
        'TEMPORAL_TLS_CLIENT_KEY_PATH',
      ]) {
        expect([name, variable, env[variable]]).toEqual([
          name,
          variable,
          expect.stringMatching(/^\/run\/secrets\//),
        ]);
      }
      for (const variable of [
        'JWT_SECRET',
        'PAYLOAD_ENCRYPTION_KEYS',
        'OIDC_CLIENT_SECRET',
        'TEMPORAL_API_KEY',
      ]) {
        expect([name, variable, env[variable]]).toEqual([name, variable, undefined]);
      }
      expect(env.DATABASE_URL).toBe('postgresql://cpe@postgres:5432/child_protection');
    }
    for (const [name, secret] of Object.entries(secrets)) {
      expect([name, secret.file.startsWith(path.join(ROOT, 'secrets') + path.sep)]).toEqual([name, true]);
    }
    for (const ignore of ['.gitignore', '.dockerignore']) {
      expect(fs.readFileSync(path.join(ROOT, ignore), 'utf8').split('\n')).toContain('secrets/');
    }
    expect(fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')).toMatch(/^ENV NODE_ENV=production$/m);
    const text = fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
    for (const line of text.split('\n')) {
      if (/(PASSWORD|SECRET|KEYS|PWD|_KEY)\w*\s*:/.test(line) && !line.trim().startsWith('#')) {
        expect(line).toMatch(/(_FILE|_KEY|_PATH|KEY_PATH|_CERT):\s*\/run\/secrets\/|\$\{[A-Z_]+[:-]/);
      }
    }
  });

  it('refuses to start without its settings, naming the missing one', () => {
    const { OIDC_ISSUER_URL, ...rest } = SETTINGS;
    expect(OIDC_ISSUER_URL).toBeTruthy();
    const result = composeCheck(rest);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('OIDC_ISSUER_URL');
  });
});

describe("the worker container's health check", () => {
  let h: Harness;
  let worker: WorkerChild | undefined;
  let metricsPort: number;
  beforeAll(async () => {
    h = await createHarness({ server: 'dev' });
    metricsPort = await freePort();
  });
  afterAll(async () => {
    try {
      if (worker) process.kill(worker.pid, 'SIGCONT'); // in case an assertion failed while it was frozen
    } catch {
      // already gone
    }
    await worker?.kill();
    await h?.stop();
  });

  /** The command docker-compose.yml runs in the worker container (its working directory is the repository's root). */
  const check = (port: string | null = String(metricsPort)) => {
    const test = project().services.worker?.healthcheck?.test ?? [];
    expect(test.slice(0, 2)).toEqual(['CMD', 'node']);
    const run = spawnSync(process.execPath, test.slice(2), {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...(port === null ? {} : { WORKER_METRICS_PORT: port }) },
      encoding: 'utf8',
      timeout: 15_000,
    });
    return { status: run.status, stderr: run.stderr.trim() };
  };

  it('passes while the worker polls, and fails when it is unreachable, frozen or stopped', async () => {
    // A container started without the port to ask is unhealthy, not healthy by default.
    expect(check(null)).toEqual({
      status: 1,
      stderr: 'worker health check: WORKER_METRICS_PORT is not set',
    });
    // No worker listening yet: unreachable.
    expect(check()).toMatchObject({ status: 1, stderr: expect.stringContaining('fetch failed') });
    worker = await startWorkerChild({
      ...h.temporalEnv,
      TEMPORAL_TASK_QUEUE: h.taskQueue,
      DATABASE_URL: h.db.url,
      SMTP_URL: h.smtp.url,
      PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS,
      WORKER_METRICS_PORT: String(metricsPort),
    });
    expect(check()).toEqual({ status: 0, stderr: '' });
    // A worker that no longer runs its event loop (hung, swapped out) answers nothing in time.
    process.kill(worker.pid, 'SIGSTOP');
    expect(check()).toMatchObject({ status: 1, stderr: expect.stringContaining('timeout') });
    process.kill(worker.pid, 'SIGCONT');
    expect(check()).toEqual({ status: 0, stderr: '' });
    await worker.kill();
    expect(check().status).toBe(1);
  });
});

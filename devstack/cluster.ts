/**
 * The production topology on this machine: the real Temporal server (1.29.1, built by
 * scripts/bootstrap.sh) as four processes — frontend, history, matching, worker — on a PostgreSQL of
 * its own with SQL visibility, TLS on the frontend with a private CA, the namespace created with its
 * retention and search attributes, and the Temporal UI server with write actions disabled. Every
 * process runs with the configuration files of deploy/ that docker-compose.yml mounts, through the
 * same scripts (deploy/temporal/start.sh, setup-schema.sh, setup-namespace.sh). Used by
 * `npm run stack:cluster`, the e2e suite (one cluster per run) and the fault suite (its own).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import pg from 'pg';
import { temporalConnectionOptions } from '../lib/temporal';
import { freePort, freePortInRange, StackError } from './ports';
import { supervise, type Supervised } from './supervisor';
import { clusterCertificates, type ClusterCertificates } from './tls';

const ROOT = path.resolve(__dirname, '..');
const TOOLS = path.join(ROOT, '.tools');
const run = promisify(execFile);

/** The versions scripts/bootstrap.sh builds (and docker-compose.yml pulls). */
export const TEMPORAL_SERVER_VERSION = '1.29.1';
export const TEMPORAL_UI_VERSION = '2.42.1';
export const SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** The configuration files of the cluster: docker-compose.yml mounts the very same ones. */
export const CLUSTER_CONFIG = {
  /** Server config (config/cluster.yaml), dynamic config, start and setup scripts, search attributes. */
  temporalDir: path.join(ROOT, 'deploy', 'temporal'),
  uiConfigFile: path.join(ROOT, 'deploy', 'temporal-ui', 'config', 'cluster.yaml'),
};

export const CLUSTER_BINARIES = {
  server: path.join(TOOLS, 'temporal-server', 'server'),
  sql: path.join(TOOLS, 'temporal-server', 'sql'),
  schemaDir: path.join(TOOLS, 'temporal-server', 'schema', 'postgresql', 'v12'),
  ui: path.join(TOOLS, 'temporal-ui', 'server'),
};

function temporalCli(): string {
  const local = path.join(TOOLS, 'bin', 'temporal');
  return fs.existsSync(local) ? local : 'temporal';
}

export interface ClusterOptions {
  /** PostgreSQL data, certificates and logs (kept across restarts of the stack). */
  dataDir: string;
  namespace?: string;
  /** `<n>d` or `<n>h`; default 30d. */
  retention?: string;
  /** Fixed at the first start of a data folder. Default 4. */
  historyShards?: number;
  /** TLS with client certificates on the frontend (default true). */
  tls?: boolean;
  /** Ports; unset ones are chosen free. */
  frontendPort?: number;
  postgresPort?: number;
  /** Each process in a group of its own (devstack/supervisor.ts), for a stack that handles Ctrl-C. */
  ownProcessGroups?: boolean;
  /** The UI server: its port, the codec endpoint it offers, the browser origin it is served as. */
  ui?: { port?: number; codecEndpoint?: string; publicUrl?: string };
}

export interface ClusterInfo {
  serverVersion: string;
  persistence: string;
  visibility: string;
  postgres: string;
  processes: { service: ServiceName; pid: number | undefined }[];
}

export interface RunningCluster {
  address: string;
  namespace: string;
  /** What a worker, the API or a test client needs to reach the frontend (address, TLS files). */
  clientEnv: Record<string, string>;
  certificates: ClusterCertificates | undefined;
  uiUrl: string | undefined;
  services: Record<ServiceName, Supervised>;
  /** Temporal's own PostgreSQL (not the case database). */
  postgres: Supervised;
  postgresUrl: string;
  ui: Supervised | undefined;
  logDir: string;
  /** Until the frontend answers and history and matching are reachable through it. */
  waitReady(timeoutMs?: number): Promise<void>;
  describe(): Promise<ClusterInfo>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function postgresReady(url: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version') AS v");
      return rows[0]?.v ?? 'unknown';
    } catch (err) {
      if (Date.now() > deadline) {
        throw new StackError(`Temporal's PostgreSQL did not accept connections: ${(err as Error).message}`);
      }
      await sleep(250);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

export async function startTemporalCluster(options: ClusterOptions): Promise<RunningCluster> {
  for (const [what, file] of Object.entries(CLUSTER_BINARIES)) {
    if (what === 'ui' && !options.ui) continue;
    if (!fs.existsSync(file)) {
      throw new StackError(
        `No Temporal ${what} at ${file}: run \`npm run bootstrap\` (it builds the server).`,
      );
    }
  }
  const namespace = options.namespace ?? 'default';
  const retention = options.retention ?? '30d';
  const useTls = options.tls ?? true;
  const logDir = path.join(options.dataDir, 'logs');
  fs.mkdirSync(logDir, { recursive: true });
  // PostgreSQL runs as the postgres user when the stack runs as root.
  fs.chmodSync(options.dataDir, 0o755);
  const certificates = useTls ? clusterCertificates(path.join(options.dataDir, 'tls')) : undefined;

  const port = async (given?: number) => given ?? (await freePort());
  const pgPort = await port(options.postgresPort);
  // Membership ports are stored as a smallint by Temporal's SQL persistence: keep them below 32768.
  const low = freePortInRange;
  const ports = {
    frontend: { grpc: await port(options.frontendPort), membership: await low(), http: await low() },
    history: { grpc: await low(), membership: await low() },
    matching: { grpc: await low(), membership: await low() },
    worker: { grpc: await low(), membership: await low() },
  };
  const address = `127.0.0.1:${ports.frontend.grpc}`;
  const clientEnv: Record<string, string> = {
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: namespace,
    ...(certificates
      ? {
          TEMPORAL_TLS_SERVER_CA_CERT_PATH: certificates.caCert,
          TEMPORAL_TLS_CLIENT_CERT_PATH: certificates.clientCert,
          TEMPORAL_TLS_CLIENT_KEY_PATH: certificates.clientKey,
          TEMPORAL_TLS_SERVER_NAME: certificates.serverName,
        }
      : {}),
  };
  const baseEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };

  const postgres = supervise({
    name: 'temporal-postgres',
    command: process.execPath,
    args: ['--import', 'tsx', path.join(ROOT, 'devstack', 'postgres-server.ts')],
    env: {
      ...baseEnv,
      PGDATA_DIR: path.join(options.dataDir, 'postgres'),
      PGPORT: String(pgPort),
      PGDATABASE: 'postgres',
    },
    cwd: ROOT,
    logFile: path.join(logDir, 'temporal-postgres.log'),
    ownProcessGroup: options.ownProcessGroups ?? false,
  });
  const postgresUrl = `postgresql://postgres:postgres@127.0.0.1:${pgPort}/postgres`;
  const started: Supervised[] = [postgres];
  const stopAll = async () => {
    for (const s of [...started].reverse()) await s.stop().catch(() => undefined);
  };

  try {
    const postgresVersion = await postgresReady(postgresUrl, 120_000);
    await run('sh', [path.join(CLUSTER_CONFIG.temporalDir, 'setup-schema.sh')], {
      env: {
        ...baseEnv,
        SQL_TOOL: CLUSTER_BINARIES.sql,
        SCHEMA_DIR: CLUSTER_BINARIES.schemaDir,
        SQL_HOST: '127.0.0.1',
        SQL_PORT: String(pgPort),
        SQL_USER: 'postgres',
        SQL_PASSWORD: 'postgres',
      },
      maxBuffer: 16 * 1024 * 1024,
    }).catch((err: { stderr?: string; message: string }) => {
      throw new StackError(`Temporal's schema could not be applied: ${err.stderr || err.message}`);
    });

    const serverEnv: Record<string, string> = {
      ...baseEnv,
      TEMPORAL_SERVER: CLUSTER_BINARIES.server,
      LOG_LEVEL: 'warn',
      NUM_HISTORY_SHARDS: String(options.historyShards ?? 4),
      POSTGRES_SEEDS: '127.0.0.1',
      DB_PORT: String(pgPort),
      POSTGRES_USER: 'postgres',
      POSTGRES_PWD: 'postgres',
      BIND_ON_IP: '127.0.0.1',
      FRONTEND_ADDRESS: address,
      FRONTEND_HTTP_ADDRESS: `127.0.0.1:${ports.frontend.http}`,
      FRONTEND_GRPC_PORT: String(ports.frontend.grpc),
      FRONTEND_MEMBERSHIP_PORT: String(ports.frontend.membership),
      FRONTEND_HTTP_PORT: String(ports.frontend.http),
      HISTORY_GRPC_PORT: String(ports.history.grpc),
      HISTORY_MEMBERSHIP_PORT: String(ports.history.membership),
      MATCHING_GRPC_PORT: String(ports.matching.grpc),
      MATCHING_MEMBERSHIP_PORT: String(ports.matching.membership),
      WORKER_GRPC_PORT: String(ports.worker.grpc),
      WORKER_MEMBERSHIP_PORT: String(ports.worker.membership),
      ...(certificates
        ? {
            TEMPORAL_TLS_FRONTEND_CERT: certificates.serverCert,
            TEMPORAL_TLS_FRONTEND_KEY: certificates.serverKey,
            TEMPORAL_TLS_REQUIRE_CLIENT_AUTH: 'true',
            TEMPORAL_TLS_CLIENT_CA_CERT: certificates.caCert,
            TEMPORAL_TLS_SERVER_CA_CERT: certificates.caCert,
            TEMPORAL_TLS_FRONTEND_SERVER_NAME: certificates.serverName,
            TEMPORAL_TLS_SYSTEM_WORKER_CERT: certificates.clientCert,
            TEMPORAL_TLS_SYSTEM_WORKER_KEY: certificates.clientKey,
          }
        : {}),
    };
    const services = Object.fromEntries(
      SERVICES.map((service) => {
        const s = supervise({
          name: `temporal-${service}`,
          command: 'sh',
          args: [path.join(CLUSTER_CONFIG.temporalDir, 'start.sh'), service],
          env: serverEnv,
          cwd: ROOT,
          logFile: path.join(logDir, `temporal-${service}.log`),
          ownProcessGroup: options.ownProcessGroups ?? false,
        });
        started.push(s);
        return [service, s];
      }),
    ) as Record<ServiceName, Supervised>;

    const connectionOptions = temporalConnectionOptions({ ...clientEnv, TEMPORAL_ADDRESS: address });
    const waitReady = async (timeoutMs = 180_000) => {
      const deadline = Date.now() + timeoutMs;
      let last: unknown;
      while (Date.now() < deadline) {
        let connection: Connection | undefined;
        try {
          connection = await Connection.connect({ ...connectionOptions, connectTimeout: 2000 });
          const ws = connection.workflowService;
          await ws.describeNamespace({ namespace });
          // Matching answers a task queue's description; history answers for a workflow it does not have.
          await ws.describeTaskQueue({
            namespace,
            taskQueue: { name: 'cluster-readiness' },
            taskQueueType: 1,
          });
          try {
            await ws.getWorkflowExecutionHistory({
              namespace,
              execution: { workflowId: 'cluster-readiness' },
            });
          } catch (err) {
            if ((err as { code?: number }).code !== 5) throw err; // NOT_FOUND is history's answer
          }
          return;
        } catch (err) {
          last = err;
          await sleep(500);
        } finally {
          await connection?.close().catch(() => undefined);
        }
      }
      throw new StackError(
        `the Temporal cluster did not become ready within ${timeoutMs / 1000} s: ${(last as Error)?.message}; logs in ${logDir}`,
      );
    };

    await run('sh', [path.join(CLUSTER_CONFIG.temporalDir, 'setup-namespace.sh')], {
      env: {
        ...baseEnv,
        ...clientEnv,
        TEMPORAL_CLI: temporalCli(),
        TEMPORAL_NAMESPACE_RETENTION: retention,
      },
      timeout: 240_000,
    }).catch((err: { stderr?: string; stdout?: string; message: string }) => {
      throw new StackError(
        `the namespace could not be set up: ${err.stderr || err.stdout || err.message}; logs in ${logDir}`,
      );
    });
    await waitReady();

    let ui: Supervised | undefined;
    let uiUrl: string | undefined;
    if (options.ui) {
      const uiPort = await port(options.ui.port);
      uiUrl = `http://127.0.0.1:${uiPort}`;
      ui = supervise({
        name: 'temporal-ui',
        command: CLUSTER_BINARIES.ui,
        args: [
          '--root',
          path.dirname(path.dirname(CLUSTER_CONFIG.uiConfigFile)),
          '--config',
          'config',
          '--env',
          'cluster',
          'start',
        ],
        env: {
          ...baseEnv,
          ...clientEnv,
          TEMPORAL_UI_HOST: '127.0.0.1',
          TEMPORAL_UI_PORT: String(uiPort),
          TEMPORAL_UI_PUBLIC_URL: options.ui.publicUrl ?? `http://localhost:${uiPort}`,
          TEMPORAL_CODEC_ENDPOINT: options.ui.codecEndpoint ?? '',
          // Served over plain http on this machine; behind TLS in production (README).
          TEMPORAL_CSRF_COOKIE_INSECURE: 'true',
        },
        cwd: ROOT,
        logFile: path.join(logDir, 'temporal-ui.log'),
        ownProcessGroup: options.ownProcessGroups ?? false,
      });
      started.push(ui);
      const deadline = Date.now() + 60_000;
      for (;;) {
        const ok = await fetch(`${uiUrl}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) break;
        if (Date.now() > deadline)
          throw new StackError(`the Temporal UI did not start; see ${logDir}/temporal-ui.log`);
        await sleep(250);
      }
    }

    return {
      address,
      namespace,
      clientEnv,
      certificates,
      uiUrl,
      services,
      postgres,
      postgresUrl,
      ui,
      logDir,
      waitReady,
      describe: async () => {
        const connection = await Connection.connect(connectionOptions);
        try {
          const info = await connection.workflowService.getClusterInfo({});
          return {
            serverVersion: info.serverVersion ?? 'unknown',
            persistence: info.persistenceStore ?? 'unknown',
            visibility: info.visibilityStore ?? 'unknown',
            postgres: postgresVersion,
            processes: SERVICES.map((service) => ({ service, pid: services[service].pid })),
          };
        } finally {
          await connection.close();
        }
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/**
 * One Temporal server process holding every service, with authorisation on: callers must present a
 * JWT (an API key) signed by a key of `jwksUrl`, with `permissions` such as `default:write`;
 * Temporal's own worker service goes through the internal frontend. Its own databases on an
 * existing PostgreSQL (`postgres`), the same deploy/ files as the cluster. For the test that proves
 * the API key of lib/temporal.ts reaches a server that checks it.
 */
export async function startAuthorizingTemporal(options: {
  postgres: { host: string; port: number; user: string; password: string };
  databases: { main: string; visibility: string };
  jwksUrl: string;
  logDir: string;
}): Promise<{ address: string; process: Supervised; stop(): Promise<void> }> {
  const baseEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };
  const { postgres, databases } = options;
  await run('sh', [path.join(CLUSTER_CONFIG.temporalDir, 'setup-schema.sh')], {
    env: {
      ...baseEnv,
      SQL_TOOL: CLUSTER_BINARIES.sql,
      SCHEMA_DIR: CLUSTER_BINARIES.schemaDir,
      SQL_HOST: postgres.host,
      SQL_PORT: String(postgres.port),
      SQL_USER: postgres.user,
      SQL_PASSWORD: postgres.password,
      DBNAME: databases.main,
      VISIBILITY_DBNAME: databases.visibility,
    },
    maxBuffer: 16 * 1024 * 1024,
  });
  const low = freePortInRange;
  const grpc = await low();
  const address = `127.0.0.1:${grpc}`;
  const env: Record<string, string> = {
    ...baseEnv,
    TEMPORAL_SERVER: CLUSTER_BINARIES.server,
    LOG_LEVEL: 'error',
    POSTGRES_SEEDS: postgres.host,
    DB_PORT: String(postgres.port),
    POSTGRES_USER: postgres.user,
    POSTGRES_PWD: postgres.password,
    DBNAME: databases.main,
    VISIBILITY_DBNAME: databases.visibility,
    FRONTEND_ADDRESS: address,
    FRONTEND_GRPC_PORT: String(grpc),
    TEMPORAL_JWT_KEY_SOURCE: options.jwksUrl,
    USE_INTERNAL_FRONTEND: 'true',
  };
  for (const name of [
    'FRONTEND_MEMBERSHIP_PORT',
    'FRONTEND_HTTP_PORT',
    'INTERNAL_FRONTEND_GRPC_PORT',
    'INTERNAL_FRONTEND_MEMBERSHIP_PORT',
    'INTERNAL_FRONTEND_HTTP_PORT',
    'HISTORY_GRPC_PORT',
    'HISTORY_MEMBERSHIP_PORT',
    'MATCHING_GRPC_PORT',
    'MATCHING_MEMBERSHIP_PORT',
    'WORKER_GRPC_PORT',
    'WORKER_MEMBERSHIP_PORT',
  ]) {
    env[name] = String(await low());
  }
  env.FRONTEND_HTTP_ADDRESS = `127.0.0.1:${env.FRONTEND_HTTP_PORT}`;
  fs.mkdirSync(options.logDir, { recursive: true });
  const server = supervise({
    name: 'temporal-authorizing',
    command: 'sh',
    args: [
      path.join(CLUSTER_CONFIG.temporalDir, 'start.sh'),
      'frontend',
      'internal-frontend',
      'history',
      'matching',
      'worker',
    ],
    env,
    cwd: ROOT,
    logFile: path.join(options.logDir, 'temporal-authorizing.log'),
  });
  return { address, process: server, stop: () => server.stop() };
}

import fs from 'node:fs';
import net from 'node:net';
import { z } from 'zod';
import { parseEncryptionKeys } from './payload-codec';

/** Raised when an environment variable is invalid; the message names the variable and the value. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Never echoed in an error message. */
const SECRETS = new Set([
  'PAYLOAD_ENCRYPTION_KEYS',
  'JWT_SECRET',
  'DATABASE_URL',
  'SMTP_URL',
  'OIDC_CLIENT_SECRET',
  'TEMPORAL_API_KEY',
]);

/**
 * Secrets that may come from a file instead of the environment: `NAME_FILE` holds the path (a
 * Docker or Kubernetes secret, a file readable by the service only). One of the two, not both.
 */
export const SECRET_FILE_VARIABLES = [
  'JWT_SECRET',
  'PAYLOAD_ENCRYPTION_KEYS',
  'OIDC_CLIENT_SECRET',
  'TEMPORAL_API_KEY',
] as const;
/** Passwords read from a file and put into the URL of their service. */
const URL_PASSWORD_FILES = {
  DATABASE_URL: 'DATABASE_PASSWORD_FILE',
  SMTP_URL: 'SMTP_PASSWORD_FILE',
} as const;

function readSecretFile(variable: string, file: string): string {
  try {
    // A trailing newline is how editors and `echo` end a file, never part of the secret.
    return fs.readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(`invalid configuration:\n  ${variable}: cannot read ${file} (${reason})`);
  }
}

/** The environment with every `*_FILE` secret read into its variable. */
export function resolveSecretFiles(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  for (const name of SECRET_FILE_VARIABLES) {
    const file = env[`${name}_FILE`];
    if (!file) continue;
    if (env[name] !== undefined) {
      throw new ConfigError(
        `invalid configuration:\n  ${name}_FILE: set either ${name} or ${name}_FILE, not both`,
      );
    }
    out[name] = readSecretFile(`${name}_FILE`, file);
  }
  for (const [urlName, fileName] of Object.entries(URL_PASSWORD_FILES)) {
    const file = env[fileName];
    const url = out[urlName];
    if (!file || !url) continue;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      continue; // the schema names the malformed URL
    }
    if (parsed.password) {
      throw new ConfigError(
        `invalid configuration:\n  ${fileName}: ${urlName} already holds a password; keep it in one place`,
      );
    }
    parsed.password = encodeURIComponent(readSecretFile(fileName, file));
    out[urlName] = parsed.toString();
  }
  return out;
}

/** Express's `trust proxy`: hop count, or addresses/subnets/names of the proxies in front. */
const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const isProxyAddress = (value: string) => {
  if (PROXY_NAMES.has(value)) return true;
  const [ip, bits, extra] = value.split('/');
  if (extra !== undefined || !ip || net.isIP(ip) === 0) return false;
  if (bits === undefined) return true;
  const max = net.isIP(ip) === 4 ? 32 : 128;
  return /^\d+$/.test(bits) && Number(bits) <= max;
};
/** `<n>d` or `<n>h`, as `temporal operator namespace create --retention` takes it, in days. */
export const retentionDays = (value: string): number | undefined => {
  const match = /^(\d+)(d|h)$/.exec(value.trim());
  if (!match) return undefined;
  const n = Number(match[1]);
  return match[2] === 'd' ? n : n / 24;
};

/** Development-only signing key of the API's tokens: refused when NODE_ENV=production. */
export const DEVELOPMENT_JWT_SECRET = 'development-only-jwt-secret-do-not-use-in-production';

const listOf = (value: string) =>
  value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
/** What a browser sends as `Origin`: scheme, host and port, nothing else. */
const isOrigin = (value: string) => {
  try {
    const url = new URL(value);
    return /^https?:$/.test(url.protocol) && url.origin === value;
  } catch {
    return false;
  }
};

const schema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('child-protection'),
  /**
   * TLS to the Temporal frontend (Temporal's own variable names, as its CLI reads them): the CA that
   * signed the server's certificate, the client certificate and key (mutual TLS), the name on the
   * server's certificate. Any of them turns TLS on; TEMPORAL_TLS=true turns it on with the system's CAs.
   */
  TEMPORAL_TLS: z.enum(['true', 'false']).optional(),
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_CLIENT_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_CLIENT_KEY_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  /** An API key sent as `Authorization: Bearer <key>` on every call to Temporal (or TEMPORAL_API_KEY_FILE). */
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  /**
   * How long Temporal keeps a closed workflow (`<n>d` or `<n>h`); the namespace is created with it
   * by deploy/temporal/setup-namespace.sh and `npm start` sets it on the dev server. Case content
   * stays readable in PostgreSQL after that.
   */
  TEMPORAL_NAMESPACE_RETENTION: z
    .string()
    .default('30d')
    .refine((v) => (retentionDays(v) ?? 0) >= 1, 'must be <days>d or <hours>h, at least 1 day (e.g. 30d)'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL'),
  /**
   * Statements kept prepared on each connection (parsed and planned once). `false` behind a
   * connection pooler in transaction mode that does not carry prepared statements.
   */
  DATABASE_PREPARED_STATEMENTS: z.enum(['true', 'false']).default('true'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .default('smtp://127.0.0.1:2525'),
  MAIL_FROM: z.string().min(3).default('Child protection <no-reply@child-protection.local>'),
  API_PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  PUBLIC_URL: z.url().default('http://localhost:3000'),
  /** `id:base64key,…` (32-byte AES keys); the first encrypts, all decrypt. See lib/payload-codec.ts. */
  PAYLOAD_ENCRYPTION_KEYS: z
    .string({ error: 'required: id:base64key[,…] (npm start makes a development key)' })
    .superRefine((value, ctx) => {
      try {
        parseEncryptionKeys(value);
      } catch (err) {
        ctx.addIssue({
          code: 'custom',
          message: (err as Error).message.replace(/^PAYLOAD_ENCRYPTION_KEYS: /, ''),
        });
      }
    }),
  /** How long mail may stay unreachable before a notification is marked failed (and the case shows it). */
  NOTIFICATION_GIVE_UP_AFTER_MS: z.coerce.number().int().min(0).default(3_600_000),
  /** Local time (Africa/Casablanca) of the supervisors' daily digest, on working days. */
  NOTIFICATION_DIGEST_TIME: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour clock, Africa/Casablanca)')
    .default('07:30'),
  /**
   * Retention (law 09-08: no longer than needed): a child whose cases have all been closed for
   * longer than this is pseudonymised by a nightly job. Five years by default — see README.
   */
  RETENTION_CLOSED_DAYS: z.coerce.number().int().min(30).max(36_500).default(1826),
  /**
   * A workflow bundle built ahead of time (bundleWorkflowCode): the worker starts in a second
   * instead of bundling the workflows with webpack at every start. Default: bundle at start.
   */
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),
  /**
   * Workflows the worker keeps in memory between their tasks. Cases sleep for hours or days between
   * tasks, so a small cache costs a short replay now and then, while the SDK's default (sized from
   * the heap, about 2,300 here) lets a worker with thousands of open cases grow past a gigabyte.
   * Each cached run holds its own copy of the workflow modules' state in the workflow thread: 100
   * kept 74 MB off the resident set after a midnight of 1,000 rungs (`npm run bench`, line (c)),
   * but as few as the tasks run at once evicts runs whose local activity (a rung) is in flight,
   * which then runs again, and slowed the bench's 10,000 starts several-fold. Well above them, then.
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(250),
  /**
   * Workflow tasks a worker runs at once (the SDK's default is 40). At a midnight much of a task's
   * time is waiting on the server, not the CPU: more in flight keep the cores busy (the bench's (d)
   * drain fell by an eighth). At most the cache, which must hold them all (the SDK clamps it).
   */
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(2).default(100),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.string().optional(),
  /** HS256 key of the API's bearer tokens. */
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEVELOPMENT_JWT_SECRET),
  /**
   * Large enough for every body the API's schemas allow, even with every character \u-escaped
   * (five 20,000-character assessment sections, fifty 2,000-character plan objectives).
   */
  API_BODY_LIMIT_KB: z.coerce.number().int().min(1).max(10_240).default(1024),
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  /** How long GET /work's counts are kept per person (api/work/counts.ts); 0: counted every time. */
  WORK_COUNTS_TTL_MS: z.coerce.number().int().min(0).max(300_000).default(5_000),
  /**
   * Express's `trust proxy`: which reverse proxies may say who the client is (X-Forwarded-For), so
   * rate limits and logs see the client's address, not the proxy's. `false` (default: the socket's
   * address), a hop count, or a comma-separated list of addresses, subnets (CIDR) and `loopback`,
   * `linklocal`, `uniquelocal`. `true` (trust anyone) is refused: a client could choose its address.
   */
  API_TRUST_PROXY: z
    .string()
    .default('false')
    .superRefine((value, ctx) => {
      if (value === 'false' || /^\d+$/.test(value)) return;
      if (value === 'true') {
        ctx.addIssue({
          code: 'custom',
          message: 'true would let any client choose its address; name the proxies or the number of hops',
        });
        return;
      }
      for (const part of listOf(value)) {
        if (!isProxyAddress(part)) {
          ctx.addIssue({
            code: 'custom',
            message: `"${part}" is not an address, a subnet or loopback/linklocal/uniquelocal`,
          });
        }
      }
    })
    .transform((value): boolean | number | string[] =>
      value === 'false' ? false : /^\d+$/.test(value) ? Number(value) : listOf(value),
    ),
  /**
   * OIDC login (api/auth/oidc.ts). The API accepts access tokens of this issuer (discovery,
   * JWKS, RS256/ES256) whose audience is OIDC_AUDIENCE; OIDC_STAFF_CLAIM names the claim that says
   * who the person is, matched against the staff table's OIDC_STAFF_MATCH column.
   */
  OIDC_ISSUER_URL: z.url().optional(),
  OIDC_AUDIENCE: z.string().min(1).optional(),
  OIDC_STAFF_CLAIM: z.string().min(1).default('email'),
  OIDC_STAFF_MATCH: z.enum(['email', 'id']).default('email'),
  /** The longest lifetime (exp − iat) an access token may have, in seconds. */
  OIDC_MAX_TOKEN_LIFETIME_S: z.coerce.number().int().min(60).max(86_400).default(7200),
  /** The desk's client at the identity provider (authorization code flow with PKCE). */
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** Where the provider sends the browser back after login (registered at the provider). */
  OIDC_REDIRECT_URL: z.url().optional(),
  OIDC_SCOPES: z.string().default('openid email profile'),
  /** Origins of the Temporal UI allowed to call the API's /codec routes from a browser (comma-separated). */
  CODEC_CORS_ORIGINS: z
    .string()
    .default('http://localhost:8233')
    .superRefine((value, ctx) => {
      for (const origin of listOf(value)) {
        if (!isOrigin(origin)) {
          ctx.addIssue({ code: 'custom', message: `"${origin}" is not an origin (http(s)://host[:port])` });
        }
      }
    })
    .transform(listOf),
  /** A desk session ends this long after login, whatever happens (hours). */
  SESSION_MAX_AGE_HOURS: z.coerce
    .number()
    .min(0.01)
    .max(24 * 30)
    .default(12),
  /** … or after this long without a request (minutes). */
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .min(1)
    .max(24 * 60)
    .default(120),
  /** Largest body /codec/decode accepts, in kB (a history page may carry several payloads). */
  CODEC_BODY_LIMIT_KB: z.coerce.number().int().min(1).max(65_536).default(4096),
  /**
   * How long a claimed Idempotency-Key stays "in flight" without its request's process renewing it
   * (a third of this): after an API crash or restart, a client's retry proceeds this soon.
   */
  API_IDEMPOTENCY_LEASE_MS: z.coerce.number().int().min(300).max(600_000).default(30_000),
  /** How long the API waits for a workflow start, update or query before answering 503. */
  API_WORKFLOW_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /**
   * A step's pending rows whose workflow update Temporal does not know (the API died before sending
   * it, or after it was refused) are removed once this old (never less than twice the API's wait).
   */
  STEP_WRITE_SWEEP_AFTER_MS: z.coerce.number().int().min(1000).default(600_000),
  /** Port of a standalone worker's Prometheus endpoint (activity failures, mail failures); none when unset. */
  WORKER_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
});

export type AppConfig = z.infer<typeof schema>;

export function loadConfig(rawEnv: NodeJS.ProcessEnv = process.env): AppConfig {
  const env = resolveSecretFiles(rawEnv);
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = issue.path.join('.');
      const value = env[name];
      const shown = SECRETS.has(name) ? '(value hidden)' : `(got ${JSON.stringify(value)})`;
      return `${name}: ${issue.message}${value === undefined ? ' (not set)' : ` ${shown}`}`;
    });
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const config = parsed.data;
  const problems: string[] = [];
  if (config.NODE_ENV === 'production' && config.JWT_SECRET === DEVELOPMENT_JWT_SECRET) {
    problems.push('JWT_SECRET: must be set when NODE_ENV=production (the development default is refused)');
  }
  if (Boolean(config.TEMPORAL_TLS_CLIENT_CERT_PATH) !== Boolean(config.TEMPORAL_TLS_CLIENT_KEY_PATH)) {
    problems.push('TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH: set both or neither');
  }
  if (config.OIDC_ISSUER_URL && !config.OIDC_AUDIENCE) {
    problems.push('OIDC_AUDIENCE: required with OIDC_ISSUER_URL (the audience access tokens must name)');
  }
  const desk = [config.OIDC_CLIENT_ID, config.OIDC_REDIRECT_URL];
  if (desk.some(Boolean) && !(desk.every(Boolean) && config.OIDC_ISSUER_URL)) {
    problems.push('OIDC_CLIENT_ID, OIDC_REDIRECT_URL: the login flow needs both, and OIDC_ISSUER_URL');
  }
  if (problems.length) throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  return config;
}

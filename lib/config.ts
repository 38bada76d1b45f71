import { z } from 'zod';
import { parseEncryptionKeys } from './payload-codec';

/** Raised when an environment variable is invalid; the message names the variable and the value. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Never echoed in an error message. */
const SECRETS = new Set(['PAYLOAD_ENCRYPTION_KEYS', 'JWT_SECRET', 'DATABASE_URL', 'SMTP_URL']);

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
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL'),
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
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(250),
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
  /** Largest body /codec/decode accepts, in kB (a history page may carry several payloads). */
  CODEC_BODY_LIMIT_KB: z.coerce.number().int().min(1).max(65_536).default(4096),
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

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
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
  if (parsed.data.NODE_ENV === 'production' && parsed.data.JWT_SECRET === DEVELOPMENT_JWT_SECRET) {
    throw new ConfigError(
      'invalid configuration:\n  JWT_SECRET: must be set when NODE_ENV=production (the development default is refused)',
    );
  }
  return parsed.data;
}

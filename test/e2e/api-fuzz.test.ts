/**
 * schemathesis (from PyPI, installed by scripts/bootstrap.sh into .tools/schemathesis) against the
 * API's own /openapi.json, on the stack as `npm start` builds it but on free ports: every operation
 * gets generated valid and invalid requests with a handler's token. Not one 5xx; every answer has a
 * documented status, content type and shape — every rejection a problem document.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApi, type RunningApi } from '../../api/server';
import { signToken } from '../../api/auth/token';
import { freePort } from '../../devstack/ports';
import { startSmtpCapture, type SmtpCapture } from '../../devstack/smtp-capture';
import { startTemporalDevServer, type RunningTemporal } from '../../devstack/temporal';
import { runWorker, type RunningWorker } from '../../worker/run';
import { JWT_SECRET } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { TEST_PAYLOAD_KEYS } from '../support/temporal';

const ROOT = path.resolve(__dirname, '..', '..');
const ST = path.join(ROOT, '.tools', 'schemathesis', 'bin', 'st');
/** Examples per operation: enough to reach every field with wrong and odd values, in about a minute. */
const EXAMPLES = Number(process.env.FUZZ_EXAMPLES ?? 15);
const CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_schema_conformance',
  'negative_data_rejection',
];

let dir: string;
let temporal: RunningTemporal;
let db: TestDatabase;
let smtp: SmtpCapture;
let worker: RunningWorker;
let api: RunningApi;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpe-fuzz-'));
  temporal = await startTemporalDevServer({
    dbFile: path.join(dir, 'temporal.sqlite'),
    port: await freePort(),
    namespace: 'default',
    logFile: path.join(dir, 'temporal.log'),
  });
  db = await createTestDatabase();
  smtp = await startSmtpCapture({ port: await freePort() });
  const env = {
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: `fuzz-${randomUUID()}`,
    DATABASE_URL: db.url,
    SMTP_URL: smtp.url,
    API_PORT: String(await freePort()),
    JWT_SECRET,
    PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS,
    API_RATE_LIMIT_PER_MINUTE: '1000000',
    LOG_LEVEL: 'silent',
  };
  worker = await runWorker(env);
  api = await startApi(env);
}, 120_000);

afterAll(async () => {
  await api?.stop();
  await worker?.stop();
  await smtp?.stop();
  await db?.drop();
  await temporal?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

interface Outcome {
  code: number | null;
  output: string;
  junit: string;
}

function schemathesis(args: string[]): Promise<Outcome> {
  const junitPath = path.join(dir, 'junit.xml');
  return new Promise((resolve, reject) => {
    const child = spawn(ST, [...args, '--report', 'junit', '--report-junit-path', junitPath], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', SCHEMATHESIS_TELEMETRY: 'false', HYPOTHESIS_STORAGE_DIRECTORY: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) =>
      resolve({ code, output, junit: fs.existsSync(junitPath) ? fs.readFileSync(junitPath, 'utf8') : '' }),
    );
  });
}

it(
  'finds no server error and no undocumented answer in any operation of /openapi.json',
  async () => {
    expect(fs.existsSync(ST)).toBe(true); // scripts/bootstrap.sh installs it
    const token = await signToken({ JWT_SECRET }, 'staff-demo-handler');
    const result = await schemathesis([
      'run',
      `${api.url}/openapi.json`,
      '--header',
      `Authorization: Bearer ${token}`,
      '--checks',
      CHECKS.join(','),
      '--max-examples',
      String(EXAMPLES),
      '--seed',
      process.env.FUZZ_SEED ?? '20261123',
      '--workers',
      '2',
      '--request-timeout',
      '30',
      '--suppress-health-check',
      'all',
      '--no-shrink',
    ]);
    const cases = (result.junit.match(/<testcase\b/g) ?? []).length;
    const failures = (result.junit.match(/<failure\b/g) ?? []).length;
    const errors = (result.junit.match(/<error\b/g) ?? []).length;
    const summary = result.output
      .split('\n')
      .filter((line) => /passed|failed|errors?|Test cases|Server error|API Operations/i.test(line))
      .slice(-12)
      .join('\n');
    console.log(`schemathesis: ${cases} operations, ${failures} failed, ${errors} errors\n${summary}`);
    if (result.code !== 0) console.log(result.output.slice(-20_000));
    expect(cases).toBeGreaterThan(20);
    expect(result.output).not.toMatch(/Server error/i);
    expect({ code: result.code, failures, errors }).toEqual({ code: 0, failures: 0, errors: 0 });
  },
  15 * 60_000,
);

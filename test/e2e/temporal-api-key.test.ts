/**
 * The API key of lib/temporal.ts (TEMPORAL_API_KEY / TEMPORAL_API_KEY_FILE) against a Temporal
 * server that checks it: the real server with its JWT authorizer on (deploy/temporal/config with
 * TEMPORAL_JWT_KEY_SOURCE, all services in one process plus the internal frontend), on the e2e
 * cluster's PostgreSQL with databases of its own. The keys are JWTs signed by a key of a JWKS this
 * test serves; their `permissions` claim says what the holder may do.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { startAuthorizingTemporal } from '../../devstack/cluster';
import { freePort } from '../../devstack/ports';
import { loadConfig } from '../../lib/config';
import { connectClient, temporalConnectionOptions } from '../../lib/temporal';
import { testCluster } from '../support/cluster';
import { TEST_PAYLOAD_KEYS } from '../support/temporal';

let dir: string;
let jwks: http.Server;
let server: Awaited<ReturnType<typeof startAuthorizingTemporal>>;
let signer: CryptoKey;
let stranger: CryptoKey;

const apiKey = (permissions: string[], key: CryptoKey = signer) =>
  new SignJWT({ permissions })
    .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
    .setSubject('child-protection-worker')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(key);

/** What lib/temporal.ts builds from this configuration (no TLS: the test server has none). */
const configWith = (env: Record<string, string>) =>
  loadConfig({
    DATABASE_URL: 'postgresql://unused',
    PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS,
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TLS: 'false',
    ...env,
  });

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpe-api-key-'));
  const pair = await generateKeyPair('RS256', { extractable: true });
  signer = pair.privateKey;
  stranger = (await generateKeyPair('RS256')).privateKey;
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const port = await freePort();
  jwks = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(port, '127.0.0.1', resolve));
  const pg = new URL(testCluster().postgresUrl);
  const suffix = randomUUID().slice(0, 8);
  server = await startAuthorizingTemporal({
    postgres: { host: pg.hostname, port: Number(pg.port), user: pg.username, password: pg.password },
    databases: { main: `temporal_key_${suffix}`, visibility: `temporal_key_${suffix}_visibility` },
    jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
    logDir: dir,
  });
  // The namespace, created by an administrator's key once the server answers.
  const admin = temporalConnectionOptions(
    configWith({ TEMPORAL_API_KEY: await apiKey(['temporal-system:admin']) }),
  );
  const deadline = Date.now() + 120_000;
  for (;;) {
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ ...admin, connectTimeout: 2000 });
      await connection.workflowService
        .registerNamespace({
          namespace: 'default',
          workflowExecutionRetentionPeriod: msToTs(30 * 24 * 3_600_000),
        })
        .catch((err: { code?: number }) => {
          if (err.code !== 6) throw err; // ALREADY_EXISTS
        });
      await connection.workflowService.describeNamespace({ namespace: 'default' });
      break;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      await connection?.close().catch(() => undefined);
    }
  }
}, 240_000);

afterAll(async () => {
  await server?.stop();
  await new Promise<void>((resolve) => (jwks ? jwks.close(() => resolve()) : resolve()));
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Starts a workflow with the given configuration: 'started', or the server's refusal. */
async function tryStart(env: Record<string, string>): Promise<string> {
  let client;
  try {
    client = await connectClient(configWith(env));
  } catch (err) {
    // Refused at the first call (the SDK asks for the server's capabilities when it connects).
    const cause = (err as { cause?: Error }).cause;
    return `refused: ${(err as Error).message}: ${cause?.message ?? ''}`;
  }
  try {
    const workflowId = `api-key-${randomUUID()}`;
    // The server may take a few seconds to see the new namespace in every cache.
    for (let attempt = 0; ; attempt += 1) {
      try {
        await client.workflow.start('caseWorkflow', {
          taskQueue: 'nobody-polls',
          workflowId,
          args: [{ caseId: 'not-a-case' }],
        });
        await client.workflow.getHandle(workflowId).terminate('test over');
        return 'started';
      } catch (err) {
        const cause = (err as { cause?: Error }).cause;
        const message = `${(err as Error).message}: ${cause?.message ?? ''}`;
        if (/not found/i.test(message) && attempt < 20) {
          await new Promise((r) => setTimeout(r, 500));
          continue;
        }
        return `refused: ${message}`;
      }
    }
  } finally {
    await client.connection.close();
  }
}

describe('an API key for Temporal, from configuration', () => {
  it('lets a caller whose key may write start workflows, the key read from TEMPORAL_API_KEY_FILE', async () => {
    const file = path.join(dir, 'temporal-api-key');
    fs.writeFileSync(file, `${await apiKey(['default:write'])}\n`, { mode: 0o600 });
    expect(await tryStart({ TEMPORAL_API_KEY_FILE: file })).toBe('started');
  });

  it('refuses a caller without a key, with a read-only key, or with a key signed by someone else', async () => {
    const outcomes = {
      none: await tryStart({}),
      readOnly: await tryStart({ TEMPORAL_API_KEY: await apiKey(['default:read']) }),
      forged: await tryStart({ TEMPORAL_API_KEY: await apiKey(['default:write'], stranger) }),
    };
    expect(outcomes).toEqual({
      none: expect.stringMatching(/^refused: .*(unauthorized|permission)/i),
      readOnly: expect.stringMatching(/^refused: .*(unauthorized|permission)/i),
      forged: expect.stringMatching(/^refused: .*(unauthorized|permission)/i),
    });
    // The read-only key does read.
    const reader = await Connection.connect(
      temporalConnectionOptions(configWith({ TEMPORAL_API_KEY: await apiKey(['default:read']) })),
    );
    try {
      const described = await reader.workflowService.describeNamespace({ namespace: 'default' });
      expect(described.namespaceInfo?.name).toBe('default');
    } finally {
      await reader.close();
    }
  });
});

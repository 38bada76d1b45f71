/**
 * The settings: the development signing key is refused in production; secrets never printed, and
 * read from files when asked; Temporal's TLS and API key; trust proxy; retention; OIDC.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, DEVELOPMENT_JWT_SECRET, loadConfig, retentionDays } from '../../lib/config';
import { generateEncryptionKey } from '../../lib/payload-codec';
import { temporalConnectionOptions } from '../../lib/temporal';

const base = {
  DATABASE_URL: 'postgresql://localhost/db',
  PAYLOAD_ENCRYPTION_KEYS: generateEncryptionKey('test'),
};

describe('API configuration', () => {
  it('uses the development JWT key outside production and refuses it in production', () => {
    expect(loadConfig(base).JWT_SECRET).toBe(DEVELOPMENT_JWT_SECRET);
    expect(() => loadConfig({ ...base, NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, NODE_ENV: 'production' })).toThrow(/JWT_SECRET: must be set/);
    const secret = 'a-production-secret-of-enough-length-0123';
    expect(loadConfig({ ...base, NODE_ENV: 'production', JWT_SECRET: secret }).JWT_SECRET).toBe(secret);
  });

  it('names a short key without printing it, and checks the API limits', () => {
    let message = '';
    try {
      loadConfig({
        ...base,
        JWT_SECRET: 'tooShortSecret',
        API_BODY_LIMIT_KB: '0',
        API_RATE_LIMIT_PER_MINUTE: 'many',
      });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('JWT_SECRET: must be at least 32 characters (value hidden)');
    expect(message).not.toContain('tooShortSecret');
    expect(message).toContain('API_BODY_LIMIT_KB');
    expect(message).toContain('API_RATE_LIMIT_PER_MINUTE');
    expect(loadConfig(base)).toMatchObject({
      API_BODY_LIMIT_KB: 1024,
      API_RATE_LIMIT_PER_MINUTE: 600,
      API_WORKFLOW_TIMEOUT_MS: 30_000,
    });
  });
});

describe('secrets from files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpe-secrets-'));
  const file = (name: string, content: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, content);
    return p;
  };
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads JWT_SECRET_FILE, PAYLOAD_ENCRYPTION_KEYS_FILE, OIDC_CLIENT_SECRET_FILE and TEMPORAL_API_KEY_FILE (one trailing newline dropped)', () => {
    const keys = generateEncryptionKey('k1');
    const config = loadConfig({
      DATABASE_URL: 'postgresql://localhost/db',
      PAYLOAD_ENCRYPTION_KEYS_FILE: file('keys', `${keys}\n`),
      JWT_SECRET_FILE: file('jwt', 'a-secret-read-from-a-file-0123456789\n'),
      OIDC_CLIENT_SECRET_FILE: file('oidc', 'client secret with spaces  '),
      TEMPORAL_API_KEY_FILE: file('apikey', 'key-123\n\n'),
    });
    expect(config.PAYLOAD_ENCRYPTION_KEYS).toBe(keys);
    expect(config.JWT_SECRET).toBe('a-secret-read-from-a-file-0123456789');
    expect(config.OIDC_CLIENT_SECRET).toBe('client secret with spaces  ');
    expect(config.TEMPORAL_API_KEY).toBe('key-123\n');
  });

  it('puts DATABASE_PASSWORD_FILE and SMTP_PASSWORD_FILE into their URLs, encoded', () => {
    const config = loadConfig({
      ...base,
      DATABASE_URL: 'postgresql://cpe@db.internal:5432/child_protection',
      DATABASE_PASSWORD_FILE: file('db', 'p@ss:w/rd\n'),
      SMTP_URL: 'smtps://relay-user@relay.internal:465',
      SMTP_PASSWORD_FILE: file('smtp', 's3cret'),
    });
    expect(config.DATABASE_URL).toBe('postgresql://cpe:p%40ss%3Aw%2Frd@db.internal:5432/child_protection');
    expect(config.SMTP_URL).toBe('smtps://relay-user:s3cret@relay.internal:465');
  });

  it('refuses a secret given twice, a password in two places and an unreadable file, without printing the secret', () => {
    const jwt = file('jwt2', 'a-secret-read-from-a-file-0123456789');
    expect(() => loadConfig({ ...base, JWT_SECRET: 'x'.repeat(40), JWT_SECRET_FILE: jwt })).toThrow(
      'JWT_SECRET_FILE: set either JWT_SECRET or JWT_SECRET_FILE, not both',
    );
    expect(() =>
      loadConfig({
        ...base,
        DATABASE_URL: 'postgresql://u:inline@h/db',
        DATABASE_PASSWORD_FILE: file('db2', 'x'),
      }),
    ).toThrow('DATABASE_PASSWORD_FILE: DATABASE_URL already holds a password; keep it in one place');
    let message = '';
    try {
      loadConfig({ ...base, OIDC_CLIENT_SECRET_FILE: path.join(dir, 'missing') });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe(
      `invalid configuration:\n  OIDC_CLIENT_SECRET_FILE: cannot read ${path.join(dir, 'missing')} (ENOENT)`,
    );
    const short = file('short', 'tooShortSecret');
    expect(() => loadConfig({ ...base, JWT_SECRET_FILE: short })).toThrow(
      /JWT_SECRET: must be at least 32 characters \(value hidden\)/,
    );
  });
});

describe('Temporal connection, proxy and retention settings', () => {
  it('builds TLS and API-key options for Temporal from configuration', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpe-tls-'));
    for (const f of ['ca.pem', 'client.pem', 'client.key'])
      fs.writeFileSync(path.join(dir, f), `pem of ${f}`);
    const options = temporalConnectionOptions(
      loadConfig({
        ...base,
        TEMPORAL_ADDRESS: 'temporal.internal:7233',
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: path.join(dir, 'ca.pem'),
        TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(dir, 'client.pem'),
        TEMPORAL_TLS_CLIENT_KEY_PATH: path.join(dir, 'client.key'),
        TEMPORAL_TLS_SERVER_NAME: 'temporal-frontend',
        TEMPORAL_API_KEY: 'key-abc',
      }),
    );
    expect({
      ...options,
      tls:
        typeof options.tls === 'object'
          ? {
              serverNameOverride: options.tls.serverNameOverride,
              ca: options.tls.serverRootCACertificate?.toString(),
              crt: options.tls.clientCertPair?.crt.toString(),
              key: options.tls.clientCertPair?.key.toString(),
            }
          : options.tls,
    }).toEqual({
      address: 'temporal.internal:7233',
      apiKey: 'key-abc',
      tls: {
        serverNameOverride: 'temporal-frontend',
        ca: 'pem of ca.pem',
        crt: 'pem of client.pem',
        key: 'pem of client.key',
      },
    });
    // Plaintext by default; an API key alone is never sent in clear unless TEMPORAL_TLS=false says so.
    expect(temporalConnectionOptions(loadConfig(base))).toEqual({ address: '127.0.0.1:7233' });
    expect(temporalConnectionOptions(loadConfig({ ...base, TEMPORAL_API_KEY: 'k' }))).toEqual({
      address: '127.0.0.1:7233',
      apiKey: 'k',
    });
    expect(
      temporalConnectionOptions(loadConfig({ ...base, TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' })),
    ).toEqual({
      address: '127.0.0.1:7233',
      apiKey: 'k',
      tls: false,
    });
    expect(() => loadConfig({ ...base, TEMPORAL_TLS_CLIENT_CERT_PATH: '/x.pem' })).toThrow(
      'TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH: set both or neither',
    );
    expect(() =>
      temporalConnectionOptions(
        loadConfig({ ...base, TEMPORAL_TLS_SERVER_CA_CERT_PATH: path.join(dir, 'nope.pem') }),
      ),
    ).toThrow(`TEMPORAL_TLS_SERVER_CA_CERT_PATH: cannot read ${path.join(dir, 'nope.pem')} (ENOENT)`);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads trust proxy as a hop count or a list of addresses, subnets and names, and refuses "true"', () => {
    expect(loadConfig(base).API_TRUST_PROXY).toBe(false);
    expect(loadConfig({ ...base, API_TRUST_PROXY: '1' }).API_TRUST_PROXY).toBe(1);
    expect(loadConfig({ ...base, API_TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8' }).API_TRUST_PROXY).toEqual(
      ['loopback', '10.0.0.0/8', 'fd00::/8'],
    );
    expect(() => loadConfig({ ...base, API_TRUST_PROXY: 'true' })).toThrow(
      /API_TRUST_PROXY: true would let any client choose its address/,
    );
    expect(() => loadConfig({ ...base, API_TRUST_PROXY: '10.0.0.0/33,proxy.local' })).toThrow(
      /"10.0.0.0\/33" is not an address[\s\S]*"proxy.local" is not an address/,
    );
  });

  it('takes the namespace retention in days or hours, 30 days by default, at least one day', () => {
    expect(loadConfig(base).TEMPORAL_NAMESPACE_RETENTION).toBe('30d');
    expect([retentionDays('30d'), retentionDays('720h'), retentionDays('36h'), retentionDays('30')]).toEqual([
      30,
      30,
      1.5,
      undefined,
    ]);
    expect(() => loadConfig({ ...base, TEMPORAL_NAMESPACE_RETENTION: '12h' })).toThrow(
      /TEMPORAL_NAMESPACE_RETENTION: must be <days>d or <hours>h/,
    );
  });

  it('asks for the audience with an issuer, and for a whole login client', () => {
    expect(() => loadConfig({ ...base, OIDC_ISSUER_URL: 'https://idp.example' })).toThrow(
      /OIDC_AUDIENCE: required with OIDC_ISSUER_URL/,
    );
    expect(() =>
      loadConfig({
        ...base,
        OIDC_ISSUER_URL: 'https://idp.example',
        OIDC_AUDIENCE: 'api',
        OIDC_CLIENT_ID: 'desk',
      }),
    ).toThrow(/OIDC_CLIENT_ID, OIDC_REDIRECT_URL: the login flow needs both/);
    expect(
      loadConfig({ ...base, OIDC_ISSUER_URL: 'https://idp.example', OIDC_AUDIENCE: 'api' }),
    ).toMatchObject({
      OIDC_STAFF_CLAIM: 'email',
      OIDC_STAFF_MATCH: 'email',
      OIDC_MAX_TOKEN_LIFETIME_S: 7200,
    });
  });
});

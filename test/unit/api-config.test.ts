/** The API's settings: the development signing key is refused in production; secrets never printed. */
import { ConfigError, DEVELOPMENT_JWT_SECRET, loadConfig } from '../../lib/config';
import { generateEncryptionKey } from '../../lib/payload-codec';

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

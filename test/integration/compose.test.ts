/**
 * docker-compose.yml is checked, not started (no Docker engine here): compose-go — the loader of
 * `docker compose` — validates schema, interpolation and service references.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const SECRETS = { POSTGRES_PASSWORD: 'pw', JWT_SECRET: 'jwt', PAYLOAD_ENCRYPTION_KEYS: 'keys' };

function composeCheck(env: Record<string, string>) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !(k in SECRETS))) as Record<
    string,
    string
  >;
  // Built by scripts/bootstrap.sh from scripts/compose-check.
  return spawnSync(
    path.join(ROOT, '.tools', 'bin', 'compose-check'),
    [path.join(ROOT, 'docker-compose.yml')],
    {
      env: { ...base, ...env },
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
}

describe('docker-compose.yml', () => {
  it('is a valid compose project with the production topology and health checks', () => {
    const result = composeCheck(SECRETS);
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
      ['api', 'mail', 'migrate', 'postgres', 'temporal', 'temporal-ui', 'worker'].sort(),
    );
    for (const name of ['api', 'worker', 'postgres', 'temporal', 'mail'])
      expect(services[name]?.health).toBe(true);
    expect(services.worker?.replicas).toBeGreaterThan(1);
  });

  it('refuses to start without its secrets, naming the missing one', () => {
    const result = composeCheck({ JWT_SECRET: 'jwt', PAYLOAD_ENCRYPTION_KEYS: 'keys' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('POSTGRES_PASSWORD');
  });

  it('holds no secret values itself', () => {
    const text = fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
    for (const line of text.split('\n')) {
      if (/(PASSWORD|SECRET|KEYS|PWD)\s*:/.test(line)) expect(line).toMatch(/\$\{[A-Z_]+:\?/);
    }
  });
});

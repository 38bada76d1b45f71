import fs from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const running = globalThis.__testPostgres;
  if (!running) return;
  await running.pg.stop();
  fs.rmSync(running.dir, { recursive: true, force: true });
}

import net from 'node:net';

/** A stack component could not start; the message is meant for a person, not a stack trace. */
export class StackError extends Error {
  override name = 'StackError';
}

export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Fails with a message naming the port, its purpose and the way out (an env var). */
export async function assertPortFree(port: number, purpose: string, alternative: string): Promise<void> {
  if (!(await isPortFree(port))) {
    throw new StackError(
      `Port ${port} (${purpose}) is already in use. Stop whatever holds it, or ${alternative}.`,
    );
  }
}

/** A free port chosen by the OS, for tests that start their own servers. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const taken = new Set<number>();
/**
 * A free port in [low, high): for servers whose ports must stay below the ephemeral range (Temporal
 * stores membership ports as a PostgreSQL smallint, at most 32767). Never the same one twice per process.
 */
export async function freePortInRange(low = 20_000, high = 32_000): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (taken.has(port)) continue;
    if (await isPortFree(port)) {
      taken.add(port);
      return port;
    }
  }
  throw new StackError(`no free port between ${low} and ${high}`);
}

export async function waitFor<T>(
  what: string,
  attempt: () => Promise<T>,
  { timeoutMs = 60_000, intervalMs = 250 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await attempt();
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  throw new StackError(`${what} did not become ready within ${timeoutMs / 1000}s: ${reason}`);
}

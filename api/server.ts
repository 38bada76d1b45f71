/**
 * The API process: builds its dependencies from the environment and serves the app. `stop()` is
 * graceful: stop accepting connections, let in-flight requests finish (up to a limit), then close
 * the Temporal connection, the database pool and the mail transport.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import pino from 'pino';
import { StackError } from '../devstack/ports';
import { loadConfig } from '../lib/config';
import { createPrismaClient } from '../lib/db';
import { checkProtocolPins } from '../lib/protocol-pins';
import { connectClient } from '../lib/temporal';
import { createApp } from './app';
import { startPendingStepSweep } from './steps/pending';

export interface RunningApi {
  url: string;
  stop(): Promise<void>;
}

/** How long `stop()` waits for in-flight requests before cutting their connections. */
const DRAIN_MS = 30_000;

export async function startApi(env: NodeJS.ProcessEnv = process.env): Promise<RunningApi> {
  const config = loadConfig(env);
  const logger = pino({ level: config.LOG_LEVEL, base: { service: 'api' } });
  const temporal = await connectClient(config).catch((err: unknown) => {
    throw new StackError(
      `Cannot reach Temporal at ${config.TEMPORAL_ADDRESS} (${err instanceof Error ? err.message : String(err)}); set TEMPORAL_ADDRESS.`,
    );
  });
  const prisma = createPrismaClient(config.DATABASE_URL, undefined, {
    preparedStatements: config.DATABASE_PREPARED_STATEMENTS === 'true',
  });
  try {
    // A used protocol file edited under running cases stops start-up (the difference is named).
    await checkProtocolPins(prisma);
  } catch (err) {
    await Promise.allSettled([prisma.$disconnect(), temporal.connection.close()]);
    throw err;
  }
  const mailer = nodemailer.createTransport(config.SMTP_URL);
  const closeClients = async () => {
    mailer.close();
    await Promise.allSettled([prisma.$disconnect(), temporal.connection.close()]);
  };
  const app = createApp({ prisma, temporal, mailer, config, logger });

  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(config.API_PORT);
      s.once('listening', () => resolve(s));
      s.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          err.code === 'EADDRINUSE'
            ? new StackError(
                `Port ${config.API_PORT} (API) is already in use. Stop whatever holds it, or set API_PORT.`,
              )
            : err,
        ),
      );
    });
  } catch (err) {
    await closeClients();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  logger.info({ port }, 'API listening');
  const sweep = startPendingStepSweep({ prisma, temporal, config }, logger);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      sweep.stop();
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      // A keep-alive connection turns idle once its last request is answered: close it then.
      const idle = setInterval(() => server.closeIdleConnections(), 100);
      server.closeIdleConnections();
      const cut = setTimeout(() => server.closeAllConnections(), DRAIN_MS);
      await drained;
      clearInterval(idle);
      clearTimeout(cut);
      await closeClients();
      logger.info('API stopped');
    })());
  return { url: `http://localhost:${port}`, stop };
}

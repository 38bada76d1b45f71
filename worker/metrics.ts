/**
 * Worker-side metrics: an activity interceptor that counts failed attempts, and — for a worker
 * running on its own — a /metrics endpoint on WORKER_METRICS_PORT.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInboundCallsInterceptor, ActivityExecuteInput, Next } from '@temporalio/worker';
import type { Context } from '@temporalio/activity';
import { activityFailures, processMetricsRegistry } from '../lib/metrics';

/** The failure's type (ApplicationFailure type, else the error's class name): a bounded set. */
function failureType(err: unknown): string {
  if (err instanceof ApplicationFailure && err.type) return err.type;
  return err instanceof Error ? err.name : 'unknown';
}

/** For Worker.create({ interceptors: { activity: [activityMetricsInterceptor] } }). */
export const activityMetricsInterceptor = (ctx: Context): { inbound: ActivityInboundCallsInterceptor } => ({
  inbound: {
    async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>) {
      try {
        return await next(input);
      } catch (err) {
        activityFailures.inc({ activity: ctx.info.activityType, type: failureType(err) });
        throw err;
      }
    },
  },
});

/** What GET /healthz answers: 200 while the worker polls its task queue, 503 otherwise. */
export type WorkerHealth = () => { polling: boolean; detail: Record<string, unknown> };

/**
 * Serves the process's counters at GET /metrics and its health at GET /healthz (the container's
 * health check, worker/healthcheck.mjs); resolves with the server and its port. The metrics carry
 * Node's own (resident memory, heap by space, event-loop lag, GC): what an operator sizing a worker
 * container watches.
 */
export async function serveWorkerMetrics(
  port: number,
  health?: WorkerHealth,
): Promise<{ port: number; close(): Promise<void> }> {
  const registry = processMetricsRegistry();
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/healthz' && health) {
      const { polling, detail } = health();
      res
        .writeHead(polling ? 200 : 503, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ status: polling ? 'polling' : 'not polling', ...detail }));
      return;
    }
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

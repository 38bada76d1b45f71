/** Liveness, readiness (each dependency by name) and Prometheus metrics; no token needed. */
import type { ApiDeps } from '../deps';
import type { Routes } from '../http/route';
import { z } from '../openapi/zod';
import type { ApiMetrics } from './metrics';

const CHECK_TIMEOUT_MS = 3_000;

const CheckSchema = z
  .object({
    status: z.enum(['up', 'down']),
    latencyMs: z.number().int(),
    error: z.string().optional().openapi({ description: 'why it is down (connection error kind)' }),
  })
  .openapi('DependencyCheck');

const ReadinessSchema = z
  .object({
    status: z.enum(['ready', 'unavailable']),
    checks: z.object({ temporal: CheckSchema, postgresql: CheckSchema, smtp: CheckSchema }),
  })
  .openapi('Readiness');

type Check = z.infer<typeof CheckSchema>;

/**
 * One dependency's check. `timeoutMs` races the call against a timer; a call that carries its own
 * deadline (Temporal's) is awaited to its end instead, so no retry of it outlives the request.
 */
async function check(run: () => Promise<unknown>, timeoutMs?: number): Promise<Check> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    if (timeoutMs) timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race(timeoutMs ? [run(), timeout] : [run()]);
    return { status: 'up', latencyMs: Date.now() - started };
  } catch (err) {
    // The kind of failure only: a driver's message may quote a connection string with its password.
    const e = err as { code?: unknown; name?: string; message?: string };
    const reason =
      typeof e.code === 'string' ? e.code : e.message?.startsWith('no answer') ? e.message : e.name;
    return { status: 'down', latencyMs: Date.now() - started, error: reason ?? 'unreachable' };
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(routes: Routes, deps: ApiDeps, metrics: ApiMetrics): void {
  routes.publicRoute({
    method: 'get',
    path: '/healthz',
    operationId: 'liveness',
    summary: 'Liveness: the process answers',
    tag: 'operations',
    responses: { 200: { description: 'alive', schema: z.object({ status: z.literal('ok') }) } },
    handle: async () => ({ body: { status: 'ok' } }),
  });

  routes.publicRoute({
    method: 'get',
    path: '/readyz',
    operationId: 'readiness',
    summary: 'Readiness: Temporal, PostgreSQL and SMTP each reachable',
    tag: 'operations',
    responses: {
      200: { description: 'every dependency answered', schema: ReadinessSchema },
      503: { description: 'at least one dependency is down', schema: ReadinessSchema },
    },
    handle: async () => {
      const [temporal, postgresql, smtp] = await Promise.all([
        check(() =>
          deps.temporal.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () =>
            deps.temporal.workflowService.getSystemInfo({}),
          ),
        ),
        check(() => deps.prisma.$queryRaw`SELECT 1`, CHECK_TIMEOUT_MS),
        check(() => deps.mailer.verify(), CHECK_TIMEOUT_MS),
      ]);
      const checks = { temporal, postgresql, smtp };
      for (const [name, result] of Object.entries(checks)) {
        metrics.dependencyUp.set({ dependency: name }, result.status === 'up' ? 1 : 0);
      }
      const ready = Object.values(checks).every((c) => c.status === 'up');
      return { status: ready ? 200 : 503, body: { status: ready ? 'ready' : 'unavailable', checks } };
    },
  });

  routes.publicRoute({
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    summary: 'Prometheus metrics (request counts and durations by route and status, dependency gauges)',
    tag: 'operations',
    responses: {
      200: {
        description: 'Prometheus text exposition format',
        schema: z.string(),
        contentType: 'text/plain',
      },
    },
    handle: async () => ({
      body: await metrics.registry.metrics(),
      contentType: metrics.registry.contentType,
    }),
  });
}

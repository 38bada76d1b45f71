/**
 * Counters of things that happen inside the worker's activities (failures of an attempt, mail that
 * did not go), one set per process and in no registry of their own: the API adds them to its
 * registry, so when worker and API share a process (`npm start`) one /metrics shows both; a
 * standalone worker serves them with Node's own metrics on WORKER_METRICS_PORT (worker/metrics.ts).
 */
import { collectDefaultMetrics, Counter, Registry, type Metric } from 'prom-client';

export const activityFailures = new Counter({
  name: 'activity_failures_total',
  help: 'Failed activity attempts, by activity type and failure type (each attempt Temporal retries counts once)',
  labelNames: ['activity', 'type'] as const,
  registers: [],
});

export const mailDeliveryFailures = new Counter({
  name: 'notification_delivery_failures_total',
  help:
    'E-mail delivery attempts that did not deliver, by notification kind and outcome ' +
    '(retry: tried again later; refused: the server said no for good; gaveUp: unreachable too long; ' +
    'unconfirmed: sent but never confirmed, not resent)',
  labelNames: ['kind', 'outcome'] as const,
  registers: [],
});

/** Every metric above. */
const PROCESS_METRICS: readonly Metric[] = [activityFailures, mailDeliveryFailures];

/** A process's registry: Node's own metrics (memory, heap, GC, event-loop lag) and the counters above. */
export function processMetricsRegistry(registry: Registry = new Registry()): Registry {
  collectDefaultMetrics({ register: registry });
  for (const metric of PROCESS_METRICS) registry.registerMetric(metric);
  return registry;
}

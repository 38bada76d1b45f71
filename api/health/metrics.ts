/**
 * Prometheus metrics of the API process. `createMetrics` owns the registry; anyone may add a
 * metric to it (pass `metrics.registry` to prom-client's constructors) — e.g. per-step gauges or
 * committee statistics — and it is served at GET /metrics.
 */
import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { processMetricsRegistry } from '../../lib/metrics';

export interface ApiMetrics {
  registry: Registry;
  /** Set by /readyz: 1 when the dependency answered, 0 when it did not. */
  dependencyUp: Gauge<'dependency'>;
  middleware: RequestHandler;
}

export function createMetrics(registry: Registry = new Registry()): ApiMetrics {
  // Node's own, and the worker's counters (activity failures, mail not delivered) when it runs here.
  processMetricsRegistry(registry);
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: 'http_requests_in_flight',
    help: 'HTTP requests being processed',
    registers: [registry],
  });
  const dependencyUp = new Gauge({
    name: 'api_dependency_up',
    help: 'Whether a dependency answered the last readiness check (1) or not (0)',
    labelNames: ['dependency'] as const,
    registers: [registry],
  });
  const middleware: RequestHandler = (req, res, next) => {
    const started = process.hrtime.bigint();
    inFlight.inc();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      inFlight.dec();
      // Route templates only (never raw paths with IDs): bounded label cardinality.
      const route =
        (res.locals.route as string | undefined) ?? (res.statusCode === 404 ? 'unmatched' : 'other');
      const labels = { method: req.method, route, status: String(res.statusCode) };
      requests.inc(labels);
      duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    };
    res.on('finish', finish);
    res.on('close', finish);
    next();
  };
  return { registry, dependencyUp, middleware };
}

// The worker container's health check (docker-compose.yml): succeeds only when the worker answers
// GET /healthz on WORKER_METRICS_PORT with 200 — it runs and both of its pollers poll the task
// queue — within three seconds. A stopped, frozen, draining or failed worker fails the check.
const port = Number(process.env.WORKER_METRICS_PORT);
if (!Number.isInteger(port) || port <= 0) {
  console.error('worker health check: WORKER_METRICS_PORT is not set');
  process.exit(1);
}
try {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(3000) });
  const body = await res.text();
  if (!res.ok) console.error(`worker health check: ${res.status} ${body}`);
  process.exit(res.ok ? 0 : 1);
} catch (err) {
  console.error(`worker health check: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}

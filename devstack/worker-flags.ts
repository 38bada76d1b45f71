/**
 * Node flags every worker process runs with (the bench, `npm run stack:cluster`, and the worker
 * container's command in docker-compose.yml, which test/integration/compose.test.ts holds to these).
 * The V8 old space is bounded so that a worker serving 10,000 sleeping cases stays under 400 MB
 * resident after a midnight's burst: without a limit V8 sizes the heap from the machine's memory
 * and keeps what a burst made it grow to. The workflow cache (WORKER_MAX_CACHED_WORKFLOWS) is what
 * must fit in it; see the README, "Sizing a national deployment".
 */
export const WORKER_NODE_FLAGS = ['--max-old-space-size=256'] as const;

/**
 * Environment every worker process runs with, beside its flags (the same places hold it). glibc
 * gives each thread that allocates its own malloc arena (up to eight per core) and keeps what a
 * burst left in each: the Rust core's threads, libuv's and V8's made 16 of them. Two arenas cost
 * nothing measurable in the midnight drain and kept 51 MB off the resident set after it
 * (`npm run bench`, line (c), BENCH_WORKER_ENV to compare).
 */
export const WORKER_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };

/**
 * Gauges read from the case database at scrape time (one grouped query each, on indexed columns):
 * open cases per province and step, overdue steps, unresolved escalations per rung, e-mails by
 * status. A failed query leaves its gauge empty for that scrape (never stale figures) and counts
 * in case_metrics_errors_total; api_dependency_up from /readyz says why.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { PrismaClient } from '../../lib/db';

type Row = Record<string, string | number | bigint | null>;

export function registerCaseMetrics(registry: Registry, prisma: PrismaClient): void {
  if (registry.getSingleMetric('cases_open')) return;
  const errors = new Counter({
    name: 'case_metrics_errors_total',
    help: 'Scrapes in which a case-database gauge could not be read',
    labelNames: ['gauge'] as const,
    registers: [registry],
  });
  const fromDatabase = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    query: () => Promise<Row[]>,
  ) =>
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        let rows: Row[];
        try {
          rows = await query();
        } catch {
          errors.inc({ gauge: name });
          return;
        }
        for (const row of rows) {
          const labels = Object.fromEntries(labelNames.map((l) => [l, String(row[l] ?? '')])) as Record<
            L,
            string
          >;
          this.set(labels, Number(row.n));
        }
      },
    });

  fromDatabase(
    'cases_open',
    'Open cases, by province and current step of the circuit',
    ['province', 'step'] as const,
    () => prisma.$queryRaw<Row[]>`
      SELECT province_code AS province, step, count(*) AS n FROM cases WHERE status = 'open' GROUP BY 1, 2`,
  );
  fromDatabase(
    'steps_overdue',
    'Steps past their deadline and not done, by province (of the case) and step',
    ['province', 'step'] as const,
    () => prisma.$queryRaw<Row[]>`
      SELECT c.province_code AS province, s.step, count(*) AS n
        FROM step_records s JOIN cases c ON c.id = s.case_id
       WHERE s.completed_at IS NULL AND s.due_at < now()
       GROUP BY 1, 2`,
  );
  fromDatabase(
    'escalations_open',
    'Escalations fired whose step is still not done, by province, level and role of the rung',
    ['province', 'level', 'role'] as const,
    () => prisma.$queryRaw<Row[]>`
      SELECT c.province_code AS province, e.level::text AS level, e.role, count(*) AS n
        FROM escalations e JOIN cases c ON c.id = e.case_id
       WHERE e.resolved_at IS NULL
       GROUP BY 1, 2, 3`,
  );
  fromDatabase(
    'notifications',
    'E-mails in the outbox by kind and status (failed: never delivered; unconfirmed: sent, not confirmed)',
    ['kind', 'status'] as const,
    () => prisma.$queryRaw<Row[]>`
      SELECT kind, status::text AS status, count(*) AS n FROM notifications GROUP BY 1, 2`,
  );
}

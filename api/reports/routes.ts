/** GET /reports/provincial: the committee statistics of a province and period, as JSON or CSV. */
import { renderChart } from '../../activities/reports/charts';
import { statisticsCsv } from '../../activities/reports/csv';
import { reportCharts } from '../../activities/reports/render';
import { periodOf, PeriodError } from '../../activities/reports/period';
import { provincialStatistics } from '../../activities/reports/statistics';
import { loadProtocol } from '../../protocol';
import { authorize } from '../auth/policy';
import type { ApiDeps } from '../deps';
import { invalidField } from '../http/problem';
import type { Reply, Routes } from '../http/route';
import { z } from '../openapi/zod';
import { ChartParams, ChartQuery, ProvincialReportQuery, ProvincialStatisticsSchema } from './schemas';

export function reportRoutes(routes: Routes, deps: ApiDeps): void {
  /** The province and period of a statistics request, checked and authorised. */
  const periodFor = async (
    actor: Parameters<typeof authorize>[0],
    query: { province?: string | undefined; from: string; to: string },
  ) => {
    const province = query.province ?? actor.province;
    // An unknown province is bad input (400) before it is someone else's province (403).
    if (!(await deps.prisma.province.count({ where: { code: province } }))) {
      throw invalidField('query.province', 'unknown province');
    }
    authorize(actor, 'report.provincial', { province });
    try {
      return { province, period: periodOf(query.from, query.to, loadProtocol({ province }).timezone) };
    } catch (err) {
      if (err instanceof PeriodError) throw invalidField(`query.${err.field}`, err.message);
      throw err;
    }
  };

  routes.route({
    method: 'get',
    path: '/reports/provincial/charts/{chart}',
    operationId: 'provincialReportChart',
    summary: "One chart of the committee's statistics as PNG (the monthly report mail's charts)",
    description:
      '`onTime`: share of steps done on time; `casesPerStep`: cases per step at the end of the period. ' +
      'Drawn by the same code as the monthly report, in Arabic (right to left), French or English.',
    tag: 'reports',
    request: { params: ChartParams, query: ChartQuery },
    responses: {
      200: {
        description: 'the chart',
        schema: z.string().openapi({ format: 'binary' }),
        contentType: 'image/png',
      },
    },
    handle: async ({ actor, params, query }): Promise<Reply> => {
      const { province, period } = await periodFor(actor, query);
      const statistics = await provincialStatistics(deps.prisma, province, period);
      const chart = reportCharts(query.language, statistics)[params.chart];
      return {
        body: renderChart(chart),
        contentType: 'image/png',
        headers: { 'Cache-Control': 'private, max-age=300' },
      };
    },
  });

  routes.route({
    method: 'get',
    path: '/reports/provincial',
    operationId: 'provincialReport',
    summary:
      'Statistics of a province for a period [from, to), for the provincial committee (protocol.md §6)',
    description:
      'Reports by channel, category, sex and age band; cases per step, median time per step and the share ' +
      'of steps done on time; escalations per level; referrals per partner type with acknowledgement ' +
      'times; judicial notifications; leaving-care outcomes per axis. Counts only, never a child. The ' +
      'committee, coordinator and supervisors of a province read its statistics; inspection reads every ' +
      'province. JSON by default; CSV with `Accept: text/csv` or `format=csv`.',
    tag: 'reports',
    request: { query: ProvincialReportQuery },
    responses: {
      200: {
        description: 'the statistics',
        schema: ProvincialStatisticsSchema,
        alternatives: {
          'text/csv': z.string().openapi({
            description:
              'one figure per line: province,from,to,section,key,detail,measure,value (empty value: not computable)',
            example:
              'province,from,to,section,key,detail,measure,value\r\nDEMO,2026-10-01,2026-11-01,reports,,,total,6\r\n',
          }),
        },
      },
    },
    handle: async ({ actor, query, req }): Promise<Reply> => {
      const { province, period } = await periodFor(actor, query);
      const csv =
        query.format === 'csv' ||
        (query.format === undefined && req.accepts(['application/json', 'text/csv']) === 'text/csv');
      const statistics = await provincialStatistics(deps.prisma, province, period);
      // Who exported which figures: counts only, but still the committee's data.
      await deps.prisma.auditEvent.create({
        data: {
          actorType: 'staff',
          actorId: actor.id,
          action: 'report.provincial.read',
          entity: 'provincialReport',
          entityId: `${province}/${period.from}/${period.to}`,
          details: { province, from: period.from, to: period.to, format: csv ? 'csv' : 'json' },
        },
      });
      // The answer depends on Accept: caches must keep the two apart.
      if (!csv) return { body: statistics, headers: { Vary: 'Accept' } };
      return {
        body: statisticsCsv(statistics),
        contentType: 'text/csv; charset=utf-8',
        headers: {
          'Content-Disposition': `attachment; filename="provincial-${province}-${period.from}-${period.to}.csv"`,
          Vary: 'Accept',
        },
      };
    },
  });
}

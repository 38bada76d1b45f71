/**
 * The statistics as CSV in long form — one figure per line, `province,from,to,section,key,detail,
 * measure,value` — which a spreadsheet pivots without knowing the sections in advance. A figure
 * that cannot be computed (a median of nothing) is an empty cell.
 */
import type { ProvincialStatistics } from './definitions';

export const CSV_HEADER = ['province', 'from', 'to', 'section', 'key', 'detail', 'measure', 'value'] as const;

type Cell = string | number | null;

/** RFC 4180: quoted when it holds a comma, a quote or a line break. */
function cell(value: Cell): string {
  if (value === null) return '';
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function statisticsCsv(s: ProvincialStatistics): string {
  const rows: Cell[][] = [];
  const add = (section: string, key: Cell, detail: Cell, measure: string, value: Cell) =>
    rows.push([s.province, s.period.from, s.period.to, section, key, detail, measure, value]);

  add('cases', null, null, 'opened', s.cases.opened);
  add('cases', null, null, 'closed', s.cases.closed);
  add('reports', null, null, 'total', s.reports.total);
  for (const c of s.reports.byChannel) add('reports.channel', c.key, null, 'count', c.count);
  for (const c of s.reports.byCategory) add('reports.category', c.key, null, 'count', c.count);
  for (const c of s.reports.bySex) add('reports.sex', c.key, null, 'count', c.count);
  for (const c of s.reports.byAgeBand) add('reports.ageBand', c.key, null, 'count', c.count);
  for (const st of s.steps) {
    for (const measure of [
      'openAtEnd',
      'opened',
      'completed',
      'medianHours',
      'due',
      'onTime',
      'onTimeShare',
    ] as const) {
      add('steps', st.step, null, measure, st[measure]);
    }
  }
  add('escalations', null, null, 'total', s.escalations.total);
  for (const l of s.escalations.byLevel) add('escalations.level', l.level, null, 'count', l.count);
  for (const r of s.escalations.byRung) add('escalations.rung', r.level, r.role, 'count', r.count);
  for (const r of s.referrals) {
    for (const measure of [
      'requested',
      'acknowledged',
      'declined',
      'unanswered',
      'medianAcknowledgementHours',
      'acknowledgedWithinDeadline',
      'withinDeadlineShare',
    ] as const) {
      add('referrals', r.partnerType, null, measure, r[measure]);
    }
  }
  const j = s.judicialNotifications;
  for (const measure of ['required', 'acknowledged', 'onTime', 'onTimeShare', 'pending'] as const) {
    add('judicialNotifications', null, null, measure, j[measure]);
  }
  for (const o of s.leavingCare) add('leavingCare', o.axis, o.outcome, 'count', o.count);

  return [CSV_HEADER, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

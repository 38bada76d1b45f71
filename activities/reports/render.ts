/**
 * The monthly report mail for one recipient's language: an HTML summary (right-to-left in Arabic)
 * with two charts as inline PNG attachments (`cid:`), and a plain-text version. Counts only.
 */
import { addDays } from '../../protocol';
import { formatDate, type Language, type Rendered } from '../notifications/templates';
import { renderChart, type BarChart } from './charts';
import type { ProvincialStatistics } from './definitions';
import { REPORT_LABELS, type ReportLabels } from './labels';

export interface Attachment {
  contentId: string;
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface RenderedReport extends Rendered {
  attachments: Attachment[];
}

export const CHART_IDS = { onTime: 'on-time-share@report', casesPerStep: 'cases-per-step@report' } as const;

const fill = (template: string, values: Record<string, string>) =>
  template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const label = (table: Record<string, string>, code: string) => table[code] ?? code;

function formats(l: ReportLabels) {
  const locale = l.base.locale;
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  return {
    n: (v: number | null) => (v === null ? l.none : number.format(v)),
    pct: (v: number | null) => (v === null ? l.none : percent.format(v)),
  };
}

/** The two charts of a report, in a language: on-time share per step, cases per step at the end. */
export function reportCharts(
  language: Language,
  s: ProvincialStatistics,
): { onTime: BarChart; casesPerStep: BarChart } {
  const l = REPORT_LABELS[language];
  const f = formats(l);
  const stepName = (code: string) => label(l.base.steps, code);
  const fellDue = s.steps.filter((x) => x.due > 0);
  const open = s.steps.filter((x) => x.openAtEnd > 0);
  return {
    onTime: {
      title: l.charts.onTime,
      dir: l.base.dir,
      max: 1,
      colour: '#2e7d32',
      track: true,
      empty: l.charts.onTimeEmpty,
      rows: fellDue.map((x) => ({
        label: stepName(x.step),
        value: x.onTimeShare ?? 0,
        display: `${f.pct(x.onTimeShare)} (${f.n(x.onTime)}/${f.n(x.due)})`,
      })),
    },
    casesPerStep: {
      title: l.charts.casesPerStep,
      dir: l.base.dir,
      max: Math.max(1, ...open.map((x) => x.openAtEnd)),
      colour: '#1565c0',
      track: false,
      empty: l.charts.casesEmpty,
      rows: open.map((x) => ({ label: stepName(x.step), value: x.openAtEnd, display: f.n(x.openAtEnd) })),
    },
  };
}

interface Table {
  title: string;
  headers: string[];
  rows: string[][];
}

export function renderMonthlyReport(
  language: Language,
  m: { statistics: ProvincialStatistics; provinceName: string; month: string },
): RenderedReport {
  const l = REPORT_LABELS[language];
  const s = m.statistics;
  const f = formats(l);
  const dir = l.base.dir;
  const month = new Intl.DateTimeFormat(l.base.locale, {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${m.month}-15T12:00:00Z`));
  const subject = fill(l.subject, { province: m.provinceName, month });
  const lead = fill(l.lead, { province: m.provinceName, month });
  const note = fill(l.note, {
    from: formatDate(l.base, s.period.from),
    to: formatDate(l.base, addDays(s.period.to, -1)),
  });
  const counts = (
    title: string,
    names: Record<string, string>,
    rows: { key: string; count: number }[],
  ): Table => ({
    title,
    headers: ['', l.columns.count],
    rows: rows.map((r) => [label(names, r.key), f.n(r.count)]),
  });
  const tables: Table[] = [
    {
      title: l.sections.cases,
      headers: ['', l.columns.count],
      rows: [
        [l.cases.opened, f.n(s.cases.opened)],
        [l.cases.closed, f.n(s.cases.closed)],
        [l.cases.reports, f.n(s.reports.total)],
      ],
    },
    counts(`${l.sections.reports} — ${l.sections.byChannel}`, l.base.channels, s.reports.byChannel),
    counts(`${l.sections.reports} — ${l.sections.byCategory}`, l.categories, s.reports.byCategory),
    counts(`${l.sections.reports} — ${l.sections.bySex}`, l.sexes, s.reports.bySex),
    counts(`${l.sections.reports} — ${l.sections.byAgeBand}`, l.ageBands, s.reports.byAgeBand),
    {
      title: l.sections.steps,
      headers: [
        l.columns.step,
        l.columns.openAtEnd,
        l.columns.completed,
        l.columns.medianHours,
        l.columns.due,
        l.columns.onTimeShare,
      ],
      rows: s.steps
        .filter((x) => x.openAtEnd + x.opened + x.completed + x.due > 0)
        .map((x) => [
          label(l.base.steps, x.step),
          f.n(x.openAtEnd),
          f.n(x.completed),
          f.n(x.medianHours),
          f.n(x.due),
          f.pct(x.onTimeShare),
        ]),
    },
    {
      title: l.sections.escalations,
      headers: [l.columns.level, l.columns.role, l.columns.count],
      rows: s.escalations.byRung.map((r) => [f.n(r.level), label(l.base.roles, r.role), f.n(r.count)]),
    },
    {
      title: l.sections.referrals,
      headers: [
        l.columns.partnerType,
        l.columns.requested,
        l.columns.acknowledged,
        l.columns.declined,
        l.columns.unanswered,
        l.columns.medianAcknowledgementHours,
        l.columns.withinDeadlineShare,
      ],
      rows: s.referrals
        .filter((r) => r.requested > 0)
        .map((r) => [
          label(l.partnerTypes, r.partnerType),
          f.n(r.requested),
          f.n(r.acknowledged),
          f.n(r.declined),
          f.n(r.unanswered),
          f.n(r.medianAcknowledgementHours),
          f.pct(r.withinDeadlineShare),
        ]),
    },
    {
      title: l.sections.judicial,
      headers: ['', l.columns.count],
      rows: [
        [l.judicial.required, f.n(s.judicialNotifications.required)],
        [l.judicial.acknowledged, f.n(s.judicialNotifications.acknowledged)],
        [
          l.judicial.onTime,
          `${f.n(s.judicialNotifications.onTime)} (${f.pct(s.judicialNotifications.onTimeShare)})`,
        ],
        [l.judicial.pending, f.n(s.judicialNotifications.pending)],
      ],
    },
    {
      title: l.sections.leavingCare,
      headers: [l.columns.axis, ...Object.values(l.outcomes)],
      rows: [...new Set(s.leavingCare.map((o) => o.axis))].map((axis) => [
        label(l.axes, axis),
        ...Object.keys(l.outcomes).map((outcome) =>
          f.n(s.leavingCare.find((o) => o.axis === axis && o.outcome === outcome)?.count ?? 0),
        ),
      ]),
    },
  ];

  const charts = reportCharts(language, s);
  const attachments: Attachment[] = [
    {
      contentId: CHART_IDS.onTime,
      filename: `on-time-share-${s.province}-${m.month}-${language}.png`,
      contentType: 'image/png',
      content: renderChart(charts.onTime),
    },
    {
      contentId: CHART_IDS.casesPerStep,
      filename: `cases-per-step-${s.province}-${m.month}-${language}.png`,
      contentType: 'image/png',
      content: renderChart(charts.casesPerStep),
    },
  ];

  const align = dir === 'rtl' ? 'right' : 'left';
  const htmlTable = (t: Table) =>
    `<h3>${escapeHtml(t.title)}</h3>` +
    (t.rows.length === 0
      ? `<p>${escapeHtml(l.none)}</p>`
      : `<table dir="${dir}" border="1" cellpadding="4" cellspacing="0" style="border-collapse:collapse">` +
        `<tr>${t.headers.map((h) => `<th style="text-align:${align}">${escapeHtml(h)}</th>`).join('')}</tr>` +
        t.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('') +
        '</table>');
  const image = (id: string, alt: string) =>
    `<p><img src="cid:${id}" alt="${escapeHtml(alt)}" width="720" style="max-width:100%"></p>`;
  const html =
    `<!doctype html><html lang="${language}" dir="${dir}"><head><meta charset="utf-8">` +
    `<title>${escapeHtml(subject)}</title></head>` +
    `<body dir="${dir}" style="font-family:sans-serif;text-align:${align}">` +
    `<h2>${escapeHtml(lead)}</h2><p>${escapeHtml(note)}</p>` +
    image(CHART_IDS.onTime, charts.onTime.title) +
    image(CHART_IDS.casesPerStep, charts.casesPerStep.title) +
    tables.map(htmlTable).join('') +
    '</body></html>';
  const text = [
    lead,
    note,
    '',
    ...tables.flatMap((t) => [
      `== ${t.title}`,
      ...(t.rows.length === 0
        ? [l.none]
        : t.rows.map((r) => r.map((c, i) => (t.headers[i] ? `${t.headers[i]}: ${c}` : c)).join(' | '))),
      '',
    ]),
  ].join('\n');
  return { subject, text, html, attachments };
}

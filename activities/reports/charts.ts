/**
 * Horizontal bar charts as PNG, drawn as SVG and rasterised by resvg with fonts from the machine
 * (Debian's fonts-noto-core; DejaVu Sans, which also has Arabic, as the fallback) — no browser, no
 * network. resvg shapes text with HarfBuzz's rules (rustybuzz) and orders it with the Unicode
 * bidirectional algorithm, so Arabic letters join as they should and a right-to-left chart reads
 * from the right: labels on the right, bars growing to the left.
 *
 * The geometry is exported (CHART) so a test can find each bar's pixels in the PNG.
 */
import fs from 'node:fs';
import { Resvg } from '@resvg/resvg-js';

export const CHART = {
  width: 720,
  /** Title band. */
  top: 56,
  rowHeight: 30,
  barHeight: 18,
  bottom: 16,
  /** Outer margin, label column, gap between label and bar. */
  margin: 16,
  labelWidth: 300,
  gap: 10,
  /** Longest bar (the chart's maximum value). */
  barMax: 300,
  fontSize: 13,
  titleSize: 16,
} as const;

export const COLOURS = {
  background: '#ffffff',
  track: '#e8e8e8',
  text: '#212121',
  muted: '#616161',
} as const;

export interface BarChart {
  title: string;
  dir: 'ltr' | 'rtl';
  /** Value of a full-length bar (1 for shares). */
  max: number;
  /** Bar colour, `#rrggbb`. */
  colour: string;
  /** Draw the full-length track behind each bar (for shares: the bar is a part of the whole). */
  track: boolean;
  rows: { label: string; value: number; display: string }[];
  /** Shown instead of bars when there are no rows. */
  empty: string;
}

interface FontSet {
  files: string[];
  latin: string;
  arabic: string;
}

/** Font files, best first: Noto (Latin and Arabic faces), else DejaVu Sans (one face with both). */
const FONT_SETS: FontSet[] = [
  {
    files: [
      '/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf',
      '/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf',
      '/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf',
      '/usr/share/fonts/truetype/noto/NotoSansArabic-Bold.ttf',
    ],
    latin: 'Noto Sans',
    arabic: 'Noto Sans Arabic',
  },
  {
    files: [
      '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
      '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
    ],
    latin: 'DejaVu Sans',
    arabic: 'DejaVu Sans',
  },
];

let fonts: FontSet | undefined;
export function chartFonts(): FontSet {
  fonts ??= FONT_SETS.find((set) => set.files.every((f) => fs.existsSync(f)));
  if (!fonts) {
    throw new Error(
      'no font with Arabic for the report charts: install Debian fonts-noto-core (or fonts-dejavu-core)',
    );
  }
  return fonts;
}

const ARABIC = /[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]/;

const escapeXml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );

/** Text for the rasteriser: bidi marks (Intl puts some around "%" in Arabic) have no glyph to draw. */
const plain = (s: string) => s.replace(/[\u200E\u200F\u061C]/g, '');

export function chartHeight(rows: number): number {
  return CHART.top + Math.max(rows, 1) * CHART.rowHeight + CHART.bottom;
}

/** Where the bar of row `i` is drawn for `value`: [x0, x1) in pixels, and its vertical band. */
export function barGeometry(chart: Pick<BarChart, 'dir' | 'max'>, i: number, value: number) {
  const length = chart.max > 0 ? Math.round((Math.min(value, chart.max) / chart.max) * CHART.barMax) : 0;
  const y = CHART.top + i * CHART.rowHeight + (CHART.rowHeight - CHART.barHeight) / 2;
  if (chart.dir === 'ltr') {
    const x0 = CHART.margin + CHART.labelWidth + CHART.gap;
    return { x0, x1: x0 + length, y0: y, y1: y + CHART.barHeight, trackX0: x0, trackX1: x0 + CHART.barMax };
  }
  const right = CHART.width - CHART.margin - CHART.labelWidth - CHART.gap;
  return {
    x0: right - length,
    x1: right,
    y0: y,
    y1: y + CHART.barHeight,
    trackX0: right - CHART.barMax,
    trackX1: right,
  };
}

export function chartSvg(chart: BarChart): string {
  const f = chartFonts();
  const rtl = chart.dir === 'rtl';
  const family = (s: string) => (ARABIC.test(s) ? f.arabic : f.latin);
  // Anchors are given in screen terms (left or right edge), whatever the text's direction.
  const text = (s: string, x: number, y: number, edge: 'left' | 'right', size: number, extra = '') =>
    `<text x="${x}" y="${y}" font-family="${family(s)}" font-size="${size}" fill="${COLOURS.text}" ` +
    `text-anchor="${edge === 'left' ? 'start' : 'end'}"${rtl ? ' direction="rtl"' : ''} ${extra}>${escapeXml(plain(s))}</text>`;
  const height = chartHeight(chart.rows.length);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART.width}" height="${height}" viewBox="0 0 ${CHART.width} ${height}">`,
    `<rect x="0" y="0" width="${CHART.width}" height="${height}" fill="${COLOURS.background}"/>`,
    rtl
      ? text(chart.title, CHART.width - CHART.margin, 32, 'right', CHART.titleSize, 'font-weight="bold"')
      : text(chart.title, CHART.margin, 32, 'left', CHART.titleSize, 'font-weight="bold"'),
  ];
  if (chart.rows.length === 0) {
    const y = CHART.top + CHART.rowHeight / 2 + 5;
    parts.push(
      rtl
        ? text(chart.empty, CHART.width - CHART.margin, y, 'right', CHART.fontSize)
        : text(chart.empty, CHART.margin, y, 'left', CHART.fontSize),
    );
  }
  chart.rows.forEach((row, i) => {
    const g = barGeometry(chart, i, row.value);
    const baseline = g.y0 + CHART.barHeight / 2 + 5;
    if (chart.track) {
      parts.push(
        `<rect x="${g.trackX0}" y="${g.y0}" width="${g.trackX1 - g.trackX0}" height="${CHART.barHeight}" fill="${COLOURS.track}" shape-rendering="crispEdges"/>`,
      );
    }
    if (g.x1 > g.x0) {
      parts.push(
        `<rect x="${g.x0}" y="${g.y0}" width="${g.x1 - g.x0}" height="${CHART.barHeight}" fill="${chart.colour}" shape-rendering="crispEdges"/>`,
      );
    }
    const valueEdge = chart.track ? (rtl ? g.trackX0 : g.trackX1) : rtl ? g.x0 : g.x1;
    if (rtl) {
      parts.push(text(row.label, CHART.width - CHART.margin, baseline, 'right', CHART.fontSize));
      parts.push(text(row.display, valueEdge - 6, baseline, 'right', CHART.fontSize));
    } else {
      parts.push(text(row.label, CHART.margin + CHART.labelWidth, baseline, 'right', CHART.fontSize));
      parts.push(text(row.display, valueEdge + 6, baseline, 'left', CHART.fontSize));
    }
  });
  parts.push('</svg>');
  return parts.join('\n');
}

export function renderChart(chart: BarChart): Buffer {
  const f = chartFonts();
  const resvg = new Resvg(chartSvg(chart), {
    font: { loadSystemFonts: false, fontFiles: f.files, defaultFontFamily: f.latin },
    shapeRendering: 2,
    textRendering: 1,
  });
  return resvg.render().asPng();
}

/**
 * The report's charts as real PNG files: decoded, measured, bars found where the layout puts them,
 * Arabic shaped (letters joined) and laid out right to left. Samples are kept in
 * test-results/charts/ to look at.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { CHART, chartFonts, renderChart, type BarChart } from '../../../activities/reports/charts';
import type { ProvincialStatistics } from '../../../activities/reports/definitions';
import { reportCharts } from '../../../activities/reports/render';

const OUT = path.resolve(__dirname, '..', '..', '..', 'test-results', 'charts');

/** Steps as the statistics give them: [step, open at the end, fell due, on time]. */
const STEPS: [string, number, number, number][] = [
  ['screening', 1, 6, 3],
  ['emergency', 0, 1, 1],
  ['judicialNotification', 1, 2, 1],
  ['assessment', 2, 4, 2],
  ['planDraft', 0, 1, 0],
  ['planApproval', 0, 0, 0],
  ['referralAcknowledgement', 1, 4, 3],
  ['closureApproval', 0, 1, 0],
];
const statistics = {
  steps: STEPS.map(([step, openAtEnd, due, onTime]) => ({
    step,
    openAtEnd,
    opened: 0,
    completed: 0,
    medianHours: null,
    due,
    onTime,
    onTimeShare: due ? onTime / due : null,
  })),
} as unknown as ProvincialStatistics;

const decode = (png: Buffer) => PNG.sync.read(png);
const hex = (img: PNG, x: number, y: number) => {
  const i = (y * img.width + x) * 4;
  return `#${[img.data[i], img.data[i + 1], img.data[i + 2]].map((v) => (v ?? 0).toString(16).padStart(2, '0')).join('')}`;
};
/** Columns along row y whose pixel has exactly this colour. */
const columnsOf = (img: PNG, y: number, colour: string) =>
  Array.from({ length: img.width }, (_, x) => x).filter((x) => hex(img, x, y) === colour);
/** Horizontal extent of the non-white pixels between two rows. */
function ink(img: PNG, y0: number, y1: number): { min: number; max: number } {
  let min = img.width;
  let max = -1;
  for (let y = y0; y < y1; y += 1) {
    for (let x = 0; x < img.width; x += 1) {
      if (hex(img, x, y) !== '#ffffff') {
        min = Math.min(min, x);
        max = Math.max(max, x);
      }
    }
  }
  return { min, max };
}

beforeAll(() => fs.mkdirSync(OUT, { recursive: true }));

describe('report charts', () => {
  it.each(['fr', 'ar'] as const)(
    'draws the on-time share per step (%s) as a PNG of the expected size',
    (language) => {
      const chart = reportCharts(language, statistics).onTime;
      const png = renderChart(chart);
      fs.writeFileSync(path.join(OUT, `on-time-share-${language}.png`), png);
      const img = decode(png);
      // Seven steps fell due (planApproval did not): 56 (title) + 7 × 30 + 16 = 282 pixels high.
      expect([img.width, img.height]).toEqual([720, 282]);
      // Each bar is share × 300 pixels long, on the right of the labels in French (from x = 16 + 300 + 10
      // = 326) and on their left in Arabic (ending at x = 720 − 16 − 300 − 10 = 394).
      const shares = [3 / 6, 1, 1 / 2, 2 / 4, 0, 3 / 4, 0];
      shares.forEach((share, i) => {
        const y = CHART.top + i * CHART.rowHeight + CHART.rowHeight / 2;
        const bar = columnsOf(img, y, chart.colour);
        expect([i, bar.length]).toEqual([i, Math.round(share * 300)]);
        if (bar.length) {
          if (language === 'fr') expect([bar[0], bar[bar.length - 1]]).toEqual([326, 326 + bar.length - 1]);
          else expect([bar[0], bar[bar.length - 1]]).toEqual([394 - bar.length, 393]);
        }
      });
      // The title starts at the left margin in French, at the right margin in Arabic.
      const title = ink(img, 10, 40);
      if (language === 'fr') expect(title.min).toBeLessThan(CHART.margin + 4);
      else expect(title.max).toBeGreaterThan(720 - CHART.margin - 4);
    },
  );

  it.each(['fr', 'ar'] as const)('draws the cases per step at the end of the period (%s)', (language) => {
    const chart = reportCharts(language, statistics).casesPerStep;
    const png = renderChart(chart);
    fs.writeFileSync(path.join(OUT, `cases-per-step-${language}.png`), png);
    const img = decode(png);
    // Four steps open (screening 1, judicial 1, assessment 2, referral acknowledgement 1): 56 + 4 × 30 + 16.
    expect([img.width, img.height]).toEqual([720, 192]);
    // The longest bar is the maximum (assessment, 2 cases): 300 pixels; one case is 150.
    const lengths = [0, 1, 2, 3].map(
      (i) => columnsOf(img, CHART.top + i * CHART.rowHeight + CHART.rowHeight / 2, chart.colour).length,
    );
    expect(lengths).toEqual([150, 150, 300, 150]);
  });

  it('says so when there is nothing to draw', () => {
    const chart = reportCharts('fr', { steps: [] } as unknown as ProvincialStatistics).onTime;
    const img = decode(renderChart(chart));
    expect(img.height).toBe(CHART.top + CHART.rowHeight + CHART.bottom);
    expect(ink(img, CHART.top, CHART.top + CHART.rowHeight).max).toBeGreaterThan(100); // the sentence
  });

  it('shapes Arabic: joined letters, not the isolated forms', () => {
    const word = 'الاستقبال والاستماع';
    // U+200C (zero-width non-joiner) between letters forces every letter into its isolated form.
    const isolated = [...word].join('\u200c');
    const width = (title: string) => {
      const chart: BarChart = {
        title,
        dir: 'rtl',
        max: 1,
        colour: '#000000',
        track: false,
        rows: [],
        empty: '',
      };
      const img = decode(renderChart(chart));
      const { min, max } = ink(img, 10, 40);
      return max - min;
    };
    const joined = width(word);
    const apart = width(isolated);
    // Joined (initial and medial) forms are narrower than the isolated letters side by side.
    expect(joined).toBeGreaterThan(60);
    expect(apart).toBeGreaterThan(joined * 1.15);
  });

  it('uses a font with Arabic letters from the machine', () => {
    const fonts = chartFonts();
    expect(fonts.files.every((f) => fs.existsSync(f))).toBe(true);
  });
});

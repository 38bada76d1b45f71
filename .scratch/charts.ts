import fs from 'node:fs';
import { renderChart } from '../activities/reports/charts';
import { reportCharts } from '../activities/reports/render';
const steps = [
  ['screening', 1, 6, 3], ['emergency', 0, 1, 1], ['judicialNotification', 1, 2, 1], ['assessment', 2, 4, 2],
  ['planDraft', 0, 1, 0], ['referralAcknowledgement', 1, 4, 3], ['closureApproval', 0, 1, 0],
].map(([step, openAtEnd, due, onTime]) => ({ step: step as string, openAtEnd: openAtEnd as number, opened: 0, completed: 0, medianHours: null, due: due as number, onTime: onTime as number, onTimeShare: (onTime as number) / (due as number) }));
const s = { steps } as never;
for (const lang of ['fr', 'ar'] as const) {
  const c = reportCharts(lang, s);
  fs.writeFileSync(`/tmp/rtest/ontime-${lang}.png`, renderChart(c.onTime));
  fs.writeFileSync(`/tmp/rtest/cases-${lang}.png`, renderChart(c.casesPerStep));
}

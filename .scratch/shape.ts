import fs from 'node:fs';
import { renderChart } from '../activities/reports/charts';
const word = 'الاستقبال والاستماع';
for (const [name, title] of [['joined', word], ['isolated', [...word].join('\u200c')]] as const) {
  fs.writeFileSync(`/tmp/rtest/${name}.png`, renderChart({ title, dir: 'rtl', max: 1, colour: '#000000', track: false, rows: [], empty: '' }));
}

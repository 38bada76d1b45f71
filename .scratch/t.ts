import { Resvg } from '@resvg/resvg-js';
import fs from 'node:fs';
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="250">
<rect width="600" height="250" fill="white"/>
<text x="580" y="60" font-family="Noto Sans" font-size="28" text-anchor="end" direction="rtl">المصادقة (DEMO) 12 ٪</text>
<text x="580" y="120" font-family="Noto Sans Arabic" font-size="28" text-anchor="end" direction="rtl">المصادقة (DEMO) 12</text>
<text x="580" y="180" font-family="DejaVu Sans" font-size="28" text-anchor="end" direction="rtl">المصادقة (DEMO) 12 %</text>
<text x="580" y="240" font-size="28" text-anchor="end" direction="rtl">المصادقة (DEMO) 12 %</text>
</svg>`;
const r = new Resvg(svg, { font: { loadSystemFonts: false, fontFiles: ['/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf','/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf','/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'], defaultFontFamily: 'Noto Sans' } });
fs.writeFileSync('/tmp/rtest/t.png', r.render().asPng());

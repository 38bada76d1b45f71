// Estimates Morocco's lunar public holidays for years the ministry has not announced yet, and
// writes protocol/calendar/<year>.json with the fixed holidays exact and the lunar ones marked
// `status: "estimated"`. Usage: `npx tsx scripts/lunar-holidays.ts 2028 2032` (existing files are
// left alone unless --force).
//
// Rule (the one behind the shipped 2026–2027 estimates): a Hijri month starts the day after the
// first evening on which the moon is at least MIN_AGE_HOURS old at sunset in Casablanca (a
// naked-eye sighting; Morocco often trails Saudi Arabia by a day). New moons: Meeus, Astronomical
// Algorithms ch. 49 (periodic terms only, ~1 minute). Sunset: NOAA's approximation (~2 minutes).
// Checked against the announced 2025 dates and the 2026–2027 estimates: see the unit test.

import fs from 'node:fs';
import path from 'node:path';
import { type CalendarFile, type Holiday } from '../protocol/holiday-calendar';

const MIN_AGE_HOURS = 20;
const CASABLANCA = { lat: 33.57, lon: -7.59 };
const DAY_MS = 86_400_000;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Instant of the k-th new moon after 6 January 2000 (Meeus 49.1 with the new-moon corrections). */
export function newMoon(k: number): Date {
  const T = k / 1236.85;
  const jde =
    2451550.09766 + 29.530588861 * k + 0.00015437 * T ** 2 - 0.00000015 * T ** 3 + 0.00000000073 * T ** 4;
  const E = 1 - 0.002516 * T - 0.0000074 * T ** 2;
  const M = rad(2.5534 + 29.1053567 * k - 0.0000014 * T ** 2 - 0.00000011 * T ** 3);
  const Mp = rad(
    201.5643 + 385.81693528 * k + 0.0107582 * T ** 2 + 0.00001238 * T ** 3 - 0.000000058 * T ** 4,
  );
  const F = rad(160.7108 + 390.67050284 * k - 0.0016118 * T ** 2 - 0.00000227 * T ** 3);
  const O = rad(124.7746 - 1.56375588 * k + 0.0020672 * T ** 2 + 0.00000215 * T ** 3);
  const s = Math.sin;
  const correction =
    -0.4072 * s(Mp) +
    0.17241 * E * s(M) +
    0.01608 * s(2 * Mp) +
    0.01039 * s(2 * F) +
    0.00739 * E * s(Mp - M) -
    0.00514 * E * s(Mp + M) +
    0.00208 * E * E * s(2 * M) -
    0.00111 * s(Mp - 2 * F) -
    0.00057 * s(Mp + 2 * F) +
    0.00056 * E * s(2 * Mp + M) -
    0.00042 * s(3 * Mp) +
    0.00042 * E * s(M + 2 * F) +
    0.00038 * E * s(M - 2 * F) -
    0.00024 * E * s(2 * Mp - M) -
    0.00017 * s(O) -
    0.00007 * s(Mp + 2 * M) +
    0.00004 * s(2 * Mp - 2 * F) +
    0.00004 * s(3 * M) +
    0.00003 * s(Mp + M - 2 * F) +
    0.00003 * s(2 * Mp + 2 * F) -
    0.00003 * s(Mp + M + 2 * F) +
    0.00003 * s(Mp - M + 2 * F) -
    0.00002 * s(Mp - M - 2 * F) -
    0.00002 * s(3 * Mp + M) +
    0.00002 * s(4 * Mp);
  // Julian day -> Unix ms (TT taken as UTC: ~70 s apart, far below the sighting margin).
  return new Date((jde + correction - 2440587.5) * DAY_MS);
}

/** Sunset in Casablanca on a UTC calendar date (NOAA approximation, altitude -0.833°). */
export function sunset(date: string): Date {
  const noon = Date.parse(`${date}T12:00:00Z`);
  const jc = (noon / DAY_MS + 2440587.5 - 2451545) / 36525;
  const L0 = (280.46646 + jc * (36000.76983 + jc * 0.0003032)) % 360;
  const M = 357.52911 + jc * (35999.05029 - 0.0001537 * jc);
  const e = 0.016708634 - jc * (0.000042037 + 0.0000001267 * jc);
  const C =
    Math.sin(rad(M)) * (1.914602 - jc * (0.004817 + 0.000014 * jc)) +
    Math.sin(rad(2 * M)) * (0.019993 - 0.000101 * jc) +
    Math.sin(rad(3 * M)) * 0.000289;
  const lambda = L0 + C - 0.00569 - 0.00478 * Math.sin(rad(125.04 - 1934.136 * jc));
  const eps0 = 23 + (26 + (21.448 - jc * (46.815 + jc * (0.00059 - jc * 0.001813))) / 60) / 60;
  const eps = eps0 + 0.00256 * Math.cos(rad(125.04 - 1934.136 * jc));
  const decl = Math.asin(Math.sin(rad(eps)) * Math.sin(rad(lambda)));
  const y = Math.tan(rad(eps / 2)) ** 2;
  const eqTime =
    4 *
    (180 / Math.PI) *
    (y * Math.sin(2 * rad(L0)) -
      2 * e * Math.sin(rad(M)) +
      4 * e * y * Math.sin(rad(M)) * Math.cos(2 * rad(L0)) -
      0.5 * y * y * Math.sin(4 * rad(L0)) -
      1.25 * e * e * Math.sin(2 * rad(M)));
  const lat = rad(CASABLANCA.lat);
  const ha =
    (180 / Math.PI) *
    Math.acos(Math.cos(rad(90.833)) / (Math.cos(lat) * Math.cos(decl)) - Math.tan(lat) * Math.tan(decl));
  const minutesUtc = 720 - 4 * (CASABLANCA.lon - ha) - eqTime;
  return new Date(Date.parse(`${date}T00:00:00Z`) + minutesUtc * 60_000);
}

const isoDate = (t: number) => new Date(t).toISOString().slice(0, 10);
const addDays = (date: string, n: number) => isoDate(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS);

/** First day of the Hijri month that begins with the new moon k. */
export function monthStart(k: number): string {
  const conjunction = newMoon(k);
  for (let day = isoDate(conjunction.getTime()); ; day = addDays(day, 1)) {
    const set = sunset(day);
    if (set.getTime() - conjunction.getTime() >= MIN_AGE_HOURS * 3_600_000) return addDays(day, 1);
  }
}

// Anchor: 1 Shawwal 1446 was 31 March 2025 (announced), the month of the new moon of 29 March 2025.
const ANCHOR = { k: Math.round((Date.UTC(2025, 2, 29) / DAY_MS + 2440587.5 - 2451550.09766) / 29.530588861) };
const ANCHOR_MONTH = 10; // Shawwal
const ANCHOR_YEAR = 1446;

export interface LunarHoliday {
  date: string;
  name: string;
}

/** Estimated lunar holidays falling in a Gregorian year. */
export function lunarHolidays(year: number): LunarHoliday[] {
  const found: LunarHoliday[] = [];
  const first = ANCHOR.k + Math.floor(((year - 2025) * 365.25 - 60) / 29.530588861);
  for (let k = first; k < first + 16; k += 1) {
    const index = k - ANCHOR.k + (ANCHOR_MONTH - 1);
    const month = (((index % 12) + 12) % 12) + 1;
    const hijri = ANCHOR_YEAR + Math.floor(index / 12);
    const start = monthStart(k);
    const days: [number, string][] = [];
    if (month === 10) days.push([0, `Eid al-Fitr ${hijri} (day 1)`], [1, `Eid al-Fitr ${hijri} (day 2)`]);
    if (month === 12) days.push([9, `Eid al-Adha ${hijri} (day 1)`], [10, `Eid al-Adha ${hijri} (day 2)`]);
    if (month === 1) days.push([0, `Islamic New Year ${hijri} (1 Muharram)`]);
    if (month === 3) {
      days.push([11, `Prophet's Birthday ${hijri} (day 1)`], [12, `Prophet's Birthday ${hijri} (day 2)`]);
    }
    for (const [offset, name] of days) {
      const date = addDays(start, offset);
      if (date.startsWith(`${year}-`)) found.push({ date, name });
    }
  }
  return found;
}

const FIXED: [string, string][] = [
  ['01-01', "New Year's Day"],
  ['01-11', 'Proclamation of Independence Manifesto'],
  ['01-14', 'Amazigh New Year (Yennayer)'],
  ['05-01', 'Labour Day'],
  ['07-30', 'Throne Day'],
  ['08-14', 'Oued Eddahab Day'],
  ['08-20', 'Revolution of the King and the People'],
  ['08-21', 'Youth Day'],
  ['10-31', 'Unity Day (Eid al-Wahda)'],
  ['11-06', 'Green March'],
  ['11-18', 'Independence Day'],
];

export function calendarFile(year: number): CalendarFile {
  const holidays: Holiday[] = [
    ...FIXED.map(([md, name]): Holiday => ({ date: `${year}-${md}`, name, kind: 'fixed' })),
    ...lunarHolidays(year).map((h): Holiday => ({
      date: h.date,
      name: h.name,
      kind: 'lunar',
      status: 'estimated',
    })),
  ].sort((a, b) => a.date.localeCompare(b.date));
  return {
    year,
    notes:
      `Lunar dates are estimates computed by scripts/lunar-holidays.ts (astronomical new moon; a month starts ` +
      `the day after the first evening the moon is ${MIN_AGE_HOURS} h old at sunset in Casablanca). Replace each ` +
      `with the ministry's announcement, set status to 'announced', and add any exceptional day off.`,
    holidays,
  };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  const [from, to] = args.filter((a) => a !== '--force').map(Number);
  if (!from || !Number.isInteger(from)) {
    console.error('usage: tsx scripts/lunar-holidays.ts <fromYear> [toYear] [--force]');
    process.exit(2);
  }
  for (let year = from; year <= (to ?? from); year += 1) {
    const file = path.resolve(__dirname, '..', 'protocol', 'calendar', `${year}.json`);
    if (fs.existsSync(file) && !force) {
      console.log(`${year}: ${path.relative(process.cwd(), file)} exists, left alone`);
      continue;
    }
    fs.writeFileSync(file, `${JSON.stringify(calendarFile(year), null, 2)}\n`);
    console.log(`${year}: wrote ${path.relative(process.cwd(), file)}`);
  }
}

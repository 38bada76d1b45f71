// `npm run protocol:impact -- <file>`: what a new or edited protocol version, province override or
// holiday calendar file would do to the cases in the database, before it is deployed. Reads only:
// the file is tried in a temporary copy of the protocol (or calendar) folder.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PrismaClient } from '../generated/prisma/client';
import {
  addWorkingDays,
  buildHolidayCalendar,
  calendarDir,
  describeChanges,
  dayEndedBy,
  listProtocolVersions,
  localDateOf,
  loadProtocol,
  parseCalendarFile,
  planLadder,
  protocolDir,
  protocolHash,
  readCalendarFiles,
  rulesDifference,
  selectProtocol,
  startOfLocalDay,
  STEP_CODES,
  toLocal,
  type Duration,
  type HolidayCalendar,
  type ProtocolDefinition,
} from '../protocol';
import { pinnedGroups } from './protocol-pins';

export interface ImpactOptions {
  /** The protocol folder in use (default PROTOCOL_DIR, then protocol/). */
  protocolDir?: string;
  /** The calendar folder in use (default CALENDAR_DIR, then protocol/calendar). */
  calendarDir?: string;
  /** Rungs before this instant have fired (default now). */
  now?: Date;
}

type FileKind =
  | { kind: 'version'; version: number }
  | { kind: 'override'; province: string; version?: number }
  | { kind: 'calendar'; year: number };

function kindOf(file: string, content: unknown): FileKind {
  const base = path.basename(file);
  const obj = (content ?? {}) as Record<string, unknown>;
  const cal = /^(\d{4})\.json$/.exec(base);
  if (cal || ('holidays' in obj && 'year' in obj)) return { kind: 'calendar', year: Number(obj.year) };
  const version = /^v([1-9]\d*)\.json$/.exec(base);
  if (version) return { kind: 'version', version: Number(version[1]) };
  const override = /^([A-Za-z0-9][A-Za-z0-9_-]*)(?:\.v([1-9]\d*))?\.json$/.exec(base);
  if (override) {
    return {
      kind: 'override',
      province: override[1]!,
      ...(override[2] ? { version: Number(override[2]) } : {}),
    };
  }
  throw new Error(
    `${file}: expected versions/v<N>.json, provinces/<code>.json, provinces/<code>.v<N>.json or calendar/<year>.json`,
  );
}

/** The lines the command prints. Throws (naming file, path and value) on a file that does not validate. */
export async function protocolImpact(
  prisma: PrismaClient,
  file: string,
  options: ImpactOptions = {},
): Promise<string[]> {
  const text = fs.readFileSync(file, 'utf8');
  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: invalid JSON: ${(e as Error).message}`);
  }
  const kind = kindOf(file, content);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'protocol-impact-'));
  try {
    if (kind.kind === 'calendar')
      return await calendarImpact(prisma, file, text, kind.year, scratch, options);
    return await rulesImpact(prisma, file, text, kind, scratch, options);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

// ---- versions and province overrides -------------------------------------------------------------

function formatDuration(d: Duration): string {
  const [unit, n] = Object.entries(d)[0] as [string, number];
  const words: Record<string, string> = {
    minutes: 'minute',
    hours: 'hour',
    days: 'day',
    months: 'month',
    workingDays: 'working day',
  };
  return `${n} ${words[unit] ?? unit}${n === 1 ? '' : 's'}`;
}

/** Every deadline a step can take, by label: 'assessment (LOW)', 'screening (urgent)', 'serviceStart (medical)'. */
function deadlines(p: ProtocolDefinition): Map<string, string> {
  const out = new Map<string, string>();
  for (const step of STEP_CODES) {
    const rule = p.steps[step].deadline;
    if ('byRisk' in rule) {
      for (const [risk, d] of Object.entries(rule.byRisk))
        if (d) out.set(`${step} (${risk})`, formatDuration(d));
    } else if ('urgent' in rule) {
      out.set(`${step} (urgent)`, formatDuration(rule.urgent));
      out.set(`${step} (normal)`, formatDuration(rule.normal));
    } else if ('perService' in rule) {
      for (const [service, s] of Object.entries(p.services))
        out.set(`${step} (${service})`, formatDuration(s.startWithin));
    } else {
      out.set(step, formatDuration(rule));
    }
  }
  return out;
}

function stepLines(before: ProtocolDefinition, after: ProtocolDefinition): string[] {
  const a = deadlines(before);
  const b = deadlines(after);
  const lines: string[] = [];
  for (const label of [...new Set([...a.keys(), ...b.keys()])]) {
    const [x, y] = [a.get(label) ?? '(none)', b.get(label) ?? '(none)'];
    if (x !== y) lines.push(`    ${label}: ${x} → ${y}`);
  }
  // Everything else that differs (ladders, codes, leaving care), by path.
  const others = rulesDifference(before, after).filter(
    (c) =>
      c.path !== 'version' &&
      c.path !== 'effectiveFrom' &&
      !/^steps\.[A-Za-z]+\.deadline(\.|$)/.test(c.path) &&
      !/^services\.[A-Za-z]+\.startWithin(\.|$)/.test(c.path),
  );
  lines.push(...describeChanges(others).map((l) => `    ${l}`));
  return lines.length ? lines : ['    (no rule changes)'];
}

function copyProtocol(scratch: string, from: string): string {
  const dir = path.join(scratch, 'protocol');
  for (const sub of ['versions', 'provinces']) {
    const src = path.join(from, sub);
    if (fs.existsSync(src)) fs.cpSync(src, path.join(dir, sub), { recursive: true });
    else fs.mkdirSync(path.join(dir, sub), { recursive: true });
  }
  return dir;
}

async function rulesImpact(
  prisma: PrismaClient,
  file: string,
  text: string,
  kind: Extract<FileKind, { kind: 'version' | 'override' }>,
  scratch: string,
  options: ImpactOptions,
): Promise<string[]> {
  const current = protocolDir(options.protocolDir);
  const proposed = copyProtocol(scratch, current);
  const target =
    kind.kind === 'version'
      ? path.join(proposed, 'versions', `v${kind.version}.json`)
      : path.join(proposed, 'provinces', path.basename(file));
  fs.writeFileSync(target, text);

  const versions = listProtocolVersions(proposed);
  const groups = await pinnedGroups(prisma);
  const provinces = (
    await prisma.province.findMany({ select: { code: true }, orderBy: { code: 'asc' } })
  ).map((p) => p.code);
  if (kind.kind === 'override' && !provinces.includes(kind.province)) provinces.push(kind.province);
  const inScope = (province: string) => kind.kind === 'version' || province === kind.province;
  // Which versions the file can change: a version file its own; a province file the versions it applies to.
  const touched = (version: number) =>
    kind.kind === 'version'
      ? version === kind.version
      : kind.version !== undefined
        ? version === kind.version
        : !fs.existsSync(path.join(proposed, 'provinces', `${kind.province}.v${version}.json`));

  const lines: string[] = [
    `Impact of ${file} (${kind.kind === 'version' ? `protocol version ${kind.version}` : `override of province ${kind.province}${kind.version ? ` for version ${kind.version}` : ''}`}); nothing is changed.`,
  ];

  // 1. Running cases keep the rules they pinned: a file that changes those is refused at start.
  const running = groups.filter((g) => inScope(g.province) && touched(g.version));
  const refused: string[] = [];
  let keep = 0;
  for (const g of running) {
    const after = loadProtocol({ dir: proposed, version: g.version, province: g.province, fresh: true });
    const pinned =
      g.hash ??
      protocolHash(loadProtocol({ dir: current, version: g.version, province: g.province, fresh: true }));
    if (protocolHash(after) === pinned) {
      keep += g.cases + g.pathways;
      continue;
    }
    const kept = await prisma.protocolVersion.findUnique({
      where: { hash: pinned },
      select: { rules: true },
    });
    const before = kept
      ? (kept.rules as unknown as ProtocolDefinition)
      : loadProtocol({ dir: current, version: g.version, province: g.province, fresh: true });
    refused.push(
      `  REFUSED: version ${g.version} in province ${g.province} is pinned by ${g.cases} case(s) and ${g.pathways} pathway(s); worker and API would not start:`,
      ...stepLines(before, after),
    );
  }
  const allRunning = groups.reduce((n, g) => n + g.cases + g.pathways, 0);
  if (refused.length) {
    lines.push(
      ...refused,
      '  Put the change in a new version (or provinces/<code>.v<N>.json) with an effectiveFrom instead.',
    );
  } else {
    lines.push(
      `Running cases: none move (${allRunning} case(s) and pathway(s) keep the rules they pinned${keep ? `; ${keep} run under exactly these rules` : ''}).`,
    );
  }

  // 2. New cases: per province, what the file gives from its effectiveFrom instead of what they would get.
  const byChange = new Map<string, string[]>();
  for (const province of provinces.filter(inScope)) {
    for (const version of versions.filter(touched)) {
      let after: ProtocolDefinition;
      try {
        after = loadProtocol({ dir: proposed, version, province, fresh: true });
      } catch (err) {
        throw new Error(`${file}: ${(err as Error).message}`);
      }
      const from = startOfLocalDay(after.effectiveFrom, after.timezone);
      const at = new Date(Math.max(from.getTime(), (options.now ?? new Date()).getTime()));
      // Only if new cases would actually take it (a higher version may already be in effect).
      if (selectProtocol({ dir: proposed, province, at }).version !== version) continue;
      let before: ProtocolDefinition | undefined;
      try {
        before = selectProtocol({ dir: current, province, at });
      } catch {
        before = undefined;
      }
      const today = localDateOf(options.now ?? new Date(), after.timezone);
      const when =
        after.effectiveFrom > today
          ? `from ${after.effectiveFrom} (local date, ${after.timezone})`
          : `from now (version ${version} in effect since ${after.effectiveFrom}, ${after.timezone})`;
      const what = !before
        ? `get version ${version} (no version in effect before):`
        : before.version === version
          ? `get version ${version} with this file's changes:`
          : `get version ${version} instead of version ${before.version}:`;
      const head = `New cases ${when} ${what}`;
      const body = before
        ? stepLines(before, after)
        : [...deadlines(after)].map(([k, v]) => `    ${k}: ${v}`);
      const key = [head, ...body].join('\n');
      byChange.set(key, [...(byChange.get(key) ?? []), province]);
    }
  }
  for (const [key, group] of byChange) {
    const [head, ...body] = key.split('\n');
    lines.push(
      `  ${group.length > 6 ? `${group.length} provinces (${group.slice(0, 6).join(', ')}, …)` : `province ${group.join(', ')}`}: ${head}`,
      ...body,
    );
  }
  if (!byChange.size) lines.push('  No new case would take these rules (a later version is in effect).');
  return lines;
}

// ---- holiday calendars ---------------------------------------------------------------------------

function localText(instant: Date, timeZone: string): string {
  const l = toLocal(instant, timeZone);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${l.year}-${p(l.month)}-${p(l.day)} ${p(l.hour)}:${p(l.minute)}`;
}

/** The local days between two day ends, signed: '+1 day', '-2 days'. */
function shift(before: Date, after: Date, timeZone: string): string {
  const days = Math.round(
    (Date.parse(`${dayEndedBy(after, timeZone)}T00:00:00Z`) -
      Date.parse(`${dayEndedBy(before, timeZone)}T00:00:00Z`)) /
      86_400_000,
  );
  return `${days > 0 ? '+' : ''}${days} day${Math.abs(days) === 1 ? '' : 's'}`;
}

/** n such that the deadline is the end of the n-th working day after its opening; undefined if none. */
function workingDaySpan(opened: Date, due: Date, cal: HolidayCalendar, timeZone: string): number | undefined {
  if (addWorkingDays(opened, 0, cal, timeZone).getTime() === due.getTime()) return 0;
  // From 1 on, n + 1 working days end one working day after n do (the rule composes): one step at a time.
  let at = addWorkingDays(opened, 1, cal, timeZone);
  for (let n = 1; n <= 400; n += 1) {
    if (at.getTime() === due.getTime()) return n;
    if (at.getTime() > due.getTime()) return undefined;
    at = addWorkingDays(at, 1, cal, timeZone);
  }
  return undefined;
}

async function calendarImpact(
  prisma: PrismaClient,
  file: string,
  text: string,
  year: number,
  scratch: string,
  options: ImpactOptions,
): Promise<string[]> {
  const parsed = parseCalendarFile(JSON.parse(text) as unknown, file);
  const inUse = readCalendarFiles({ dir: calendarDir(options.calendarDir) });
  const oldCal = buildHolidayCalendar(inUse.files, inUse.source);
  const files = [...inUse.files.filter((f) => f.year !== parsed.year), parsed].sort(
    (a, b) => a.year - b.year,
  );
  const newCal = buildHolidayCalendar(files, path.join(scratch, 'calendar'));
  const before = new Map(
    (inUse.files.find((f) => f.year === year)?.holidays ?? []).map((h) => [h.date, h.name]),
  );
  const after = new Map(parsed.holidays.map((h) => [h.date, h.name]));
  const added = [...after].filter(([d]) => !before.has(d)).sort();
  const removed = [...before].filter(([d]) => !after.has(d)).sort();
  const lines = [`Impact of ${file} (holiday calendar ${year}); nothing is changed.`];
  lines.push(`  days off added: ${added.length ? added.map(([d, n]) => `${d} (${n})`).join(', ') : 'none'}`);
  lines.push(
    `  days off removed: ${removed.length ? removed.map(([d, n]) => `${d} (${n})`).join(', ') : 'none'}`,
  );

  const now = options.now ?? new Date();
  const open = await prisma.stepRecord.findMany({
    where: { completedAt: null },
    select: {
      step: true,
      openedAt: true,
      dueAt: true,
      provinceCode: true,
      ladder: true,
      case: { select: { reference: true, provinceCode: true, protocolVersion: true } },
    },
    orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
  });
  const moved: string[] = [];
  for (const d of open) {
    const province = d.provinceCode ?? d.case.provinceCode;
    const protocol = loadProtocol({ version: d.case.protocolVersion, province, dir: options.protocolDir });
    const tz = protocol.timezone;
    const rule = (protocol.steps as Record<string, { deadline: unknown; ladder: string } | undefined>)[
      d.step
    ];
    // A step whose rule has no working days (screening's hours, review's days) never moves with holidays.
    if (rule && !/workingDays|perService/.test(JSON.stringify(rule.deadline))) continue;
    let n: number | undefined;
    try {
      n = workingDaySpan(d.openedAt, d.dueAt, oldCal, tz);
    } catch {
      continue; // a span past the calendar in use: its activity is still waiting for the year's file
    }
    if (n === undefined) continue;
    const due = addWorkingDays(d.openedAt, n, newCal, tz);
    const ladderName = rule?.ladder ?? protocol.leavingCare.ladder;
    const rungsBefore = (Array.isArray(d.ladder) ? (d.ladder as { at: string }[]) : []).filter(
      (r) => Date.parse(r.at) > now.getTime(),
    );
    const rungsAfter = planLadder(protocol, newCal, ladderName, due).filter(
      (r) => Date.parse(r.at) > now.getTime(),
    );
    const rungsMoving = rungsAfter.filter(
      (r, i) => rungsBefore[i] && Date.parse(rungsBefore[i]!.at) !== Date.parse(r.at),
    ).length;
    if (due.getTime() === d.dueAt.getTime() && rungsMoving === 0) continue;
    moved.push(
      `  ${d.case.reference} ${d.step}: due ${localText(d.dueAt, tz)} → ${localText(due, tz)} (${shift(d.dueAt, due, tz)}, ${n} working day(s) from ${localText(d.openedAt, tz)}, ${tz})` +
        (rungsMoving ? `; ${rungsMoving} rung(s) not yet fired move` : ''),
    );
  }
  lines.push(`Open working-day deadlines that would move: ${moved.length} of ${open.length} open`, ...moved);
  return lines;
}

// Reads protocol versions, province overrides and holiday calendars from disk. The only module here
// that touches Node APIs; activities use it, workflows receive its results.
//
//   <PROTOCOL_DIR>/versions/v<version>.json   full definition of a protocol version
//   <PROTOCOL_DIR>/provinces/<province>.json  deep-partial override (objects merge, arrays replace)
//   <CALENDAR_DIR>/<year>.json                public holidays of one year

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { type ProtocolDefinition } from './definition';
import { CalendarDefinitionError, type DefinitionIssue, ProtocolDefinitionError, valueAt } from './errors';
import { localDateOf } from './local-time';
import { buildHolidayCalendar, type CalendarFile, type HolidayCalendar } from './holiday-calendar';
import { checkProtocol, deepFreeze, deepMerge, parseCalendarFile, parseProtocol } from './parse';

export { parseCalendarFile, parseProtocol } from './parse';

export interface LoadProtocolOptions {
  /** Defaults to the highest versions/v<N>.json. */
  version?: number;
  /** Province code; its file in provinces/, if any, overrides the version. */
  province?: string;
  /** Defaults to env PROTOCOL_DIR, then this folder. */
  dir?: string;
  /** Read the files again, past the cache (the start-up check compares what is on disk now). */
  fresh?: boolean;
}

export interface LoadCalendarOptions {
  /** Defaults to env CALENDAR_DIR, then protocol/calendar. */
  dir?: string;
  /** How old a cached calendar may be before the files are looked at again (default a minute). */
  maxAgeMs?: number;
}

/** Paths in messages: relative to the working directory when inside it ('protocol/versions/v1.json'). */
function display(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file;
}

function readJson(file: string, fail: (issues: DefinitionIssue[]) => Error): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'read error';
    throw fail([
      { source: display(file), path: '', message: `cannot read file (${code})`, value: undefined },
    ]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw fail([
      { source: display(file), path: '', message: `invalid JSON: ${(e as Error).message}`, value: undefined },
    ]);
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

// ---- protocol ------------------------------------------------------------------------------------

export function protocolDir(dir?: string): string {
  return path.resolve(dir ?? process.env.PROTOCOL_DIR ?? __dirname);
}

// A new protocol version is a deployment: the newest version of a folder is read once per process.
const latestVersions = new Map<string, number>();

/** The version numbers of a folder's versions/v<N>.json, ascending. */
export function listProtocolVersions(dir?: string): number[] {
  return listDir(path.join(protocolDir(dir), 'versions'))
    .map((f) => /^v([1-9]\d*)\.json$/.exec(f)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

function latestVersion(root: string): number {
  const known = latestVersions.get(root);
  if (known !== undefined) return known;
  const versions = listProtocolVersions(root);
  if (versions.length === 0) {
    throw new ProtocolDefinitionError([
      {
        source: display(path.join(root, 'versions')),
        path: '',
        message: 'no protocol version v<N>.json found',
        value: undefined,
      },
    ]);
  }
  const latest = Math.max(...versions);
  latestVersions.set(root, latest);
  return latest;
}

const protocolCache = new Map<string, ProtocolDefinition>();

/**
 * The validated, frozen protocol for a version and optional province. Throws ProtocolDefinitionError
 * naming the file, JSON path and bad value. Cached per (dir, version, province).
 */
export function loadProtocol(options: LoadProtocolOptions = {}): ProtocolDefinition {
  const root = protocolDir(options.dir);
  const version = options.version ?? latestVersion(root);
  const key = JSON.stringify([root, version, options.province ?? null]);
  const cached = options.fresh ? undefined : protocolCache.get(key);
  if (cached) return cached;

  if (!Number.isInteger(version) || version < 1) {
    throw new RangeError(`protocol version must be a positive integer, got ${version}`);
  }
  const fail = (issues: DefinitionIssue[]) => new ProtocolDefinitionError(issues);
  const versionFile = path.join(root, 'versions', `v${version}.json`);
  const base = readJson(versionFile, fail);
  const baseName = display(versionFile);
  if (valueAt(base, ['version']) !== version) {
    throw fail([
      {
        source: baseName,
        path: 'version',
        message: `expected ${version} (from the file name)`,
        value: valueAt(base, ['version']),
      },
    ]);
  }

  let result: ProtocolDefinition;
  const override =
    options.province === undefined ? undefined : readProvince(root, options.province, version, fail);
  if (override === undefined) {
    result = parseProtocol(base, baseName);
  } else {
    const checked = checkProtocol(deepMerge(base, override.value));
    if (!checked.ok) {
      // Blame the province file for values it set, the version file for the rest.
      throw fail(
        checked.issues.map(({ segments, path: p, message, value }) => ({
          source: setBy(override.value, segments) ? override.name : baseName,
          path: p,
          message,
          value,
        })),
      );
    }
    result = deepFreeze(checked.value);
  }
  protocolCache.set(key, result);
  return result;
}

export interface SelectProtocolOptions {
  province: string;
  /** The instant the case opens; its local date in the rules' time zone is compared with effectiveFrom. */
  at: Date;
  dir?: string;
}

/**
 * The rules a new case opens under: the highest version whose effectiveFrom (the province's file may
 * set its own) is on or before the case's local date in that version's time zone. A version dated in
 * the future is there for the deployment, not yet for cases; running cases keep the version they pinned.
 */
export function selectProtocol(options: SelectProtocolOptions): ProtocolDefinition {
  const root = protocolDir(options.dir);
  const versions = listProtocolVersions(root);
  if (versions.length === 0) latestVersion(root); // throws the 'no protocol version' error
  for (const version of [...versions].reverse()) {
    const protocol = loadProtocol({ dir: root, version, province: options.province });
    if (localDateOf(options.at, protocol.timezone) >= protocol.effectiveFrom) return protocol;
  }
  const earliest = loadProtocol({ dir: root, version: versions[0], province: options.province });
  throw new ProtocolDefinitionError([
    {
      source: display(path.join(root, 'versions')),
      path: 'effectiveFrom',
      message: `no protocol version is in effect on ${localDateOf(options.at, earliest.timezone)} in province ${options.province} (the earliest starts ${earliest.effectiveFrom})`,
      value: earliest.effectiveFrom,
    },
  ]);
}

/**
 * A province's override file for a version: provinces/<code>.v<N>.json if there is one (a province
 * adopting version N on its own terms, e.g. a later effectiveFrom), else provinces/<code>.json; undefined
 * when the province has neither (it runs the version as is).
 */
function readProvince(
  root: string,
  province: string,
  version: number,
  fail: (issues: DefinitionIssue[]) => Error,
): { name: string; value: Record<string, unknown> } | undefined {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(province)) {
    throw new RangeError(
      `province code must be letters, digits, '-' or '_', got ${JSON.stringify(province)}`,
    );
  }
  const scoped = path.join(root, 'provinces', `${province}.v${version}.json`);
  const file = existsSync(scoped) ? scoped : path.join(root, 'provinces', `${province}.json`);
  if (!existsSync(file)) return undefined;
  const name = display(file);
  const value = readJson(file, fail);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw fail([{ source: name, path: '', message: 'expected a JSON object of overrides', value }]);
  }
  return { name, value: value as Record<string, unknown> };
}

/** True if the override defines the value at `segments` (or replaces a containing array/value). */
function setBy(override: unknown, segments: readonly PropertyKey[]): boolean {
  let cur: unknown = override;
  for (const key of segments) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return true;
    if (!Object.prototype.hasOwnProperty.call(cur, key)) return false;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return true;
}

// ---- holiday calendar ----------------------------------------------------------------------------

export function calendarDir(dir?: string): string {
  return path.resolve(dir ?? process.env.CALENDAR_DIR ?? path.join(__dirname, 'calendar'));
}

/**
 * The validated calendar files of a directory, as plain JSON: what an activity hands a workflow,
 * which rebuilds the lookup with buildHolidayCalendar(files, source).
 */
export function readCalendarFiles(options: LoadCalendarOptions = {}): {
  source: string;
  files: CalendarFile[];
} {
  const root = calendarDir(options.dir);
  const fail = (issues: DefinitionIssue[]) => new CalendarDefinitionError(issues);
  const files = listDir(root)
    .filter((f) => /^\d{4}\.json$/.test(f))
    .sort()
    .map((f) => {
      const file = path.join(root, f);
      const name = display(file);
      const parsed = parseCalendarFile(readJson(file, fail), name);
      const fileYear = Number(f.slice(0, 4));
      if (parsed.year !== fileYear) {
        throw fail([
          {
            source: name,
            path: 'year',
            message: `expected ${fileYear} (from the file name)`,
            value: parsed.year,
          },
        ]);
      }
      return parsed;
    });
  if (files.length === 0) {
    throw fail([
      { source: display(root), path: '', message: 'no holiday calendar <year>.json found', value: undefined },
    ]);
  }
  return { source: display(root), files };
}

const calendarCache = new Map<string, { cal: HolidayCalendar; signature: string; checkedAt: number }>();

/** How often a running process looks for added or edited calendar files. */
const CALENDAR_RECHECK_MS = 60_000;

/** Names and modification times of the calendar files: changes when a year is added or corrected. */
function calendarSignature(root: string): string {
  return listDir(root)
    .filter((f) => /^\d{4}\.json$/.test(f))
    .sort()
    .map((f) => {
      try {
        return `${f}@${statSync(path.join(root, f)).mtimeMs}`;
      } catch {
        return f;
      }
    })
    .join(',');
}

/**
 * Holiday calendar built from every <year>.json in the directory. Cached per directory; a running
 * worker picks up an added year or an announced lunar date within a minute, without a restart.
 */
export function loadCalendar(options: LoadCalendarOptions = {}): HolidayCalendar {
  const root = calendarDir(options.dir);
  const cached = calendarCache.get(root);
  const now = Date.now();
  if (cached && now - cached.checkedAt < (options.maxAgeMs ?? CALENDAR_RECHECK_MS)) return cached.cal;
  const signature = calendarSignature(root);
  if (cached && cached.signature === signature) {
    cached.checkedAt = now;
    return cached.cal;
  }
  const { source, files } = readCalendarFiles({ dir: root });
  const cal = buildHolidayCalendar(files, source);
  calendarCache.set(root, { cal, signature, checkedAt: now });
  return cal;
}

/** For tests that rewrite files or change PROTOCOL_DIR / CALENDAR_DIR. */
export function clearProtocolCaches(): void {
  protocolCache.clear();
  calendarCache.clear();
}

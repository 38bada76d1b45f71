// Validation of already-read JSON values into frozen definitions. Pure (no file access) so tests,
// activities and workflows can all use it; load.ts does the reading.

import { type z } from 'zod';
import { DURATION_UNITS, type ProtocolDefinition, ProtocolDefinitionSchema } from './definition';
import {
  CalendarDefinitionError,
  defaultMessage,
  type DefinitionIssue,
  type PathIssue,
  ProtocolDefinitionError,
  toPathIssues,
} from './errors';
import { type CalendarFile, CalendarFileSchema } from './holiday-calendar';

export type CheckResult<T> = { ok: true; value: T } | { ok: false; issues: PathIssue[] };

function check<T>(schema: z.ZodType<T>, input: unknown): CheckResult<T> {
  const r = schema.safeParse(input, { error: defaultMessage });
  return r.success ? { ok: true, value: r.data } : { ok: false, issues: toPathIssues(r.error, input) };
}

/** Validates without throwing; issues carry JSON paths but no source name. */
export function checkProtocol(input: unknown): CheckResult<ProtocolDefinition> {
  return check(ProtocolDefinitionSchema, input);
}

/** Accepts JSON text or an already-parsed value. */
function fromJson(json: unknown, sourceName: string, fail: (issues: DefinitionIssue[]) => Error): unknown {
  if (typeof json !== 'string') return json;
  try {
    return JSON.parse(json) as unknown;
  } catch (e) {
    throw fail([
      { source: sourceName, path: '', message: `invalid JSON: ${(e as Error).message}`, value: json },
    ]);
  }
}

export function withSource(issues: readonly PathIssue[], source: string): DefinitionIssue[] {
  return issues.map(({ path, message, value }) => ({ source, path, message, value }));
}

/**
 * Validates a protocol definition (JSON text or parsed value) and returns it deeply frozen. Throws
 * ProtocolDefinitionError naming `sourceName`, the JSON path and the bad value.
 */
export function parseProtocol(json: unknown, sourceName: string): ProtocolDefinition {
  const input = fromJson(json, sourceName, (i) => new ProtocolDefinitionError(i));
  const r = checkProtocol(input);
  if (!r.ok) throw new ProtocolDefinitionError(withSource(r.issues, sourceName));
  return deepFreeze(r.value);
}

/** Validates one holiday calendar file; throws CalendarDefinitionError naming file, path and value. */
export function parseCalendarFile(json: unknown, sourceName: string): CalendarFile {
  const input = fromJson(json, sourceName, (i) => new CalendarDefinitionError(i));
  const r = check(CalendarFileSchema, input);
  if (!r.ok) throw new CalendarDefinitionError(withSource(r.issues, sourceName));
  return deepFreeze(r.value);
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const DURATION_KEYS: ReadonlySet<string> = new Set(DURATION_UNITS);

/**
 * Which alternative of a union a value is, when it is one whose alternatives are told apart by
 * their keys: a duration (`{ hours }` vs `{ workingDays }`) or a deadline rule (`{ byRisk }`,
 * `{ urgent, normal }`, `{ perService }`, a duration).
 */
function alternativeOf(value: Record<string, unknown>): string | undefined {
  const keys = Object.keys(value);
  const [only] = keys;
  if (
    keys.length === 1 &&
    only !== undefined &&
    (DURATION_KEYS.has(only) || only === 'byRisk' || only === 'perService')
  )
    return only;
  if (keys.length > 0 && keys.every((k) => k === 'urgent' || k === 'normal')) return 'urgency';
  return undefined;
}

/**
 * Province overrides: objects merge key by key, everything else (arrays included) is replaced. A
 * duration or deadline rule of another kind replaces the version's (`{ minutes: 30 }` over
 * `{ hours: 2 }`), as merging the two would make a value with both keys. Keys are defined, not
 * assigned, so a "__proto__" key stays data and fails validation.
 */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const alternative = alternativeOf(override);
  if (alternative !== undefined && alternative !== alternativeOf(base)) return override;
  const out: Record<string, unknown> = {};
  const put = (key: string, value: unknown) =>
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  for (const [k, v] of Object.entries(base)) put(k, v);
  for (const [k, v] of Object.entries(override)) {
    put(k, Object.prototype.hasOwnProperty.call(base, k) ? deepMerge(base[k], v) : v);
  }
  return out;
}

// Validation errors that name the file, the JSON path and the offending value, so whoever edits a
// protocol or calendar file can fix it without reading code. Pure: no Node APIs.

import { type z } from 'zod';

export interface DefinitionIssue {
  /** File (or other source name) the value came from. */
  source: string;
  /** Dotted JSON path, e.g. 'steps.assessment.deadline.byRisk.HIGH.workingDays'; '' for the whole file. */
  path: string;
  message: string;
  /** The offending value; undefined when it is missing. */
  value: unknown;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function formatIssue(i: DefinitionIssue): string {
  if (i.path === '') return `${i.source}: ${i.message}`;
  if (i.value === undefined) return `${i.source}: ${i.path}: ${i.message} (missing)`;
  return `${i.source}: ${i.path}: ${i.message}, got ${show(i.value)}`;
}

export abstract class DefinitionError extends Error {
  readonly issues: readonly DefinitionIssue[];
  protected constructor(issues: readonly DefinitionIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.issues = issues;
  }
}

/** A protocol version or province override is invalid. */
export class ProtocolDefinitionError extends DefinitionError {
  override readonly name = 'ProtocolDefinitionError';
  constructor(issues: readonly DefinitionIssue[]) {
    super(issues);
  }
}

/** A holiday calendar file is invalid. */
export class CalendarDefinitionError extends DefinitionError {
  override readonly name = 'CalendarDefinitionError';
  constructor(issues: readonly DefinitionIssue[]) {
    super(issues);
  }
}

// ---- zod issues -> DefinitionIssue ---------------------------------------------------------------

type Path = readonly PropertyKey[];
export type PathIssue = Omit<DefinitionIssue, 'source'> & { segments: Path };

export function pathText(segments: Path): string {
  return segments.length === 0 ? '(root)' : segments.map(String).join('.');
}

/** The value at `segments` inside `root`, undefined if absent. */
export function valueAt(root: unknown, segments: Path): unknown {
  let cur: unknown = root;
  for (const key of segments) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(cur, key)) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/** Messages for issues whose schema did not set its own. */
export function defaultMessage(iss: z.core.$ZodRawIssue): string {
  switch (iss.code) {
    case 'invalid_type':
      return `expected ${iss.expected}`;
    case 'invalid_value':
      return `expected one of ${iss.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      return iss.origin === 'array' || iss.origin === 'string'
        ? `expected at least ${String(iss.minimum)} ${iss.origin === 'array' ? 'entries' : 'characters'}`
        : `expected ${iss.inclusive ? 'at least' : 'more than'} ${String(iss.minimum)}`;
    case 'too_big':
      return `expected ${iss.inclusive ? 'at most' : 'less than'} ${String(iss.maximum)}`;
    case 'invalid_format':
      return `expected ${iss.format} format`;
    default:
      return iss.message ?? 'invalid value';
  }
}

// A union branch that failed on its shape (a key it does not know, or not even the right type) is
// not the branch the author meant; if exactly one branch fails only on values, report its issues.
function plausible(branch: readonly z.core.$ZodIssue[]): boolean {
  return branch.every((i) => {
    if (i.path.length > 0) return true;
    if (i.code === 'unrecognized_keys' || i.code === 'invalid_type') return false;
    if (i.code === 'invalid_union') return i.errors.some(plausible);
    return true;
  });
}

function flatten(issues: readonly z.core.$ZodIssue[], prefix: Path, input: unknown, out: PathIssue[]): void {
  for (const iss of issues) {
    const segments = [...prefix, ...iss.path];
    if (iss.code === 'invalid_union' && iss.errors.length > 0) {
      const candidates = iss.errors.filter(plausible);
      const only = candidates[0];
      if (candidates.length === 1 && only) {
        flatten(only, segments, input, out);
        continue;
      }
    }
    if (iss.code === 'unrecognized_keys') {
      for (const key of iss.keys) {
        const at = [...segments, key];
        out.push({ segments: at, path: pathText(at), message: 'unknown key', value: valueAt(input, at) });
      }
      continue;
    }
    out.push({ segments, path: pathText(segments), message: iss.message, value: valueAt(input, segments) });
  }
}

/** Zod issues as path/message/value triples, one per problem, in document order of discovery. */
export function toPathIssues(error: z.ZodError, input: unknown): PathIssue[] {
  const out: PathIssue[] = [];
  flatten(error.issues, [], input, out);
  const seen = new Set<string>();
  return out.filter((i) => {
    const key = `${i.path}\0${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

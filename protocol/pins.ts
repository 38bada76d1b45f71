// What a case pins: a hash of the resolved rules (version + province override) it started under, and
// the difference between two resolved rule sets when a file under a used version was edited.

import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level: the same rules always give the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}

/** sha256 (hex) of the canonical JSON of resolved rules. */
export function protocolHash(rules: unknown): string {
  return createHash('sha256').update(canonicalJson(rules)).digest('hex');
}

export interface RulesChange {
  /** JSON path, 'steps.assessment.deadline.byRisk.LOW.workingDays'; array items as [i]. */
  path: string;
  /** undefined: the value was added (before) or removed (after). */
  before: unknown;
  after: unknown;
}

/** Every leaf that differs between two rule sets, in path order. */
export function rulesDifference(before: unknown, after: unknown): RulesChange[] {
  const changes: RulesChange[] = [];
  walk(sortKeys(before), sortKeys(after), '', changes);
  return changes;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function walk(a: unknown, b: unknown, at: string, out: RulesChange[]): void {
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) walk(a[k], b[k], at ? `${at}.${k}` : k, out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((item, i) => walk(item, b[i], `${at}[${i}]`, out));
    return;
  }
  if (canonicalJson(a) !== canonicalJson(b)) out.push({ path: at, before: a, after: b });
}

/** One line per change: `steps.assessment.deadline.byRisk.LOW.workingDays: 15 → 10`. */
export function describeChanges(changes: readonly RulesChange[]): string[] {
  const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));
  return changes.map((c) => `${c.path || '(whole file)'}: ${show(c.before)} → ${show(c.after)}`);
}

/**
 * The work list's counts, kept a few seconds per person (WORK_COUNTS_TTL_MS): counting a unit's
 * whole list (10,000 open cases) costs more than reading its page, and a badge read again within
 * seconds need not be counted again. A person's own change (any successful POST, PUT, PATCH or
 * DELETE) drops their counts at once; what others change shows within the TTL. Each response says
 * when its counts were taken (`countedAt`). Per API process: nothing to share or invalidate across.
 */
import type { Actor } from '../auth/policy';
import type { WorkCount } from './queries';

export interface WorkCounts {
  /** The counts taken for this person less than the TTL ago, or undefined. */
  get(actor: Actor, now: number): { counts: WorkCount[]; countedAt: number } | undefined;
  set(actor: Actor, counts: WorkCount[], countedAt: number): void;
  /** After a change the person made: their next list is counted again. */
  forget(actorId: string): void;
}

/** More people than this and the oldest entries go (a province's staff fit many times over). */
const MAX_ENTRIES = 10_000;

export function workCounts(ttlMs: number): WorkCounts {
  const entries = new Map<string, { key: string; counts: WorkCount[]; countedAt: number }>();
  // What the counts depend on besides the person: their role, province, unit and partner.
  const keyOf = (a: Actor) => JSON.stringify([a.role, a.province, a.unitId, a.partnerId]);
  return {
    get(actor, now) {
      const entry = entries.get(actor.id);
      if (!entry || entry.key !== keyOf(actor) || now - entry.countedAt >= ttlMs) return undefined;
      return { counts: entry.counts, countedAt: entry.countedAt };
    },
    set(actor, counts, countedAt) {
      if (ttlMs <= 0) return;
      entries.delete(actor.id);
      entries.set(actor.id, { key: keyOf(actor), counts, countedAt });
      // Insertion order: the first key is the oldest entry.
      if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
    },
    forget(actorId) {
      entries.delete(actorId);
    },
  };
}

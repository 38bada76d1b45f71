import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { EscalationLevelKey, NextDeadlineKey, OverdueKey } from '../search-attributes';
import type { OpenDeadline } from './types';

/** What operators filter on, derived from a workflow's open deadlines and the rungs fired on them. */
export interface DeadlineSummary {
  /** Highest rung fired on an open deadline, -1 when none. */
  level: number;
  /** An open deadline is past (workflow time). */
  overdue: boolean;
  nextDue: string | undefined;
}

export function summarizeDeadlines(
  deadlines: readonly OpenDeadline[],
  levels: readonly number[],
): DeadlineSummary {
  return {
    level: Math.max(-1, ...levels),
    overdue: deadlines.some((d) => Date.parse(d.dueAt) <= Date.now()),
    nextDue: deadlines.map((d) => d.dueAt).sort()[0],
  };
}

/** The summary as search attributes, in the order every workflow upserts them. */
export function deadlineAttributes(s: DeadlineSummary): SearchAttributeUpdatePair[] {
  return [
    { key: EscalationLevelKey, value: s.level },
    { key: OverdueKey, value: s.overdue },
    { key: NextDeadlineKey, value: s.nextDue ? new Date(s.nextDue) : null },
  ];
}

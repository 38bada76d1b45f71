// Calendar changes re-plan open deadlines (issue 16). A worker starting compares each calendar year
// file with what the workers saw last (calendar_versions); a year whose days off differ gets a
// calendar_changes row, in the same transaction, and a workflow `calendar-change-<id>` that tells
// every case, referral and pathway with an open deadline the change touches. Two workers starting
// at once record one change (the rows are locked) and start one workflow (its id is the change's).

import { createHash, randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { PrismaClient } from './db';
import { readCalendarFiles, type CalendarFile } from '../protocol';
import { calendarChangeWorkflowId } from '../workflows/calendar/definitions';

export interface CalendarDay {
  date: string;
  name: string;
}

/** The days off of a year file, one per date (a date carrying two holidays names both), sorted. */
export function daysOff(file: CalendarFile): CalendarDay[] {
  const byDate = new Map<string, string[]>();
  for (const h of file.holidays) byDate.set(h.date, [...(byDate.get(h.date) ?? []), h.name]);
  return [...byDate]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([date, names]) => ({ date, name: names.join(' / ') }));
}

/** What deadlines depend on: the year and its dates off (names, notes and status do not move anything). */
export function calendarYearHash(file: CalendarFile): string {
  const dates = daysOff(file).map((d) => d.date);
  return createHash('sha256')
    .update(JSON.stringify([file.year, dates]))
    .digest('hex');
}

export interface RecordedCalendarChange {
  id: string;
  year: number;
  added: CalendarDay[];
  removed: CalendarDay[];
}

/**
 * Compares the calendar files (CALENDAR_DIR, or `dir`) with calendar_versions and records what
 * changed, in one transaction under a lock (two workers starting together record it once). A year
 * seen for the first time is recorded as it is: nothing was planned against a version of it that
 * the database knows. Returns the changes recorded now.
 */
export async function recordCalendarChanges(
  prisma: PrismaClient,
  options: { dir?: string } = {},
): Promise<RecordedCalendarChange[]> {
  const { files } = readCalendarFiles(options.dir ? { dir: options.dir } : {});
  return prisma.$transaction(async (tx) => {
    // One worker at a time compares and writes (a transaction-scoped advisory lock; the key is arbitrary).
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(1602026)`;
    const seen = new Map((await tx.calendarVersion.findMany()).map((v) => [v.year, v]));
    const changes: RecordedCalendarChange[] = [];
    for (const file of files) {
      const hash = calendarYearHash(file);
      const days = daysOff(file);
      const before = seen.get(file.year);
      if (!before) {
        await tx.calendarVersion.create({ data: { year: file.year, hash, days: days as object[] } });
        continue;
      }
      if (before.hash === hash) continue;
      const old = before.days as unknown as CalendarDay[];
      const oldDates = new Set(old.map((d) => d.date));
      const newDates = new Set(days.map((d) => d.date));
      const change: RecordedCalendarChange = {
        id: randomUUID(),
        year: file.year,
        added: days.filter((d) => !oldDates.has(d.date)),
        removed: old.filter((d) => !newDates.has(d.date)),
      };
      await tx.calendarChange.create({
        data: {
          id: change.id,
          year: change.year,
          hashBefore: before.hash,
          hashAfter: hash,
          added: change.added as object[],
          removed: change.removed as object[],
        },
      });
      // The change itself in the audit trail; each deadline it moves is audited with its id.
      await tx.auditEvent.create({
        data: {
          idempotencyKey: `calendar-change/${change.id}`,
          actorType: 'system',
          action: 'calendar.changed',
          entity: 'calendar',
          entityId: change.id,
          reason: `holiday calendar ${file.year} changed`,
          details: {
            year: file.year,
            added: change.added as object[],
            removed: change.removed as object[],
          },
        },
      });
      await tx.calendarVersion.update({
        where: { year: file.year },
        data: { hash, days: days as object[], seenAt: new Date() },
      });
      changes.push(change);
    }
    return changes;
  });
}

/**
 * Starts the workflow of every recorded change not yet started (this worker's, or one a worker
 * recorded and could not start before it stopped). A workflow already started is left as it is.
 */
export async function startCalendarChangeWorkflows(
  prisma: PrismaClient,
  client: Client,
  taskQueue: string,
): Promise<string[]> {
  const pending = await prisma.calendarChange.findMany({
    where: { startedAt: null },
    orderBy: { detectedAt: 'asc' },
    select: { id: true },
  });
  const started: string[] = [];
  for (const { id } of pending) {
    try {
      await client.workflow.start('calendarChangeWorkflow', {
        workflowId: calendarChangeWorkflowId(id),
        taskQueue,
        args: [{ changeId: id }],
      });
      started.push(id);
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
    await prisma.calendarChange.updateMany({
      where: { id, startedAt: null },
      data: { startedAt: new Date() },
    });
  }
  return started;
}

/**
 * Throws unless this process's calendar files have the days off the database last recorded for
 * every year: a re-plan on a worker not yet given the announced dates (a rolling restart) would
 * plan with the old ones. Returns the files, for the caller to plan with.
 */
export async function currentCalendarFiles(prisma: PrismaClient): Promise<CalendarFile[]> {
  const { files } = readCalendarFiles();
  const recorded = await prisma.calendarVersion.findMany({ select: { year: true, hash: true } });
  const mine = new Map(files.map((f) => [f.year, calendarYearHash(f)]));
  const stale = recorded.filter((r) => mine.has(r.year) && mine.get(r.year) !== r.hash).map((r) => r.year);
  if (stale.length > 0) {
    throw new CalendarOutOfDateError(
      `this worker's holiday calendar for ${stale.join(', ')} differs from the one recorded at the last worker start: restart it with the current calendar files`,
    );
  }
  return files;
}

export class CalendarOutOfDateError extends Error {
  override readonly name = 'CalendarOutOfDateError';
}

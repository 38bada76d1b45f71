/** Helpers of the circuit-safety tests (issue 13): refused updates, mail by kind, rows by case. */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { simpleParser } from 'mailparser';
import { caseViewQuery, type CaseView } from '../../workflows/case/definitions';
import type { Harness } from './harness';
import { eventually } from './wait';

/** The validator's reason of a refused update; fails the test when the update was accepted. */
export async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    return (err as WorkflowUpdateFailedError).cause?.message ?? '';
  }
  throw new Error('the update was accepted');
}

export interface Mail {
  messageId: string;
  to: string;
  subject: string;
  kind: string;
  language: string;
  text: string;
  html: string;
  raw: string;
}

/** Every captured message of these kinds (X-Notification-Kind), parsed. */
export async function mailsOfKind(h: Harness, kinds: string[]): Promise<Mail[]> {
  const parsed = await Promise.all(
    h.smtp.messages.map(async (m) => {
      const p = await simpleParser(m.raw);
      return {
        messageId: p.messageId ?? '',
        to: p.to && !Array.isArray(p.to) ? p.to.text : '',
        subject: p.subject ?? '',
        kind: String(p.headers.get('x-notification-kind') ?? ''),
        language: String(p.headers.get('content-language') ?? ''),
        text: p.text ?? '',
        html: typeof p.html === 'string' ? p.html : '',
        raw: m.raw.toString('utf8'),
      };
    }),
  );
  return parsed.filter((m) => kinds.includes(m.kind));
}

/** Waits until the case's view passes the test. */
export async function viewWhen(
  handle: WorkflowHandle,
  what: string,
  test: (view: CaseView) => boolean,
): Promise<CaseView> {
  return eventually(what, async () => {
    const view: CaseView = await handle.query(caseViewQuery);
    return test(view) ? view : undefined;
  });
}

export async function auditActions(h: Harness, caseId: string): Promise<string[]> {
  const rows = await h.db.prisma.auditEvent.findMany({
    where: { caseId },
    orderBy: { id: 'asc' },
    select: { action: true },
  });
  return rows.map((r) => r.action);
}

/** The step records of a case (deadlines opened), oldest first. */
export const stepRecords = (h: Harness, caseId: string, step?: string) =>
  h.db.prisma.stepRecord.findMany({
    where: { caseId, ...(step ? { step } : {}) },
    orderBy: { openedAt: 'asc' },
  });

/**
 * Ends workflows once each is quiet (no activity or workflow task outstanding, twice in a row), so
 * the time-skipping server's clock is never left locked by a terminated workflow's pending work.
 */
export async function endQuietly(workflows: WorkflowHandle[]): Promise<void> {
  const quiet = async (w: WorkflowHandle) => {
    const d = await w.describe();
    if (d.status.name !== 'RUNNING') return 'closed';
    const busy = (d.raw.pendingActivities ?? []).length > 0 || d.raw.pendingWorkflowTask != null;
    return busy ? 'busy' : 'quiet';
  };
  for (const w of workflows) {
    const state = await eventually(`${w.workflowId} quiet`, async () => {
      const first = await quiet(w);
      if (first !== 'quiet') return first === 'closed' ? first : undefined;
      await new Promise((r) => setTimeout(r, 200));
      const second = await quiet(w);
      return second === 'busy' ? undefined : second;
    });
    if (state === 'quiet') await w.terminate('test done');
  }
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

import { Client, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { PrismaClient } from '../../lib/db';
import { localDateOf, startOfLocalDay } from '../../protocol';
import {
  leavingCareViewQuery,
  leavingCareWorkflowId,
  type LeavingCareView,
} from '../../workflows/leaving-care/definitions';
import { insertCase } from './cases';
import { eventually } from './wait';

export const TZ = 'Africa/Casablanca';
export const DAY = 86_400_000;
export const MINUTE = 60_000;
export const MEDIATOR = 'staff-demo-mediator';
export const HANDLER = 'staff-demo-handler';

const pad = (n: number) => String(n).padStart(2, '0');

/** Calendar-month arithmetic on 'YYYY-MM-DD', day clamped to the month's end (written here, not imported, to check the engine). */
export function addMonthsToDate(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${pad(month)}-${pad(Math.min(d, last))}`;
}

export function addDaysToDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/** ISO instant of local midnight starting a date in Casablanca. */
export const localMidnight = (date: string): string => startOfLocalDay(date, TZ).toISOString();

/** The date of birth of a child who is `years` and `months` old on the server's current local date. */
export function birthDateAged(nowMs: number, years: number, months: number): string {
  return addMonthsToDate(localDateOf(new Date(nowMs), TZ), -(years * 12 + months));
}

export async function sleepUntil(env: TestWorkflowEnvironment, instant: string | number): Promise<void> {
  const target = typeof instant === 'number' ? instant : Date.parse(instant);
  const now = await env.currentTimeMs();
  if (target > now) await env.sleep(target - now);
}

/** A child and the case they were placed under, and their pathway started as the API will start it. */
export async function startPathway(
  client: Client,
  prisma: PrismaClient,
  taskQueue: string,
  options: {
    birthDate: string;
    birthDateApproximate?: boolean;
    maxHistoryEvents?: number;
    accompanimentMonths?: number;
  },
) {
  const { caseId, reference, childId } = await insertCase(prisma, {
    birthDate: options.birthDate,
    birthDateApproximate: options.birthDateApproximate ?? false,
  });
  const handle = await client.workflow.start('leavingCareWorkflow', {
    taskQueue,
    workflowId: leavingCareWorkflowId(childId),
    args: [
      {
        childId,
        caseId,
        trigger: 'api',
        actorId: HANDLER,
        ...(options.maxHistoryEvents ? { maxHistoryEvents: options.maxHistoryEvents } : {}),
        ...(options.accompanimentMonths ? { accompanimentMonths: options.accompanimentMonths } : {}),
      },
    ],
  });
  return { caseId, reference, childId, handle };
}

export async function pathwayView(handle: WorkflowHandle): Promise<LeavingCareView> {
  return eventually('the pathway view', () => handle.query(leavingCareViewQuery));
}

/** Waits until the pathway reaches a phase. */
export async function waitForPhase(handle: WorkflowHandle, phase: LeavingCareView['phase']) {
  return eventually(`phase ${phase}`, async () => {
    const view = await handle.query(leavingCareViewQuery);
    return view.phase === phase ? view : undefined;
  });
}

/** Every event of every run of a workflow, following continue-as-new from the first run. */
export async function historyOfAllRuns(
  client: Client,
  workflowId: string,
  firstRunId: string,
): Promise<{ runs: number; events: number; largestRun: number }> {
  let runId: string | undefined = firstRunId;
  let runs = 0;
  let events = 0;
  let largestRun = 0;
  while (runId) {
    const history: temporal.api.history.v1.IHistory = await client.workflow
      .getHandle(workflowId, runId)
      .fetchHistory();
    const list: temporal.api.history.v1.IHistoryEvent[] = history.events ?? [];
    runs += 1;
    events += list.length;
    largestRun = Math.max(largestRun, list.length);
    runId = list.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return { runs, events, largestRun };
}

/** Every axis with a status and, as the API sends them, how many objectives it recorded for each. */
export const allAxes = (status: string, objectives = 1) =>
  ['health', 'educationTraining', 'employment', 'socialAssistance', 'socialParticipation'].map((axis) => ({
    axis,
    status,
    objectives,
  }));

export const allItems = (status: string) =>
  ['housing', 'incomeOrTraining', 'identityDocuments', 'healthCoverage'].map((item) => ({ item, status }));

/** The reason an update was rejected with (fails the test if it was accepted). */
export async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (!(err instanceof WorkflowUpdateFailedError)) throw err;
    return err.cause?.message ?? '';
  }
  throw new Error('the update was accepted');
}

/**
 * The result of a workflow that ends on its own, read without unlocking time skipping: the test
 * client's result() lets the server skip, while it waits, to the next timer of any workflow (ten
 * years ahead when the only one left is a run timeout), which moves the shared clock for later tests.
 */
export async function resultWithoutSkipping<T>(
  env: TestWorkflowEnvironment,
  handle: { workflowId: string },
): Promise<T> {
  const plain = new Client({
    connection: env.connection,
    namespace: env.namespace ?? 'default',
    dataConverter: env.client.options.dataConverter, // the payload codec
  });
  return plain.workflow.getHandle(handle.workflowId).result() as Promise<T>;
}

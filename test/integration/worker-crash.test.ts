/**
 * "Killing the worker in the middle of a write, then restarting, leaves exactly one row." The
 * production worker (runWorker) runs as a child process against the Temporal dev server, the test
 * database and an SMTP capture, and is SIGKILLed:
 *  - while the activity's transaction is open (the test holds the case row's lock, so the
 *    activity's UPDATE waits inside its transaction);
 *  - after the activity's transaction has committed but before Temporal heard it completed (its
 *    connection to Temporal runs through a relay the test turns into a black hole).
 * Temporal retries the activity on a new worker once its start-to-close timeout (30 s) passes: one
 * audit event and one change for the step either way, and the case goes on as if nothing happened.
 */
import { Client } from 'pg';
import type { WorkflowHandle } from '@temporalio/client';
import {
  assessmentUpdate,
  caseViewQuery,
  screeningUpdate,
  type CaseView,
} from '../../workflows/case/definitions';
import { HANDLER, waitForDeadline } from '../support/case-steps';
import { startCase } from '../support/cases';
import { createHarness, type Harness } from '../support/harness';
import { startTcpProxy } from '../support/tcp-proxy';
import { TEST_PAYLOAD_KEYS } from '../support/temporal';
import { eventually } from '../support/wait';
import { startWorkerChild, type WorkerChild } from '../support/worker-child';

let h: Harness;
const workers: WorkerChild[] = [];
beforeAll(async () => {
  h = await createHarness({ server: 'dev' });
});
afterAll(async () => {
  for (const w of workers) await w.kill();
  await h?.stop();
});

function workerEnv(temporalAddress = h.env.address): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: h.taskQueue,
    DATABASE_URL: h.db.url,
    SMTP_URL: h.smtp.url,
    MAIL_FROM: 'Child protection <no-reply@test.local>',
    PUBLIC_URL: 'http://cases.test',
    PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS,
  };
}

async function worker(temporalAddress?: string): Promise<WorkerChild> {
  const w = await startWorkerChild(workerEnv(temporalAddress));
  workers.push(w);
  return w;
}

/** A transaction of the test that holds the case row: the next UPDATE of that row waits for it. */
async function lockCaseRow(caseId: string) {
  const client = new Client({ connectionString: h.db.url });
  await client.connect();
  await client.query('BEGIN');
  await client.query('SELECT id FROM cases WHERE id = $1 FOR UPDATE', [caseId]);
  return {
    release: async () => {
      await client.query('ROLLBACK');
      await client.end();
    },
  };
}

/** Waits until some other session of the test database is blocked on a lock (the activity's UPDATE). */
async function activityWaitingOnLock(): Promise<void> {
  const client = new Client({ connectionString: h.db.url });
  await client.connect();
  try {
    await eventually(
      'the activity to wait on the row lock',
      async () => {
        const { rows } = await client.query<{ query: string }>(
          `SELECT query FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'`,
        );
        return rows.some((r) => /UPDATE "public"\."cases"/.test(r.query));
      },
      30_000,
    );
  } finally {
    await client.end();
  }
}

const auditCount = (caseId: string, action: string) =>
  h.db.prisma.auditEvent.count({ where: { caseId, action } });

/** The server's view of the case workflow's pending recordCaseAction, if any. */
async function pendingRecord(handle: WorkflowHandle) {
  const { raw } = await handle.describe();
  return raw.pendingActivities?.find((a) => a.activityType?.name === 'recordCaseAction');
}

describe('a worker killed in the middle of a write', () => {
  it('mid-transaction: nothing was committed, the retry on a new worker writes exactly one row', async () => {
    const first = await worker();
    const { handle, caseId } = await startCase(h.env.client, h.db.prisma, h.taskQueue);
    await waitForDeadline(handle, 'screening');
    expect(await auditCount(caseId, 'screening')).toBe(0);

    const lock = await lockCaseRow(caseId);
    const update = handle.executeUpdate(screeningUpdate, {
      args: [
        {
          actorId: HANDLER,
          screeningId: 'screening-crash',
          risk: 'MEDIUM',
          immediateNeeds: false,
          categories: ['neglect'],
        },
      ],
    });
    update.catch(() => undefined);
    await activityWaitingOnLock();
    const started = Date.now();
    await first.kill();
    await lock.release();
    // The killed worker's transaction never commits: no audit event, the case row unchanged.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await auditCount(caseId, 'screening')).toBe(0);
    expect((await h.db.prisma.case.findUniqueOrThrow({ where: { id: caseId } })).step).toBe('screening');
    expect(await pendingRecord(handle)).toMatchObject({ attempt: 1 });

    await worker();
    const view = await update;
    console.log(
      `mid-transaction kill: the step completed ${Math.round((Date.now() - started) / 1000)} s after the kill`,
    );
    expect(view.step).toBe('assessment');
    expect(await auditCount(caseId, 'screening')).toBe(1);
    const row = await h.db.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
    expect(row).toMatchObject({ step: 'assessment', risk: 'MEDIUM' });
    // The workflow goes on: the assessment clock is open, the next step works.
    await waitForDeadline(handle, 'assessment');
    const assessed = await handle.executeUpdate(assessmentUpdate, {
      args: [{ actorId: HANDLER, assessmentId: 'assessment-crash' }],
    });
    expect(assessed.step).toBe('planDraft');
    expect(await auditCount(caseId, 'assessment')).toBe(1);
    expect(await h.db.prisma.stepRecord.count({ where: { caseId, step: 'screening' } })).toBe(1);
  });

  it('after the commit, before Temporal heard of it: the retry finds its own row and writes nothing more', async () => {
    for (const w of workers.splice(0)) await w.kill();
    const relay = await startTcpProxy(h.env.address);
    try {
      const first = await worker(relay.address);
      const { handle, caseId } = await startCase(h.env.client, h.db.prisma, h.taskQueue);
      await waitForDeadline(handle, 'screening');
      const screened = await handle.executeUpdate(screeningUpdate, {
        args: [
          {
            actorId: HANDLER,
            screeningId: 's',
            risk: 'HIGH',
            immediateNeeds: false,
            categories: ['neglect'],
          },
        ],
      });
      expect(screened.step).toBe('assessment');

      const lock = await lockCaseRow(caseId);
      const update = handle.executeUpdate(assessmentUpdate, {
        args: [{ actorId: HANDLER, assessmentId: 'assessment-after-commit' }],
      });
      update.catch(() => undefined);
      await activityWaitingOnLock();
      // From now on the worker cannot tell Temporal anything; its database connection is direct.
      relay.blackhole();
      await lock.release();
      await eventually('the activity to commit', async () => (await auditCount(caseId, 'assessment')) === 1);
      const committed = await h.db.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
      expect(committed.step).toBe('planDraft');
      await first.kill();
      const started = Date.now();
      // Temporal still waits for the first attempt: it never heard of its completion.
      expect(await pendingRecord(handle)).toMatchObject({ attempt: 1 });

      await worker();
      const view: CaseView = await update;
      console.log(
        `kill after commit: the step completed ${Math.round((Date.now() - started) / 1000)} s after the kill`,
      );
      expect(view.step).toBe('planDraft');
      // The retried attempt found its own audit event (same workflow, run and activity id): nothing twice.
      expect(await auditCount(caseId, 'assessment')).toBe(1);
      const after = await h.db.prisma.case.findUniqueOrThrow({ where: { id: caseId } });
      expect(after.updatedAt.getTime()).toBe(committed.updatedAt.getTime());
      expect(await h.db.prisma.stepRecord.count({ where: { caseId, step: 'assessment' } })).toBe(1);
      await waitForDeadline(handle, 'planDraft');
      const current: CaseView = await handle.query(caseViewQuery);
      expect(current.openDeadlines.map((d) => d.step)).toContain('planDraft');
    } finally {
      await relay.stop();
    }
  });
});

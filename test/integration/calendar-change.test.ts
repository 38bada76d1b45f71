/**
 * Detection of a calendar change at worker start (issue 16, item 1): the production worker
 * (runWorker) on the Temporal dev server, the test database and an SMTP capture, over a copy of the
 * calendar in a temporary CALENDAR_DIR. A first start records the calendar as it is (no change);
 * an exceptional day off is then added inside a running case's assessment span, and two workers
 * start at the same moment: one calendar_changes row, one workflow calendar-change-<id>, and the
 * audit trail names the change on the calendar and on the deadline it moved.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clearProtocolCaches } from '../../protocol';
import { runWorker, type RunningWorker } from '../../worker/run';
import { screeningUpdate } from '../../workflows/case/definitions';
import { HANDLER, waitForDeadline } from '../support/case-steps';
import { startCase } from '../support/cases';
import { createHarness, type Harness } from '../support/harness';
import { TEST_PAYLOAD_KEYS } from '../support/temporal';
import { eventually } from '../support/wait';
import { workflowBundle } from '../support/workflow-bundle';

let h: Harness;
let dir: string;
const workers: RunningWorker[] = [];
const savedDir = process.env.CALENDAR_DIR;

beforeAll(async () => {
  h = await createHarness({ server: 'dev' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'calendar-detect-'));
  fs.cpSync(path.resolve(__dirname, '../../protocol/calendar'), path.join(dir, 'calendar'), {
    recursive: true,
  });
  fs.writeFileSync(path.join(dir, 'workflows.js'), (await workflowBundle()).code);
  process.env.CALENDAR_DIR = path.join(dir, 'calendar');
  clearProtocolCaches();
});
afterAll(async () => {
  for (const w of workers.splice(0)) await w.stop().catch(() => undefined);
  await h?.stop();
  if (savedDir === undefined) delete process.env.CALENDAR_DIR;
  else process.env.CALENDAR_DIR = savedDir;
  clearProtocolCaches();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<RunningWorker> {
  const w = await runWorker({
    ...process.env,
    TEMPORAL_ADDRESS: h.env.address,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: h.taskQueue,
    DATABASE_URL: h.db.url,
    SMTP_URL: h.smtp.url,
    MAIL_FROM: 'Child protection <no-reply@test.local>',
    PUBLIC_URL: 'http://cases.test',
    PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS,
    CALENDAR_DIR: path.join(dir, 'calendar'),
    WORKFLOW_BUNDLE_PATH: path.join(dir, 'workflows.js'),
  });
  workers.push(w);
  return w;
}

/** The local date (Casablanca) of the last day a deadline at local midnight ends. */
function lastDayOf(due: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Africa/Casablanca' }).format(
    new Date(due.getTime() - 1),
  );
}

it('records a changed calendar once when two workers start together, starts one workflow, and audits the change and the deadline it moved', async () => {
  // First start: every year is recorded as seen, nothing is a change.
  const first = await start();
  expect(await h.db.prisma.calendarVersion.count()).toBe(fs.readdirSync(path.join(dir, 'calendar')).length);
  expect(await h.db.prisma.calendarChange.count()).toBe(0);

  const { handle, caseId } = await startCase(h.env.client, h.db.prisma, h.taskQueue);
  await waitForDeadline(handle, 'screening');
  await handle.executeUpdate(screeningUpdate, {
    args: [
      {
        actorId: HANDLER,
        screeningId: 'screening-1',
        risk: 'MEDIUM',
        immediateNeeds: false,
        categories: ['neglect'],
      },
    ],
  });
  await waitForDeadline(handle, 'assessment');
  const before = await h.db.prisma.stepRecord.findFirstOrThrow({ where: { caseId, step: 'assessment' } });
  await first.stop();
  workers.splice(0);

  // The government declares the assessment's last working day an exceptional day off.
  const dayOff = lastDayOf(before.dueAt);
  const year = Number(dayOff.slice(0, 4));
  const file = path.join(dir, 'calendar', `${year}.json`);
  const cal = JSON.parse(fs.readFileSync(file, 'utf8')) as { holidays: { date: string }[] };
  expect(cal.holidays.map((d) => d.date)).not.toContain(dayOff);
  cal.holidays.push({ date: dayOff, name: 'Exceptional day off (test)', kind: 'exceptional' } as {
    date: string;
  });
  fs.writeFileSync(file, JSON.stringify(cal, null, 2));
  clearProtocolCaches();

  // Two workers start at the same moment: one change, one workflow.
  await Promise.all([start(), start()]);
  const changes = await h.db.prisma.calendarChange.findMany();
  expect(changes.map((c) => [c.year, c.added, c.removed])).toEqual([
    [year, [{ date: dayOff, name: 'Exceptional day off (test)' }], []],
  ]);
  const change = changes[0]!;
  const workflowId = `calendar-change-${change.id}`;
  const summary = (await h.env.client.workflow.getHandle(workflowId).result()) as unknown;
  expect(summary).toEqual({ changeId: change.id, signalled: 1, ended: 0 });
  const runs = await eventually('the change workflow listed', async () => {
    const found: string[] = [];
    for await (const w of h.env.client.workflow.list({ query: `WorkflowId = '${workflowId}'` }))
      found.push(w.runId);
    return found.length > 0 ? found : undefined;
  });
  expect(runs).toHaveLength(1);
  const row = await h.db.prisma.calendarChange.findUniqueOrThrow({ where: { id: change.id } });
  expect(row.startedAt).not.toBeNull();
  expect(row.finishedAt).not.toBeNull();
  expect(row.ownersSignalled).toBe(1);

  // The deadline moved past the new day off, audited with the change's id.
  const moved = await eventually('the moved assessment', async () => {
    const r = await h.db.prisma.stepRecord.findFirstOrThrow({ where: { caseId, step: 'assessment' } });
    return r.dueAt.getTime() !== before.dueAt.getTime() ? r : undefined;
  });
  expect(moved.dueAt.getTime()).toBeGreaterThan(before.dueAt.getTime());
  expect(lastDayOf(moved.dueAt) > dayOff).toBe(true);
  const audit = await h.db.prisma.auditEvent.findMany({
    where: { OR: [{ action: 'calendar.changed' }, { caseId, action: 'deadline.replanned' }] },
    orderBy: { id: 'asc' },
  });
  expect(audit.map((e) => [e.action, e.reason, e.entityId])).toEqual([
    ['calendar.changed', `holiday calendar ${year} changed`, change.id],
    ['deadline.replanned', 'calendarChanged', before.id],
  ]);
  expect(audit[1]!.details).toEqual(
    expect.objectContaining({
      step: 'assessment',
      calendarChangeId: change.id,
      dueBefore: before.dueAt.toISOString(),
      dueAfter: moved.dueAt.toISOString(),
    }),
  );

  // A further start with the same files records nothing and starts nothing.
  await start();
  expect(await h.db.prisma.calendarChange.count()).toBe(1);
  await handle.terminate('test over');
});

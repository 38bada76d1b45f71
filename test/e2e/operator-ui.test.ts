/**
 * The operators' view: the e2e suite's Temporal cluster (four server processes on PostgreSQL) and
 * its UI server — write actions disabled — the real worker (runWorker), and Debian's chromium
 * driven by playwright-core. A DEMO case's screening deadline passes while the
 * test watches; the UI's workflow list, filtered by the visibility query the README documents,
 * shows it — and not a DEMO case that is on time, nor an overdue case of another province.
 * Screenshots are kept in test-results/operator-ui/.
 *
 * The cluster runs on real time and a protocol deadline is at least an hour, so the overdue
 * cases start the way a case continues-as-new: their state carried in the workflow input, with a
 * screening deadline planned by the protocol from a report received 24 hours minus 25 seconds ago
 * (its step record in the database, as openDeadline writes it). The workflow code then flips
 * `Overdue` on its own when that instant passes.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { chromium, type BrowserContext } from 'playwright-core';
import { caseActivities } from '../../activities/case/activities';
import { startSmtpCapture, type SmtpCapture } from '../../devstack/smtp-capture';
import { loadConfig } from '../../lib/config';
import { connectClient } from '../../lib/temporal';
import { caseWorkflowId } from '../../workflows/case/definitions';
import { runWorker, type RunningWorker } from '../../worker/run';
import { insertCase } from '../support/cases';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { testCluster } from '../support/cluster';
import { TEST_PAYLOAD_KEYS } from '../support/temporal';
import { eventually } from '../support/wait';

const CHROMIUM = '/usr/bin/chromium';
const OUT = path.resolve(__dirname, '..', '..', 'test-results', 'operator-ui');
const OVERDUE_QUERY = 'Province = "DEMO" AND Overdue = true';
const ESCALATED_QUERY = 'Province = "DEMO" AND EscalationLevel >= 2';

let dir: string;
let uiUrl: string;
let db: TestDatabase;
let smtp: SmtpCapture;
let worker: RunningWorker;
let client: Client;
let taskQueue: string;
let browser: BrowserContext | undefined;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: apt-get install chromium (see README, "Temporal UI for operators")`,
    );
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cpe-ui-'));
  uiUrl = testCluster().uiUrl;
  [db, smtp] = await Promise.all([createTestDatabase(), startSmtpCapture({ port: 0 })]);
  taskQueue = `ui-${randomUUID()}`;
  const env = {
    ...testCluster().env,
    TEMPORAL_TASK_QUEUE: taskQueue,
    DATABASE_URL: db.url,
    SMTP_URL: smtp.url,
    PAYLOAD_ENCRYPTION_KEYS: TEST_PAYLOAD_KEYS,
    LOG_LEVEL: 'warn',
  };
  worker = await runWorker(env);
  client = await connectClient(loadConfig(env));
  fs.mkdirSync(OUT, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await client?.connection.close();
  await worker?.stop();
  await smtp?.stop();
  await db?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** A case whose screening falls due at `dueAt`, started as a continued-as-new run carrying it. */
async function caseDueAt(province: 'DEMO' | 'OTHR', dueAt: number): Promise<string> {
  const { caseId } = await insertCase(db.prisma, { province });
  // protocol v1: a report not urgent is screened within 24 clock hours, on the clock-hour ladder
  // (handler, supervisor and coordinator at the deadline, the committee 2 hours later).
  const HOUR = 3_600_000;
  const from = new Date(dueAt - 24 * HOUR);
  const at = (ms: number) => new Date(ms).toISOString();
  const plan = {
    dueAt: at(dueAt),
    ladder: [
      { level: 0, role: 'handler' as const, at: at(dueAt) },
      { level: 1, role: 'supervisor' as const, at: at(dueAt) },
      { level: 2, role: 'coordinator' as const, at: at(dueAt) },
      { level: 3, role: 'committee' as const, at: at(dueAt + 2 * HOUR) },
    ],
  };
  const id = randomUUID();
  await db.prisma.stepRecord.create({
    data: { id, caseId, step: 'screening', openedAt: from, dueAt: new Date(plan.dueAt) },
  });
  const state = await caseActivities({ prisma: db.prisma } as never).loadCaseState({ caseId });
  await client.workflow.start('caseWorkflow', {
    taskQueue,
    workflowId: caseWorkflowId(caseId),
    args: [
      {
        caseId,
        carried: {
          ...state,
          deadlines: [
            {
              id,
              step: 'screening',
              province,
              openedAt: from.toISOString(),
              dueAt: plan.dueAt,
              ladder: plan.ladder,
              fired: [],
            },
          ],
        },
      },
    ],
  });
  return caseWorkflowId(caseId);
}

/** The workflows of this test (other e2e files share the cluster's namespace) that `query` finds. */
const listed = async (query: string) => {
  const ids: string[] = [];
  const own = `(${query}) AND TaskQueue = "${taskQueue}"`;
  for await (const w of client.workflow.list({ query: own })) ids.push(w.workflowId);
  return ids;
};

async function openList(query: string, screenshot: string) {
  browser ??= await chromium.launchPersistentContext(
    fs.mkdtempSync(path.join(os.tmpdir(), 'cpe-chromium-')),
    {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1400, height: 900 },
    },
  );
  const page = browser.pages()[0] ?? (await browser.newPage());
  const url = `${uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(query)}`;
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  return {
    page,
    shot: () => page.screenshot({ path: path.join(OUT, screenshot), fullPage: true }),
  };
}

describe('Temporal UI for operators', () => {
  it('lists the overdue and escalated cases of a province with the documented visibility queries', async () => {
    // The UI answers once its server is up.
    await eventually('the Temporal UI', async () => ((await fetch(uiUrl)).ok ? true : undefined));

    const dueAt = Date.now() + 25_000;
    const overdue = await caseDueAt('DEMO', dueAt);
    const elsewhere = await caseDueAt('OTHR', dueAt);
    const { caseId: onTimeCase } = await insertCase(db.prisma);
    await client.workflow.start('caseWorkflow', {
      taskQueue,
      workflowId: caseWorkflowId(onTimeCase),
      args: [{ caseId: onTimeCase }],
    });
    const onTime = caseWorkflowId(onTimeCase);

    // Before the deadline, nothing of ours is overdue.
    await eventually('the cases visible to the UI', async () => {
      const ids = await listed('Province = "DEMO"');
      return ids.includes(overdue) && ids.includes(onTime) ? ids : undefined;
    });
    expect(await listed(OVERDUE_QUERY)).toEqual([]);

    // After it, Overdue turns true by itself; the ladder's rungs at the deadline (handler,
    // supervisor, coordinator) raise EscalationLevel to 2 once their mail has gone.
    await new Promise((r) => setTimeout(r, Math.max(0, dueAt - Date.now())));
    await eventually(
      'the overdue case in the visibility store',
      async () => ((await listed(OVERDUE_QUERY)).includes(overdue) ? true : undefined),
      30_000,
    );
    expect(await listed(OVERDUE_QUERY)).toEqual([overdue]);
    // The other province’s case is overdue too, only not DEMO's.
    await eventually('the other province’s overdue case', async () =>
      (await listed('Overdue = true')).includes(elsewhere) ? true : undefined,
    );
    await eventually(
      'the escalated case',
      async () => ((await listed(ESCALATED_QUERY)).includes(overdue) ? true : undefined),
      30_000,
    );

    // The UI, as an operator sees it.
    const overdueList = await openList(OVERDUE_QUERY, 'overdue-demo.png');
    await overdueList.page.getByText(overdue).first().waitFor({ state: 'visible', timeout: 60_000 });
    expect(await overdueList.page.getByText(onTime).count()).toBe(0);
    expect(await overdueList.page.getByText(elsewhere).count()).toBe(0);
    await overdueList.shot();

    // Every query the README documents is valid for the server, and the two above are among them.
    const readme = fs.readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.split('## Temporal UI for operators')[1]?.split('\n## ')[0] ?? '';
    const documented = [...section.matchAll(/^\|[^|\n]+\|\s*`([^`]+)`\s*\|$/gm)].map((m) => m[1] ?? '');
    expect(documented).toEqual(expect.arrayContaining([OVERDUE_QUERY, ESCALATED_QUERY]));
    for (const query of documented) await expect(listed(query)).resolves.toBeInstanceOf(Array);
    expect(await listed(`WorkflowType = "caseWorkflow" AND ${OVERDUE_QUERY}`)).toEqual([overdue]);

    const escalatedList = await openList(ESCALATED_QUERY, 'escalated-demo.png');
    await escalatedList.page.getByText(overdue).first().waitFor({ state: 'visible', timeout: 60_000 });
    expect(await escalatedList.page.getByText(onTime).count()).toBe(0);
    await escalatedList.shot();
    expect(fs.statSync(path.join(OUT, 'overdue-demo.png')).size).toBeGreaterThan(10_000);
  });
});

/**
 * Retention on the dev server (schedules need it; the job waits on no timer, so the real clock is
 * fine): children whose cases were all closed longer ago than RETENTION_CLOSED_DAYS are
 * pseudonymised by the scheduled workflow, once, with one audit event each; every other child is
 * left exactly as it was.
 */
import { randomUUID } from 'node:crypto';
import { pseudonymFor } from '../../activities/retention/activities';
import type { RetentionSummary } from '../../workflows/retention/types';
import { ensureRetentionSchedule, RETENTION_SCHEDULE_ID } from '../../worker/retention-schedule';
import { createHarness, type Harness } from '../support/harness';
import { eventually } from '../support/wait';

const DAY = 86_400_000;
const FIVE_YEARS = 1826;

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ server: 'dev' });
  await h.startWorker({ config: { RETENTION_CLOSED_DAYS: FIVE_YEARS } });
});
afterAll(() => h?.stop());

const ago = (days: number) => new Date(Date.now() - days * DAY);

/**
 * A child with one case per entry (closed that many days ago, or open when null), each case with
 * a report, a screening, an assessment, a plan and a review that all hold free text.
 */
async function childWith(
  name: string,
  cases: (number | null)[],
): Promise<{ childId: string; caseIds: string[] }> {
  const prisma = h.db.prisma;
  const childId = randomUUID();
  await prisma.child.create({
    data: {
      id: childId,
      firstName: `${name}First`,
      lastName: `${name}Last`,
      birthDate: new Date('2011-06-15T00:00:00Z'),
      sex: 'female',
      nationality: 'MA',
    },
  });
  const caseIds: string[] = [];
  for (const [i, closedDaysAgo] of cases.entries()) {
    const caseId = randomUUID();
    caseIds.push(caseId);
    const closed = closedDaysAgo !== null;
    // One open case per child and province: open ones go to OTHR.
    const province = closed ? 'DEMO' : 'OTHR';
    await prisma.case.create({
      data: {
        id: caseId,
        reference: `RET-${i}-${caseId.slice(0, 8)}`,
        workflowId: `case-${caseId}`,
        childId,
        provinceCode: province,
        unitId: closed ? 'unit-demo-upe' : 'unit-othr-upe',
        step: closed ? 'closed' : 'followUp',
        risk: 'MEDIUM',
        categories: ['neglect'],
        status: closed ? 'closed' : 'open',
        protocolVersion: 1,
        openedAt: ago((closedDaysAgo ?? 0) + 200),
        closedAt: closed ? ago(closedDaysAgo) : null,
        closureReason: closed ? 'objectivesMet' : null,
        reports: {
          create: {
            id: randomUUID(),
            channel: 'school',
            receivedAt: ago((closedDaysAgo ?? 0) + 200),
            reporterName: `${name}Reporter`,
            reporterContact: `${name}@reporter.example`,
            narrative: `${name} narrative`,
            categories: ['neglect'],
          },
        },
        screenings: {
          create: {
            id: randomUUID(),
            risk: 'MEDIUM',
            immediateNeeds: false,
            categories: ['neglect'],
            notes: `${name} screening notes`,
            screenedById: 'staff-demo-handler',
          },
        },
        assessments: {
          create: {
            id: randomUUID(),
            social: `${name} social`,
            legal: `${name} legal`,
            assessedById: 'staff-demo-handler',
          },
        },
        plans: {
          create: {
            id: randomUUID(),
            version: 1,
            status: 'approved',
            returnReason: `${name} return reason`,
            items: {
              create: {
                id: randomUUID(),
                serviceType: 'familySupport',
                partnerId: 'partner-demo-association',
                objective: `${name} objective`,
              },
            },
          },
        },
        referrals: {
          create: {
            id: randomUUID(),
            partnerId: 'partner-demo-association',
            serviceType: 'familySupport',
            status: 'declined',
            requestedAt: ago((closedDaysAgo ?? 0) + 190),
            declinedAt: ago((closedDaysAgo ?? 0) + 189),
            declineReason: `${name} decline reason`,
            workflowId: `referral-${randomUUID()}`,
          },
        },
        reviews: {
          create: {
            id: randomUUID(),
            riskAfter: 'LOW',
            decision: 'continue',
            notes: `${name} review notes`,
            reviewedById: 'staff-demo-handler',
          },
        },
        emergencyMeasures: {
          create: {
            id: randomUUID(),
            measures: ['medical'],
            notes: `${name} emergency notes`,
            recordedAt: ago((closedDaysAgo ?? 0) + 199),
            recordedById: 'staff-demo-handler',
          },
        },
        judicialNotifications: {
          create: {
            id: randomUUID(),
            status: 'sent',
            notes: `${name} prosecutor reference`,
            recordedAt: ago((closedDaysAgo ?? 0) + 199),
            recordedById: 'staff-demo-handler',
          },
        },
        closures: {
          create: {
            id: randomUUID(),
            reason: 'objectivesMet',
            notes: `${name} closure notes`,
            status: 'approved',
            requestedAt: ago((closedDaysAgo ?? 0) + 1),
            requestedById: 'staff-demo-handler',
            decisions: {
              create: {
                id: randomUUID(),
                decision: 'return',
                reason: `${name} closure return`,
                decidedAt: ago((closedDaysAgo ?? 0) + 1),
                decidedById: 'staff-demo-supervisor',
              },
            },
          },
        },
        checkBacks: {
          create: {
            id: randomUUID(),
            outcome: 'stable',
            notes: `${name} check-back notes`,
            recordedAt: ago(closedDaysAgo ?? 0),
            recordedById: 'staff-demo-handler',
          },
        },
      },
    });
  }
  return { childId, caseIds };
}

async function withPathway(
  child: { childId: string; caseIds: string[] },
  phase: 'accompaniment' | 'completed',
  completedDaysAgo: number | null,
) {
  await h.db.prisma.leavingCarePathway.create({
    data: {
      id: randomUUID(),
      childId: child.childId,
      caseId: child.caseIds[0] ?? '',
      provinceCode: 'DEMO',
      workflowId: `leaving-care-${child.childId}`,
      protocolVersion: 1,
      phase,
      trigger: 'placement',
      enrolledAt: ago(4000),
      accompanimentMonths: 12,
      completedAt: completedDaysAgo === null ? null : ago(completedDaysAgo),
      axes: {
        create: { id: randomUUID(), axis: 'health', status: 'achieved' },
      },
      objectives: {
        create: {
          id: randomUUID(),
          reviewId: randomUUID(),
          axis: 'health',
          position: 1,
          objective: 'see a doctor',
          recordedAt: ago(3500),
          recordedById: 'x',
        },
      },
      contacts: {
        create: {
          id: randomUUID(),
          month: 1,
          contactedAt: ago(3000),
          recordedById: 'x',
          notes: 'contact notes',
        },
      },
    },
  });
}

/** Everything about a child that retention may change, to compare before and after. */
async function snapshot(childId: string) {
  return h.db.prisma.child.findUniqueOrThrow({
    where: { id: childId },
    include: {
      cases: {
        orderBy: { id: 'asc' },
        include: {
          reports: true,
          screenings: true,
          assessments: true,
          reviews: true,
          plans: { include: { items: true } },
          referrals: true,
          emergencyMeasures: true,
          judicialNotifications: true,
          closures: { include: { decisions: true } },
          checkBacks: true,
        },
      },
      leavingCarePathway: { include: { axes: true, contacts: true, objectives: true } },
    },
  });
}

const pseudonymisations = (childId: string) =>
  h.db.prisma.auditEvent.findMany({ where: { action: 'child.pseudonymised', entityId: childId } });

async function run(): Promise<RetentionSummary> {
  return h.env.client.workflow.execute('retentionWorkflow', {
    taskQueue: h.taskQueue,
    workflowId: `retention-test-${randomUUID()}`,
    args: [{}],
  });
}

describe('retention', () => {
  it('pseudonymises children whose cases all closed over five years ago, from the nightly schedule, once', async () => {
    const old = await childWith('Oldclosed', [FIVE_YEARS + 30]);
    const oldButOpen = await childWith('Stillopen', [FIVE_YEARS + 30, null]);
    const recent = await childWith('Recent', [2 * 365]);
    const mixed = await childWith('Mixed', [7 * 365, 3 * 365]);
    const inCare = await childWith('Incare', [FIVE_YEARS + 30]);
    await withPathway(inCare, 'accompaniment', null);
    const leftCare = await childWith('Leftcare', [FIVE_YEARS + 60]);
    await withPathway(leftCare, 'completed', FIVE_YEARS + 10);
    const untouched = [oldButOpen, recent, mixed, inCare];
    const before = await Promise.all(untouched.map((c) => snapshot(c.childId)));

    // The schedule the worker creates at start-up: nightly at 02:30 Casablanca time, kept if present.
    expect(await ensureRetentionSchedule(h.env.client, { taskQueue: h.taskQueue })).toBe('created');
    expect(await ensureRetentionSchedule(h.env.client, { taskQueue: h.taskQueue })).toBe('kept');
    const schedule = h.env.client.schedule.getHandle(RETENTION_SCHEDULE_ID);
    const described = await schedule.describe();
    expect(described.spec.timezone).toBe('Africa/Casablanca');
    expect(described.spec.calendars?.[0]?.hour).toEqual([{ start: 2, end: 2, step: 1 }]);
    expect(described.spec.calendars?.[0]?.minute).toEqual([{ start: 30, end: 30, step: 1 }]);
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'retentionWorkflow' });
    expect(described.policies.overlap).toBe('SKIP');

    await schedule.trigger();
    const action = await eventually('the triggered run', async () => {
      const info = (await schedule.describe()).info;
      return info.recentActions[0]?.action.workflow;
    });
    const first: RetentionSummary = await h.env.client.workflow
      .getHandle(action.workflowId, action.firstExecutionRunId)
      .result();
    expect(first).toMatchObject({ pseudonymised: 2, skipped: 0 });
    expect(Date.parse(first.closedBefore)).toBeCloseTo(Date.parse(first.at) - FIVE_YEARS * DAY, -3);

    // The pseudonymised child: pseudonym, year of birth only, no reporter, no narrative anywhere.
    const done = await snapshot(old.childId);
    expect(done).toMatchObject({
      ...pseudonymFor(old.childId),
      birthYearOnly: true,
      sex: 'female',
      nationality: 'MA',
    });
    expect(done.birthDate.toISOString()).toBe('2011-01-01T00:00:00.000Z');
    expect(done.pseudonymisedAt?.toISOString()).toBe(first.at);
    const [kase] = done.cases;
    expect(kase?.reports).toEqual([
      expect.objectContaining({
        reporterName: null,
        reporterContact: null,
        narrative: null,
        channel: 'school',
      }),
    ]);
    expect(kase?.screenings).toEqual([expect.objectContaining({ notes: null, risk: 'MEDIUM' })]);
    expect(kase?.assessments).toEqual([expect.objectContaining({ social: null, legal: null })]);
    expect(kase?.reviews).toEqual([expect.objectContaining({ notes: null, decision: 'continue' })]);
    expect(kase?.plans[0]).toMatchObject({
      returnReason: null,
      items: [expect.objectContaining({ objective: null })],
    });
    expect(kase?.referrals).toEqual([
      expect.objectContaining({ declineReason: null, status: 'declined', serviceType: 'familySupport' }),
    ]);
    expect(kase?.emergencyMeasures).toEqual([
      expect.objectContaining({ notes: null, measures: ['medical'] }),
    ]);
    expect(kase?.judicialNotifications).toEqual([expect.objectContaining({ notes: null, status: 'sent' })]);
    expect(kase?.closures).toEqual([
      expect.objectContaining({
        notes: null,
        status: 'approved',
        decisions: [expect.objectContaining({ reason: null, decision: 'return' })],
      }),
    ]);
    expect(kase?.checkBacks).toEqual([expect.objectContaining({ notes: null, outcome: 'stable' })]);
    expect(kase).toMatchObject({ status: 'closed', risk: 'MEDIUM', categories: ['neglect'] });
    expect(JSON.stringify(done)).not.toMatch(/Oldclosed/);

    const left = await snapshot(leftCare.childId);
    expect(left.pseudonymisedAt).not.toBeNull();
    expect(left.leavingCarePathway?.axes).toEqual([
      expect.objectContaining({ axis: 'health', status: 'achieved' }),
    ]);
    expect(left.leavingCarePathway?.objectives).toEqual([]);
    expect(left.leavingCarePathway?.contacts).toEqual([expect.objectContaining({ notes: null, month: 1 })]);
    expect(JSON.stringify(left)).not.toMatch(/Leftcare/);

    // One audit event per child, by the system, on the child's last case, saying why.
    const events = await pseudonymisations(old.childId);
    expect(events).toEqual([
      expect.objectContaining({
        actorType: 'system',
        actorId: null,
        caseId: old.caseIds[0],
        entity: 'child',
        reason: `every case of the child closed more than ${FIVE_YEARS} days ago (retention)`,
      }),
    ]);
    expect(events[0]?.details).toMatchObject({ caseIds: old.caseIds, retentionDays: FIVE_YEARS });

    // A case still open, one closed within five years, a pathway still running: left exactly as they were.
    expect(await Promise.all(untouched.map((c) => snapshot(c.childId)))).toEqual(before);
    for (const c of untouched) expect(await pseudonymisations(c.childId)).toEqual([]);

    // Idempotent: a second run finds nobody, and nothing is written twice.
    const audits = await h.db.prisma.auditEvent.count();
    expect(await run()).toMatchObject({ pseudonymised: 0, skipped: 0 });
    expect(await h.db.prisma.auditEvent.count()).toBe(audits);
    expect(await snapshot(old.childId)).toEqual(done);
  });

  it('follows RETENTION_CLOSED_DAYS: with one year, the recently closed children go too, never one with an open case', async () => {
    const recent = await childWith('Yearago', [400]);
    const stillOpen = await childWith('Openagain', [800, null]);
    const tooRecent = await childWith('Lastmonth', [30]);
    await h.stopWorkers();
    await h.startWorker({ config: { RETENTION_CLOSED_DAYS: 365 } });
    const summary = await run();
    expect(summary.pseudonymised).toBeGreaterThanOrEqual(1);
    expect((await snapshot(recent.childId)).pseudonymisedAt).not.toBeNull();
    expect((await snapshot(stillOpen.childId)).firstName).toBe('OpenagainFirst');
    expect((await snapshot(tooRecent.childId)).firstName).toBe('LastmonthFirst');
    expect(await pseudonymisations(recent.childId)).toHaveLength(1);
  });
});

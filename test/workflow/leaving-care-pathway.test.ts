/**
 * The leaving-care pathway (protocol.md §4) on Temporal's time-skipping server, across real years:
 * every stage on the right day, measured against dates worked out here from the date of birth.
 */
import { addLocalMonths, localDateOf, toLocal } from '../../protocol';
import {
  exitPlanUpdate,
  integrationOutcomeUpdate,
  mediatorAssignmentUpdate,
  mediatorContactUpdate,
  programmeReviewUpdate,
  programmeUpdate,
  type LeavingCareView,
} from '../../workflows/leaving-care/definitions';
import { createHarness, type Harness } from '../support/harness';
import {
  addDaysToDate,
  addMonthsToDate,
  allAxes,
  allItems,
  birthDateAged,
  DAY,
  HANDLER,
  historyOfAllRuns,
  localMidnight,
  MEDIATOR,
  MINUTE,
  pathwayView,
  rejection,
  sleepUntil,
  startPathway,
  TZ,
  waitForPhase,
  writeObjectives,
} from '../support/leaving-care';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  await h.startWorker();
});
afterAll(() => h?.stop());

const stepRecords = (pathwayId: string, step: string) =>
  h.db.prisma.stepRecord.findMany({ where: { subjectId: pathwayId, step }, orderBy: { openedAt: 'asc' } });

describe('leaving-care pathway', () => {
  it('takes a child enrolled at 13 years 11 months from the 15th birthday to the outcome a year after exit, each stage on its day', async () => {
    const birthDate = birthDateAged(await h.env.currentTimeMs(), 13, 11);
    const [year, mm, dd] = birthDate.split('-');
    const fifteenth = `${Number(year) + 15}-${mm}-${dd}`;
    const eighteenth = `${Number(year) + 18}-${mm}-${dd}`;
    const { handle, caseId } = await startPathway(h.env.client, h.db.prisma, h.taskQueue, {
      birthDate,
      maxHistoryEvents: 250,
    });
    const firstRunId = (await handle.describe()).runId;

    // Enrolled and waiting: the milestones are local midnights of the birthdays.
    const enrolled = await pathwayView(handle);
    expect(enrolled.phase).toBe('waiting');
    const m = enrolled.milestones!;
    expect(m.preparationAt).toBe(localMidnight(fifteenth));
    expect(m.exitAt).toBe(localMidnight(eighteenth));
    expect(m.exitPlanDueAt).toBe(localMidnight(addMonthsToDate(eighteenth, -6)));
    expect(m.contactDueAt).toEqual(
      Array.from({ length: 12 }, (_, k) => localMidnight(addMonthsToDate(eighteenth, k + 1))),
    );
    expect(m.accompanimentEndsAt).toBe(localMidnight(addMonthsToDate(eighteenth, 12)));
    const { pathwayId } = enrolled;
    const row = await h.db.prisma.leavingCarePathway.findUniqueOrThrow({ where: { id: pathwayId } });
    expect(row).toMatchObject({ caseId, phase: 'waiting', trigger: 'api', accompanimentMonths: 12 });
    expect(row.exitAt?.toISOString()).toBe(m.exitAt);
    expect(await h.db.prisma.leavingCareAxis.count({ where: { pathwayId, status: 'notStarted' } })).toBe(5);

    // Too early for the programme.
    expect(
      await rejection(
        handle.executeUpdate(programmeUpdate, { args: [{ actorId: HANDLER, axes: allAxes('inProgress') }] }),
      ),
    ).toBe("the pathway is in phase 'waiting'; this action needs 'preparation'");
    await writeObjectives(h.db.prisma, pathwayId);
    await handle.executeUpdate(mediatorAssignmentUpdate, {
      args: [{ actorId: HANDLER, mediatorId: MEDIATOR }],
    });

    // The 15th birthday: preparation, the programme due 30 days later, the exit plan 6 months before 18.
    await sleepUntil(h.env, Date.parse(m.preparationAt) - MINUTE);
    expect((await pathwayView(handle)).phase).toBe('waiting');
    expect(await stepRecords(pathwayId, 'programme')).toHaveLength(0);
    await sleepUntil(h.env, Date.parse(m.preparationAt) + MINUTE);
    const preparing = await waitForPhase(handle, 'preparation');
    expect(preparing.phaseSince).toBe(m.preparationAt);
    const [programme] = await stepRecords(pathwayId, 'programme');
    expect(programme?.openedAt.toISOString()).toBe(m.preparationAt);
    expect(programme?.dueAt.toISOString()).toBe(localMidnight(addDaysToDate(fifteenth, 30)));
    const [exitPlan] = await stepRecords(pathwayId, 'exitPlan');
    expect(exitPlan?.dueAt.toISOString()).toBe(m.exitPlanDueAt);

    // Assessment and programme ten days in; then a review every 3 months and the exit plan, each
    // answered a little before it is due, until the 18th birthday.
    await sleepUntil(h.env, Date.parse(m.preparationAt) + 10 * DAY);
    let view: LeavingCareView = await handle.executeUpdate(programmeUpdate, {
      args: [{ actorId: HANDLER, axes: allAxes('inProgress') }],
    });
    let exitPlanDone = false;
    for (;;) {
      const review = view.openDeadlines.find((d) => d.step === 'programmeReview');
      const reviewAt = review ? Date.parse(review.dueAt) - 2 * DAY : Infinity;
      const exitPlanAt = exitPlanDone ? Infinity : Date.parse(m.exitPlanDueAt) - 5 * DAY;
      const nextAt = Math.min(reviewAt, exitPlanAt);
      if (nextAt >= Date.parse(m.exitAt)) break;
      await sleepUntil(h.env, nextAt);
      if (nextAt === exitPlanAt) {
        view = await handle.executeUpdate(exitPlanUpdate, {
          args: [{ actorId: MEDIATOR, items: allItems('inProgress') }],
        });
        exitPlanDone = true;
      } else {
        view = await handle.executeUpdate(programmeReviewUpdate, {
          args: [{ actorId: HANDLER, axes: allAxes('inProgress') }],
        });
      }
    }
    expect(view.reviews).toBeGreaterThanOrEqual(11);
    expect(view.exitPlanAt).not.toBeNull();
    const reviews = await stepRecords(pathwayId, 'programmeReview');
    for (const r of reviews) {
      // Each review is due 3 calendar months after the one before, at the same local time.
      expect(r.dueAt.toISOString()).toBe(addLocalMonths(r.openedAt, 3, TZ).toISOString());
    }

    // The 18th birthday: exit. The review that would fall after it is superseded, not missed.
    await sleepUntil(h.env, Date.parse(m.exitAt) - MINUTE);
    expect((await pathwayView(handle)).phase).toBe('preparation');
    await sleepUntil(h.env, Date.parse(m.exitAt) + MINUTE);
    const exited = await waitForPhase(handle, 'accompaniment');
    expect(exited.phaseSince).toBe(m.exitAt);
    const closedReviews = await stepRecords(pathwayId, 'programmeReview');
    expect(closedReviews.map((r) => r.outcome)).toEqual([
      ...Array<string>(closedReviews.length - 1).fill('done'),
      'cancelled',
    ]);
    expect((await stepRecords(pathwayId, 'exitPlan'))[0]?.outcome).toBe('done');

    // Twelve monthly contacts, each period opening on the day the previous one ends.
    for (let month = 1; month <= 12; month += 1) {
      const startsAt = month === 1 ? m.exitAt : m.contactDueAt[month - 2]!;
      await sleepUntil(h.env, Date.parse(startsAt) + 3 * DAY);
      view = await handle.executeUpdate(mediatorContactUpdate, { args: [{ actorId: MEDIATOR }] });
      expect(view.contacts).toBe(month);
    }
    const periods = await stepRecords(pathwayId, 'mediatorContact');
    expect(periods.map((p) => [p.openedAt.toISOString(), p.dueAt.toISOString(), p.outcome])).toEqual(
      m.contactDueAt.map((due, k) => [k === 0 ? m.exitAt : m.contactDueAt[k - 1], due, 'done']),
    );
    const contacts = await h.db.prisma.leavingCareContact.findMany({
      where: { pathwayId },
      orderBy: { contactedAt: 'asc' },
    });
    expect(contacts.map((c) => c.month)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);

    // A year after exit: the outcome, due within 30 days.
    await sleepUntil(h.env, Date.parse(m.accompanimentEndsAt) + MINUTE);
    const ending = await waitForPhase(handle, 'outcome');
    expect(ending.phaseSince).toBe(m.accompanimentEndsAt);
    const [outcomeStep] = await stepRecords(pathwayId, 'integrationOutcome');
    expect(outcomeStep?.dueAt.toISOString()).toBe(
      localMidnight(addDaysToDate(addMonthsToDate(eighteenth, 12), 30)),
    );
    await sleepUntil(h.env, Date.parse(m.accompanimentEndsAt) + 7 * DAY);
    const outcomes = [
      { axis: 'health', outcome: 'integrated' },
      { axis: 'educationTraining', outcome: 'partlyIntegrated' },
      { axis: 'employment', outcome: 'integrated' },
      { axis: 'socialAssistance', outcome: 'notIntegrated' },
      { axis: 'socialParticipation', outcome: 'integrated' },
    ];
    await handle.executeUpdate(integrationOutcomeUpdate, { args: [{ actorId: MEDIATOR, outcomes }] });
    const final = await handle.result();
    expect(final).toMatchObject({ phase: 'completed', stepsLate: 0, stepsMissed: 0, openDeadlines: [] });
    expect(final.stepsOnTime).toBe(1 + 1 + reviews.length - 1 + 12 + 1);

    // Stored for the committee: the outcome per axis under the province; nothing ever escalated.
    const stored = await h.db.prisma.leavingCareOutcome.findMany({
      where: { pathwayId },
      orderBy: { axis: 'asc' },
    });
    expect(stored.map((o) => [o.axis, o.outcome, o.provinceCode])).toEqual(
      [...outcomes].sort((a, b) => a.axis.localeCompare(b.axis)).map((o) => [o.axis, o.outcome, 'DEMO']),
    );
    const done = await h.db.prisma.leavingCarePathway.findUniqueOrThrow({ where: { id: pathwayId } });
    expect(done.phase).toBe('completed');
    expect(await h.db.prisma.escalation.count({ where: { caseId } })).toBe(0);
    const actions = (
      await h.db.prisma.auditEvent.findMany({ where: { entityId: pathwayId }, orderBy: { id: 'asc' } })
    ).map((e) => e.action);
    expect(actions.slice(0, 4)).toEqual([
      'leavingCare.enrolled',
      'leavingCare.mediatorAssigned',
      'leavingCare.preparation',
      'leavingCare.programme',
    ]);
    expect(actions.filter((a) => a === 'leavingCare.mediatorContact')).toHaveLength(12);
    expect(actions.slice(-2)).toEqual(['leavingCare.accompanimentEnded', 'leavingCare.integrationOutcome']);

    // Five years of pathway in a bounded history.
    const history = await historyOfAllRuns(h.env.client, handle.workflowId, firstRunId);
    console.log(
      `leaving-care pathway ${localDateOf(new Date(m.preparationAt), TZ)} → ${localDateOf(new Date(m.accompanimentEndsAt), TZ)}: ` +
        `${reviews.length} reviews, 12 contacts, ${history.runs} runs, ${history.events} events in all, largest run ${history.largestRun} events`,
    );
    expect(history.runs).toBeGreaterThan(1);
    expect(history.largestRun).toBeLessThan(400);
    expect(toLocal(new Date(m.exitAt), TZ)).toMatchObject({ hour: 0, minute: 0 });
  });
});

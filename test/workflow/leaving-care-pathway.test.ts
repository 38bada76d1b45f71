/**
 * The leaving-care pathway (protocol.md §4) on Temporal's time-skipping server, across real years:
 * every stage on the right day. Each test moves the server's clock to a fixed instant and enrols a
 * child with a fixed date of birth, so every expected date is written out here by hand: local
 * midnights of Africa/Casablanca, UTC+1, or UTC+0 in the Ramadan weeks (7 Feb–14 Mar 2027,
 * 30 Dec 2029–10 Feb 2030, 22 Dec 2030–26 Jan 2031, 14 Dec 2031–18 Jan 2032).
 */
import type { UpdateDefinition } from '@temporalio/common';
import { simpleParser } from 'mailparser';
import { localDateOf, toLocal } from '../../protocol';
import {
  accompanimentUpdate,
  exitPlanUpdate,
  integrationOutcomeUpdate,
  mediatorAssignmentUpdate,
  mediatorContactUpdate,
  programmeReviewUpdate,
  programmeUpdate,
  type LeavingCareView,
} from '../../workflows/leaving-care/definitions';
import { createHarness, type Harness } from '../support/harness';
import { clockAt } from '../support/cases';
import {
  allAxes,
  allItems,
  DAY,
  HANDLER,
  historyOfAllRuns,
  MEDIATOR,
  MINUTE,
  pathwayView,
  rejection,
  resultWithoutSkipping,
  sleepUntil,
  startPathway,
  TZ,
  waitForPhase,
} from '../support/leaving-care';
import { eventually } from '../support/wait';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
  await h.startWorker();
});
afterAll(() => h?.stop());

const stepRecords = (pathwayId: string, step: string) =>
  h.db.prisma.stepRecord.findMany({ where: { subjectId: pathwayId, step }, orderBy: { openedAt: 'asc' } });

// Tests run in order on one server clock: the short ones first, the five-year pathway last.
describe('leaving-care pathway', () => {
  it('starts preparation at once for a child enrolled at 16, and rejects out-of-order or invalid steps with a reason, changing nothing', async () => {
    // Mon 4 Jan 2027, 10:00 local: a child of 16 years and 2 months, 18 on 4 Nov 2028.
    await clockAt(h.env, '2027-01-04T09:00:00.000Z');
    const birthDate = '2010-11-04';
    const { handle } = await startPathway(h.env.client, h.db.prisma, h.taskQueue, { birthDate });
    const view = await waitForPhase(handle, 'preparation');
    const { pathwayId } = view;
    const row = await h.db.prisma.leavingCarePathway.findUniqueOrThrow({ where: { id: pathwayId } });
    expect(view.phaseSince).toBe(row.enrolledAt.toISOString());
    expect(view.milestones?.preparationAt).toBe(row.enrolledAt.toISOString());
    expect(view.milestones?.exitPlanDueAt).toBe('2028-05-03T23:00:00.000Z'); // 4 May 2028, 6 months before 18
    const [programme] = await stepRecords(pathwayId, 'programme');
    expect(programme?.openedAt.toISOString()).toBe(row.enrolledAt.toISOString());
    expect(localDateOf(row.enrolledAt, TZ)).toBe('2027-01-04');
    // 30 days later at the same local time (3 Feb 2027, still UTC+1): exactly 30 × 24 hours.
    expect(programme!.dueAt.getTime() - row.enrolledAt.getTime()).toBe(30 * DAY);

    const counts = async () => ({
      audit: await h.db.prisma.auditEvent.count({ where: { entityId: pathwayId } }),
      reviews: await h.db.prisma.leavingCareReview.count({ where: { pathwayId } }),
      exitPlans: await h.db.prisma.leavingCareExitPlan.count({ where: { pathwayId } }),
      axes: (
        await h.db.prisma.leavingCareAxis.findMany({ where: { pathwayId }, orderBy: { axis: 'asc' } })
      ).map((a) => a.status),
      mediator: (await h.db.prisma.leavingCarePathway.findUniqueOrThrow({ where: { id: pathwayId } }))
        .mediatorId,
    });
    const before = { view: await pathwayView(handle), db: await counts() };
    const send = <A>(update: UpdateDefinition<LeavingCareView, [A]>, arg: A) =>
      rejection(handle.executeUpdate(update, { args: [arg] }));
    const axes = allAxes('inProgress');

    expect(await send(mediatorContactUpdate, { actorId: MEDIATOR })).toBe(
      "the pathway is in phase 'preparation'; contacts are recorded during accompaniment, after exit",
    );
    expect(await send(programmeReviewUpdate, { actorId: HANDLER, axes })).toBe(
      'the programme is not set yet: record the autonomy assessment first',
    );
    expect(await send(exitPlanUpdate, { actorId: MEDIATOR, items: allItems('achieved') })).toBe(
      'the programme is not set yet: record the autonomy assessment first',
    );
    expect(
      await send(integrationOutcomeUpdate, {
        actorId: MEDIATOR,
        outcomes: axes.map((a) => ({ axis: a.axis, outcome: 'integrated' })),
      }),
    ).toBe("the pathway is in phase 'preparation'; this action needs 'outcome'");
    expect(await send(programmeUpdate, { actorId: HANDLER, axes: axes.slice(0, 4) })).toBe(
      'axes: missing socialParticipation',
    );
    expect(
      await send(programmeUpdate, {
        actorId: HANDLER,
        axes: [...axes, { axis: 'housing', status: 'inProgress' }],
      }),
    ).toBe(
      "axes: unknown code 'housing' (expected health, educationTraining, employment, socialAssistance, socialParticipation)",
    );
    expect(
      await send(programmeUpdate, {
        actorId: HANDLER,
        axes: [{ axis: 'health', status: 'done' }, ...axes.slice(1)],
      }),
    ).toBe("axes: 'health' has unknown value 'done' (expected notStarted, inProgress, achieved)");
    expect(await send(programmeUpdate, { actorId: HANDLER, axes: [...axes, axes[0]!] })).toBe(
      "axes: 'health' is given twice",
    );
    // Valid in form, but no objective recorded for any axis.
    expect(await send(programmeUpdate, { actorId: HANDLER, axes: allAxes('inProgress', 0) })).toBe(
      'axes: no objective recorded yet for educationTraining, employment, health, socialAssistance, socialParticipation',
    );
    expect(await send(mediatorAssignmentUpdate, { actorId: HANDLER, mediatorId: HANDLER })).toBe(
      'mediatorId: staff-demo-handler is not an active mediator of province DEMO',
    );
    expect(await send(accompanimentUpdate, { actorId: HANDLER, months: 25 })).toBe(
      'months: expected a whole number from 1 to 24',
    );
    expect({ view: await pathwayView(handle), db: await counts() }).toEqual(before);

    // In order, the same steps go through; a second programme and an exit plan without a mediator do not.
    const set = await handle.executeUpdate(programmeUpdate, { args: [{ actorId: HANDLER, axes }] });
    expect(set.programmeAt).not.toBeNull();
    expect(set.openDeadlines.map((d) => d.step).sort()).toEqual(['exitPlan', 'programmeReview']);
    expect(await send(programmeUpdate, { actorId: HANDLER, axes })).toBe(
      'the programme is already set; record a review instead',
    );
    expect(await send(exitPlanUpdate, { actorId: MEDIATOR, items: allItems('achieved') })).toBe(
      'mediatorId: assign a mediator before recording the exit plan',
    );
    await handle.executeUpdate(mediatorAssignmentUpdate, {
      args: [{ actorId: HANDLER, mediatorId: MEDIATOR }],
    });
    expect(await send(exitPlanUpdate, { actorId: MEDIATOR, items: allItems('achieved').slice(0, 3) })).toBe(
      'items: missing healthCoverage',
    );
    const longer = await handle.executeUpdate(accompanimentUpdate, {
      args: [{ actorId: HANDLER, months: 18 }],
    });
    expect(longer.accompanimentMonths).toBe(18);
    expect(longer.milestones?.contactDueAt).toHaveLength(18);
    expect(longer.milestones?.accompanimentEndsAt).toBe('2030-05-03T23:00:00.000Z'); // 4 May 2030, 18 months after 18
    expect((await counts()).axes).toEqual(Array<string>(5).fill('inProgress'));
    expect(
      await h.db.prisma.leavingCarePathway.findUniqueOrThrow({ where: { id: pathwayId } }),
    ).toMatchObject({ accompanimentMonths: 18, mediatorId: MEDIATOR });
    await handle.terminate('test done');
  });

  it('does not enrol a young person past 18, and records why', async () => {
    const birthDate = '2008-12-04'; // 18 years and 1 month on the clock of the test before (Jan 2027)
    const { handle, caseId } = await startPathway(h.env.client, h.db.prisma, h.taskQueue, { birthDate });
    const result = await resultWithoutSkipping<LeavingCareView>(h.env, handle);
    expect(result).toMatchObject({
      phase: 'notEnrolled',
      notEnrolledReason: 'pastExitAge',
      milestones: null,
    });
    const row = await h.db.prisma.leavingCarePathway.findUniqueOrThrow({ where: { id: result.pathwayId } });
    expect(row).toMatchObject({ phase: 'notEnrolled', notEnrolledReason: 'pastExitAge', exitAt: null });
    expect(await h.db.prisma.leavingCareAxis.count({ where: { pathwayId: row.id } })).toBe(0);
    const audit = await h.db.prisma.auditEvent.findFirstOrThrow({ where: { caseId, entityId: row.id } });
    expect(audit).toMatchObject({
      action: 'leavingCare.notEnrolled',
      reason: 'pastExitAge: the young person has reached the exit age',
    });
    expect(await h.db.prisma.stepRecord.count({ where: { subjectId: row.id } })).toBe(0);
  });

  it('gives a child born on 29 February the birthdays of 1 March in non-leap years', async () => {
    // Born 29 Feb 2012 (the clock is in Jan 2027): 15 in 2027 and 18 in 2030, neither a leap year.
    const { handle } = await startPathway(h.env.client, h.db.prisma, h.taskQueue, {
      birthDate: '2012-02-29',
    });
    const m = (await pathwayView(handle)).milestones!;
    expect(m.preparationAt).toBe('2027-03-01T00:00:00.000Z'); // 1 Mar 2027, Ramadan time (UTC+0)
    expect(m.exitAt).toBe('2030-02-28T23:00:00.000Z'); // 1 Mar 2030
    expect(m.exitPlanDueAt).toBe('2029-08-31T23:00:00.000Z'); // 1 Sep 2029
    expect(m.contactDueAt[0]).toBe('2030-03-31T23:00:00.000Z'); // 1 Apr 2030
    // Still waiting at the last minute of 28 February; preparing from the first of 1 March.
    await sleepUntil(h.env, Date.parse(m.preparationAt) - MINUTE);
    expect(toLocal(new Date(await h.env.currentTimeMs()), TZ)).toMatchObject({ month: 2, day: 28, hour: 23 });
    expect((await pathwayView(handle)).phase).toBe('waiting');
    await sleepUntil(h.env, Date.parse(m.preparationAt) + MINUTE);
    const preparing = await waitForPhase(handle, 'preparation');
    expect(preparing.phaseSince).toBe(m.preparationAt);
    expect(localDateOf(new Date(preparing.phaseSince), TZ)).toBe('2027-03-01');
    await handle.terminate('test done');
  });

  it('escalates a missed monthly contact exactly once per rung, reminding the assigned mediator first', async () => {
    await h.db.prisma.staff.create({
      data: {
        id: 'staff-demo-mediator-2',
        provinceCode: 'DEMO',
        unitId: 'unit-demo-cape',
        role: 'mediator',
        displayName: 'Médiateur 2 (démo)',
        email: 'mediator2@demo.example',
        language: 'fr',
      },
    });
    // Mon 22 Mar 2027, 10:00 local: 17 years and 11 months, 18 on 22 Apr 2027.
    await clockAt(h.env, '2027-03-22T09:00:00.000Z');
    const birthDate = '2009-04-22';
    const { handle, caseId, reference } = await startPathway(h.env.client, h.db.prisma, h.taskQueue, {
      birthDate,
    });
    const { pathwayId, milestones } = await waitForPhase(handle, 'preparation');
    const m = milestones!;
    await handle.executeUpdate(mediatorAssignmentUpdate, {
      args: [{ actorId: HANDLER, mediatorId: 'staff-demo-mediator-2' }],
    });
    await handle.executeUpdate(programmeUpdate, {
      args: [{ actorId: HANDLER, axes: allAxes('inProgress') }],
    });
    await handle.executeUpdate(exitPlanUpdate, {
      args: [{ actorId: 'staff-demo-mediator-2', items: allItems('achieved') }],
    });
    expect(m.exitAt).toBe('2027-04-21T23:00:00.000Z'); // 22 Apr 2027
    await sleepUntil(h.env, Date.parse(m.exitAt) + MINUTE);
    await waitForPhase(handle, 'accompaniment');

    // No contact in the first month, due at the end of Fri 21 May 2027 (midnight starting Sat 22).
    // The ladder: the mediator at the deadline, then the supervisor, coordinator and committee 1, 3
    // and 5 working days later: the ends of Mon 24, Wed 26 and Fri 28 May.
    const due = '2027-05-21T23:00:00.000Z';
    expect(m.contactDueAt[0]).toBe(due);
    const [period] = await stepRecords(pathwayId, 'mediatorContact');
    expect(period?.dueAt.toISOString()).toBe(due);
    const ladder = [
      { level: 0, at: due },
      { level: 1, at: '2027-05-24T23:00:00.000Z' },
      { level: 2, at: '2027-05-26T23:00:00.000Z' },
      { level: 3, at: '2027-05-28T23:00:00.000Z' },
    ];
    const escalations = () =>
      h.db.prisma.escalation.findMany({ where: { stepRecordId: period!.id }, orderBy: { level: 'asc' } });
    for (const [i, rung] of ladder.entries()) {
      await sleepUntil(h.env, Date.parse(rung.at) - MINUTE);
      expect(await escalations()).toHaveLength(i);
      await sleepUntil(h.env, Date.parse(rung.at) + MINUTE);
      await eventually(`rung ${rung.level}`, async () => (await escalations()).length === i + 1);
    }
    await h.env.sleep(5 * DAY);
    const rows = await escalations();
    expect(rows.map((e) => [e.level, e.role, e.recipientStaffId, e.firedAt.toISOString()])).toEqual([
      [0, 'mediator', 'staff-demo-mediator-2', ladder[0]!.at],
      [1, 'supervisor', 'staff-demo-supervisor', ladder[1]!.at],
      [2, 'coordinator', 'staff-demo-coordinator', ladder[2]!.at],
      [3, 'committee', 'staff-demo-committee', ladder[3]!.at],
    ]);
    const sent = async () =>
      (await Promise.all(h.smtp.messages.map((raw) => simpleParser(raw.raw))))
        .filter((mail) => (mail.subject ?? '').includes(reference))
        .map((mail) => [mail.to && !Array.isArray(mail.to) ? mail.to.text : '', mail.subject]);
    expect(await sent()).toEqual([
      ['mediator2@demo.example', `[${reference}] Rappel : contact mensuel du médiateur arrive à échéance`],
      [
        'supervisor@demo.example',
        `[${reference}] مرحلة متأخرة: الاتصال الشهري للوسيط الاجتماعي — المستوى 1، رئيس الوحدة`,
      ],
      [
        'coordinator@demo.example',
        `[${reference}] Étape en retard : contact mensuel du médiateur — niveau 2, coordinateur du centre d’accompagnement`,
      ],
      [
        'committee@demo.example',
        `[${reference}] Étape en retard : contact mensuel du médiateur — niveau 3, secrétariat du comité provincial`,
      ],
    ]);
    const late = await pathwayView(handle);
    expect(late.openDeadlines.find((d) => d.month === 1)).toMatchObject({
      overdue: true,
      escalationLevel: 3,
    });

    // The mediator reaches the young person in the second month: the first month closes late, its
    // escalations resolve, and nothing fires again.
    const after = await handle.executeUpdate(mediatorContactUpdate, {
      args: [{ actorId: 'staff-demo-mediator-2' }],
    });
    expect(after.openEscalations).toEqual([]);
    expect(after.openDeadlines.filter((d) => d.step === 'mediatorContact')).toEqual([]);
    expect(after.stepsLate).toBe(1);
    const closed = await h.db.prisma.stepRecord.findUniqueOrThrow({ where: { id: period!.id } });
    expect(closed.outcome).toBe('done');
    expect(Number(closed.lateByMs)).toBeGreaterThan(0);
    expect(closed.lateWorkingDays).toBeGreaterThanOrEqual(5);
    expect((await escalations()).every((e) => e.resolvedAt !== null)).toBe(true);
    await h.env.sleep(10 * DAY);
    expect(await escalations()).toHaveLength(4);
    expect(await h.db.prisma.escalation.count({ where: { caseId } })).toBe(4);
    expect(await sent()).toHaveLength(4);
    await handle.terminate('test done');
  });

  it('takes a child enrolled at 13 years 11 months from the 15th birthday to the outcome a year after exit, each stage on its day', async () => {
    // Mon 5 Jul 2027, 10:00 local: 13 years and 11 months; 15 on 5 Aug 2028, 18 on 5 Aug 2031.
    await clockAt(h.env, '2027-07-05T09:00:00.000Z');
    const birthDate = '2013-08-05';
    const { handle, caseId } = await startPathway(h.env.client, h.db.prisma, h.taskQueue, {
      birthDate,
      maxHistoryEvents: 250,
    });
    const firstRunId = (await handle.describe()).runId;

    // Enrolled and waiting: the milestones are local midnights of the birthdays.
    const enrolled = await pathwayView(handle);
    expect(enrolled.phase).toBe('waiting');
    const m = enrolled.milestones!;
    expect(m.preparationAt).toBe('2028-08-04T23:00:00.000Z'); // 5 Aug 2028
    expect(m.exitAt).toBe('2031-08-04T23:00:00.000Z'); // 5 Aug 2031
    expect(m.exitPlanDueAt).toBe('2031-02-04T23:00:00.000Z'); // 5 Feb 2031
    // The 5th of each month from Sep 2031 to Aug 2032 (5 Jan 2032 in Ramadan time).
    expect(m.contactDueAt).toEqual([
      '2031-09-04T23:00:00.000Z',
      '2031-10-04T23:00:00.000Z',
      '2031-11-04T23:00:00.000Z',
      '2031-12-04T23:00:00.000Z',
      '2032-01-05T00:00:00.000Z',
      '2032-02-04T23:00:00.000Z',
      '2032-03-04T23:00:00.000Z',
      '2032-04-04T23:00:00.000Z',
      '2032-05-04T23:00:00.000Z',
      '2032-06-04T23:00:00.000Z',
      '2032-07-04T23:00:00.000Z',
      '2032-08-04T23:00:00.000Z',
    ]);
    expect(m.accompanimentEndsAt).toBe('2032-08-04T23:00:00.000Z'); // 5 Aug 2032
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
    expect(programme?.dueAt.toISOString()).toBe('2028-09-03T23:00:00.000Z'); // 4 Sep 2028, 30 days on
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
    expect(view.reviews).toBe(12);
    // Recorded when it was done (to the minute: the update runs some milliseconds after the clock
    // was moved): 5 days before it was due.
    const toMinute = (iso: string | Date) => new Date(iso).toISOString().slice(0, 16);
    expect(toMinute(view.exitPlanAt!)).toBe('2031-01-30T23:00');
    // Each review due 3 calendar months after the one before was answered (2 days before it was
    // due), at the same local time: 00:00, or 23:00 of the day before when the answer fell in
    // Ramadan time and the due date outside it (and the other way round).
    const reviews = await stepRecords(pathwayId, 'programmeReview');
    expect(reviews.map((r) => [toMinute(r.openedAt), toMinute(r.dueAt)])).toEqual([
      ['2028-08-14T23:00', '2028-11-14T23:00'], // the programme, 15 Aug 2028 → 15 Nov
      ['2028-11-12T23:00', '2029-02-13T00:00'], // 13 Nov → 13 Feb 2029 (UTC+0)
      ['2029-02-11T00:00', '2029-05-10T23:00'], // 11 Feb → 11 May
      ['2029-05-08T23:00', '2029-08-08T23:00'], // 9 May → 9 Aug
      ['2029-08-06T23:00', '2029-11-06T23:00'], // 7 Aug → 7 Nov
      ['2029-11-04T23:00', '2030-02-05T00:00'], // 5 Nov → 5 Feb 2030 (UTC+0)
      ['2030-02-03T00:00', '2030-05-02T23:00'], // 3 Feb → 3 May
      ['2030-04-30T23:00', '2030-07-31T23:00'], // 1 May → 1 Aug
      ['2030-07-29T23:00', '2030-10-29T23:00'], // 30 Jul → 30 Oct
      ['2030-10-27T23:00', '2031-01-27T23:00'], // 28 Oct → 28 Jan 2031
      ['2031-01-25T23:00', '2031-04-25T22:00'], // 25 Jan 23:00 (UTC+0) → 25 Apr 23:00
      ['2031-04-23T22:00', '2031-07-23T22:00'], // 23 Apr 23:00 → 23 Jul 23:00
      ['2031-07-21T22:00', '2031-10-21T22:00'], // superseded by the exit on 5 Aug
    ]);

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
    expect(outcomeStep?.dueAt.toISOString()).toBe('2032-09-03T23:00:00.000Z'); // 4 Sep 2032, 30 days on
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
    // The programme, the exit plan, 12 reviews (the 13th superseded), 12 contacts, the outcome.
    expect(final.stepsOnTime).toBe(27);

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

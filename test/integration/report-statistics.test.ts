/**
 * The committee statistics of a seeded month (test/support/report-seed.ts: October 2026 in DEMO)
 * against figures worked out by hand from the seed. Instants are UTC; October 2026 in
 * Africa/Casablanca is UTC+1, so the period is [2026-09-30T23:00Z, 2026-10-31T23:00Z).
 */
import { randomUUID } from 'node:crypto';
import { monthPeriod, periodOf, PeriodError, previousMonth } from '../../activities/reports/period';
import { provincialStatistics } from '../../activities/reports/statistics';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { seedOctober2026, type SeededMonth } from '../support/report-seed';

let db: TestDatabase;
let seed: SeededMonth;
beforeAll(async () => {
  db = await createTestDatabase();
  seed = await seedOctober2026(db.prisma);
});
afterAll(() => db?.drop());

const october = () => monthPeriod('2026-10', 'Africa/Casablanca');
const countsOf = <T extends { key: string; count: number }>(rows: T[]) =>
  Object.fromEntries(rows.filter((r) => r.count > 0).map((r) => [r.key, r.count]));

describe('period', () => {
  it('is [from, to) between local midnights in Africa/Casablanca', () => {
    const p = october();
    expect(p).toMatchObject({ from: '2026-10-01', to: '2026-11-01' });
    expect(p.fromInstant.toISOString()).toBe('2026-09-30T23:00:00.000Z');
    expect(p.toInstant.toISOString()).toBe('2026-10-31T23:00:00.000Z');
    // Ramadan 2026 (UTC+0) ends on 22 March: March starts at UTC midnight, April at 23:00 the day before.
    expect(monthPeriod('2026-03', 'Africa/Casablanca').fromInstant.toISOString()).toBe(
      '2026-03-01T00:00:00.000Z',
    );
    expect(monthPeriod('2026-03', 'Africa/Casablanca').toInstant.toISOString()).toBe(
      '2026-03-31T23:00:00.000Z',
    );
    expect(previousMonth(new Date('2026-11-01T05:00:00Z'), 'Africa/Casablanca')).toBe('2026-10');
    // 1 January 00:30 local is still 31 December in UTC: the previous month is December.
    expect(previousMonth(new Date('2026-12-31T23:30:00Z'), 'Africa/Casablanca')).toBe('2026-12');
  });

  it('refuses a reversed, empty or too long period, naming the field', () => {
    expect(() => periodOf('2026-10-01', '2026-10-01', 'Africa/Casablanca')).toThrow(PeriodError);
    expect(() => periodOf('2026-10-01', '2027-10-03', 'Africa/Casablanca')).toThrow(/at most 366 days/);
    expect(() => periodOf('2026-02-30', '2026-03-01', 'Africa/Casablanca')).toThrow(/existing date/);
    expect(() => monthPeriod('2026-13', 'Africa/Casablanca')).toThrow(/YYYY-MM/);
  });
});

describe('provincial statistics of October 2026 (DEMO)', () => {
  it('counts reports by channel, category, sex and age band, and cases opened and closed', async () => {
    const s = await provincialStatistics(db.prisma, 'DEMO', october());
    // In October for DEMO: R1 c1, R2 c2 (2026-09-30T23:00Z = 1 Oct 00:00 local), R3 and R3b c3,
    // R4 c4 (transferred away only in November), R5 c5 (transferred in in September) = 6.
    // Not: c6 (OTHR), c7 (1 Nov 00:00 local), c8 (30 Sep 23:59:59.999 local).
    expect(s.reports.total).toBe(6);
    // hotline R1 + R3b + R4 = 3; school R2; police R3; family R5.
    expect(countsOf(s.reports.byChannel)).toEqual({ hotline: 3, school: 1, police: 1, family: 1 });
    expect(s.reports.byChannel).toHaveLength(9); // every channel of the protocol, zeros included
    // neglect R1 + R5 = 2; R2 counts in both of its categories; R3b has none: unspecified.
    expect(countsOf(s.reports.byCategory)).toEqual({
      physicalViolence: 1,
      psychologicalViolence: 1,
      sexualAbuse: 1,
      neglect: 2,
      streetSituation: 1,
      unspecified: 1,
    });
    // female: R1 (A), R3 + R3b (C) = 3; male: R2 (B), R4 (D) = 2; unknown: R5 (E) = 1.
    expect(countsOf(s.reports.bySex)).toEqual({ female: 3, male: 2, unknown: 1 });
    // Ages on the local date of the report: A 4 (born 2021-10-06, on 10-05); B 6 (born 2020-10-01,
    // local date 2026-10-01 — the UTC date, 30 Sep, would make him 5); C 12 twice; D 15; E 17.
    expect(countsOf(s.reports.byAgeBand)).toEqual({ '0-5': 1, '6-11': 1, '12-14': 2, '15-17': 2 });
    expect(s.reports.byAgeBand.map((b) => b.key)).toEqual([
      '0-5',
      '6-11',
      '12-14',
      '15-17',
      '18+',
      'unknown',
    ]);
    // Opened: c1, c2 (1 Oct 00:00 local), c3, c4 = 4; closed: c1 on 28 Oct.
    expect(s.cases).toEqual({ opened: 4, closed: 1 });
  });

  it('gives per step the cases open at the end, the median time and the share done on time', async () => {
    const s = await provincialStatistics(db.prisma, 'DEMO', october());
    const step = (code: string) => s.steps.find((x) => x.step === code);
    // screening: opened S1 S2 S3 S3b S4 S5 = 6; done in October: S1 6 h, S2 30 h, S3 10 h, S3b 2 h,
    // S4 36 h → median of [2, 6, 10, 30, 36] = 10; fell due: all 6, on time S1 S3 S3b = 3 → 0.5;
    // open at the end: S5 (c5).
    expect(step('screening')).toEqual({
      step: 'screening',
      openAtEnd: 1,
      opened: 6,
      completed: 5,
      medianHours: 10,
      due: 6,
      onTime: 3,
      onTimeShare: 0.5,
    });
    // emergency: E3 done in 3 h, an hour before its deadline.
    expect(step('emergency')).toMatchObject({
      opened: 1,
      completed: 1,
      medianHours: 3,
      due: 1,
      onTime: 1,
      onTimeShare: 1,
    });
    // judicialNotification: J1 12 h, J2 48 h → median 30; J3 (31 Oct 21:00 local) is acknowledged
    // only on 1 Nov: open at the end, and its deadline is in November. Due J1 J2, on time J1 → 0.5.
    expect(step('judicialNotification')).toEqual({
      step: 'judicialNotification',
      openAtEnd: 1,
      opened: 3,
      completed: 2,
      medianHours: 30,
      due: 2,
      onTime: 1,
      onTimeShare: 0.5,
    });
    // assessment: opened A1 A2 A3 A3b A4 = 5 (A6 is OTHR's); done A1 354 h (15 days − 6 h),
    // A3 159 h (7 days − 9 h), A3b 70 h (3 days − 2 h) → median 159 (A2 is done only in November);
    // fell due A1 A2 A3 A3b = 4 (A4 in November), on time A1 A3b → 0.5; open at the end A2 A4 = 2.
    expect(step('assessment')).toEqual({
      step: 'assessment',
      openAtEnd: 2,
      opened: 5,
      completed: 3,
      medianHours: 159,
      due: 4,
      onTime: 2,
      onTimeShare: 0.5,
    });
    // planDraft: P1 was cancelled two days after its deadline (late); PD3 was cancelled before its
    // deadline (no longer asked for): 1 due, 0 on time; nothing done, so no median.
    expect(step('planDraft')).toEqual({
      step: 'planDraft',
      openAtEnd: 0,
      opened: 2,
      completed: 0,
      medianHours: null,
      due: 1,
      onTime: 0,
      onTimeShare: 0,
    });
    // referralAcknowledgement: RA1 24 h, RA2 144 h, RA4 24 h (a decline answers too), RA5 12 h →
    // median of [12, 24, 24, 144] = 24; due RA1 RA2 RA4 RA5, on time all but RA2 → 0.75; RA3
    // (answered 2 Nov) open at the end.
    expect(step('referralAcknowledgement')).toEqual({
      step: 'referralAcknowledgement',
      openAtEnd: 1,
      opened: 5,
      completed: 4,
      medianHours: 24,
      due: 4,
      onTime: 3,
      onTimeShare: 0.75,
    });
    // closureApproval: CA1 done 6 days (144 h) after it opened, 4½ days late.
    expect(step('closureApproval')).toMatchObject({
      opened: 1,
      completed: 1,
      medianHours: 144,
      due: 1,
      onTime: 0,
      onTimeShare: 0,
    });
    expect(step('planApproval')).toEqual({
      step: 'planApproval',
      openAtEnd: 0,
      opened: 0,
      completed: 0,
      medianHours: null,
      due: 0,
      onTime: 0,
      onTimeShare: null,
    });
  });

  it('counts escalations per level and rung, referrals per partner type, judicial notifications and leaving-care outcomes', async () => {
    const s = await provincialStatistics(db.prisma, 'DEMO', october());
    // S2 4 + S4 4 + S5 4 + A2 4 + P1 2 + RA2 2 = 20 (A6's is OTHR's).
    // Level 0: S2 S4 S5 A2 P1 RA2 = 6; 1: S2 S4 S5 A2 P1 = 5; 2: S2 S4 S5 A2 RA2 = 5; 3: S2 S4 S5 A2 = 4.
    expect(s.escalations).toEqual({
      total: 20,
      byLevel: [
        { level: 0, count: 6 },
        { level: 1, count: 5 },
        { level: 2, count: 5 },
        { level: 3, count: 4 },
      ],
      byRung: [
        { level: 0, role: 'handler', count: 6 },
        { level: 1, role: 'supervisor', count: 5 },
        { level: 2, role: 'coordinator', count: 5 },
        { level: 3, role: 'committee', count: 4 },
      ],
    });
    const partner = (type: string) => s.referrals.find((r) => r.partnerType === type);
    // health: RA1 (24 h, in time), RA3 (answered only in November), RA5 (12 h, in time):
    // 3 requested, 2 acknowledged, median (12 + 24) / 2 = 18 h, 2 of 3 within the deadline.
    expect(partner('health')).toEqual({
      partnerType: 'health',
      requested: 3,
      acknowledged: 2,
      declined: 0,
      unanswered: 1,
      medianAcknowledgementHours: 18,
      acknowledgedWithinDeadline: 2,
      withinDeadlineShare: 0.6667,
    });
    // school: RA2 acknowledged after 144 h, past its deadline.
    expect(partner('school')).toMatchObject({
      requested: 1,
      acknowledged: 1,
      medianAcknowledgementHours: 144,
      acknowledgedWithinDeadline: 0,
      withinDeadlineShare: 0,
    });
    // association: RA4 declined.
    expect(partner('association')).toMatchObject({
      requested: 1,
      acknowledged: 0,
      declined: 1,
      unanswered: 0,
      medianAcknowledgementHours: null,
    });
    expect(partner('police')).toMatchObject({ requested: 0, withinDeadlineShare: null });
    expect(s.referrals.map((r) => r.partnerType)).toHaveLength(8);
    // J1 in time, J2 late, J3 still waiting at the end of October: 1 of 3 on time.
    expect(s.judicialNotifications).toEqual({
      required: 3,
      acknowledged: 2,
      onTime: 1,
      onTimeShare: 0.3333,
      pending: 1,
    });
    // c9 and c10 in October; c11 at 1 Nov 00:00 local is November's.
    const lc = Object.fromEntries(
      s.leavingCare.filter((o) => o.count > 0).map((o) => [`${o.axis}/${o.outcome}`, o.count]),
    );
    expect(lc).toEqual({
      'health/integrated': 2,
      'educationTraining/integrated': 1,
      'educationTraining/partlyIntegrated': 1,
      'employment/partlyIntegrated': 1,
      'employment/notIntegrated': 1,
      'socialAssistance/integrated': 1,
      'socialAssistance/notIntegrated': 1,
      'socialParticipation/integrated': 1,
      'socialParticipation/partlyIntegrated': 1,
    });
    expect(s.leavingCare).toHaveLength(15); // 5 axes × 3 outcomes
  });

  it('names no child and gives no ID', async () => {
    const s = JSON.stringify(await provincialStatistics(db.prisma, 'DEMO', october()));
    for (const id of Object.values(seed.cases)) expect(s).not.toContain(id);
    expect(s).not.toMatch(/Seed|Reportchild|2021-10-06/);
  });

  it('gives OTHR its own cases: c6, c4 only from its transfer in November', async () => {
    const s = await provincialStatistics(db.prisma, 'OTHR', october());
    expect(s.reports.total).toBe(1); // c6
    // A6 (c6) open at the end; c4's steps stay DEMO's for October.
    expect(s.steps.find((x) => x.step === 'assessment')).toMatchObject({ openAtEnd: 1, opened: 1 });
    const november = await provincialStatistics(
      db.prisma,
      'OTHR',
      monthPeriod('2026-11', 'Africa/Casablanca'),
    );
    // c4 belongs to OTHR from 10 November; J3's step was acknowledged on 1 November, still DEMO's.
    expect(november.steps.find((x) => x.step === 'judicialNotification')).toMatchObject({ completed: 0 });
  });

  it('gives identical figures when the month is computed again after later events', async () => {
    const before = await provincialStatistics(db.prisma, 'DEMO', october());
    const p = db.prisma;
    // November: S5 done late, A4 cancelled, c2 transferred to OTHR, a new concern on c3, a
    // November escalation of A4, another leaving-care outcome.
    await p.stepRecord.update({
      where: { id: seed.steps.S5 ?? '' },
      data: { completedAt: new Date('2026-11-03T10:00:00Z'), outcome: 'done', lateByMs: BigInt(1) },
    });
    await p.stepRecord.update({
      where: { id: seed.steps.A4 ?? '' },
      data: { completedAt: new Date('2026-11-04T10:00:00Z'), outcome: 'cancelled' },
    });
    await p.auditEvent.create({
      data: {
        at: new Date('2026-11-05T10:00:00Z'),
        actorType: 'staff',
        action: 'transfer.accepted',
        caseId: seed.cases.c2 ?? '',
        entity: 'case',
        entityId: seed.cases.c2 ?? '',
        details: { toProvince: 'OTHR' },
      },
    });
    await p.case.update({ where: { id: seed.cases.c2 ?? '' }, data: { provinceCode: 'OTHR' } });
    await p.report.create({
      data: {
        id: randomUUID(),
        caseId: seed.cases.c3 ?? '',
        channel: 'school',
        receivedAt: new Date('2026-11-02T10:00:00Z'),
        categories: ['neglect'],
      },
    });
    await p.escalation.create({
      data: {
        id: randomUUID(),
        idempotencyKey: `later/${randomUUID()}`,
        caseId: seed.cases.c4 ?? '',
        step: 'assessment',
        stepRecordId: seed.steps.A4 ?? '',
        level: 0,
        role: 'handler',
        firedAt: new Date('2026-11-05T23:00:00Z'),
      },
    });
    const after = await provincialStatistics(db.prisma, 'DEMO', october());
    expect(after).toEqual(before);
    // …and those are still October's hand-worked figures, not merely equal to each other.
    expect(after).toMatchObject({
      reports: { total: 6 },
      cases: { opened: 4, closed: 1 },
      escalations: { total: 20 },
      judicialNotifications: { required: 3, acknowledged: 2, onTime: 1, pending: 1 },
    });
    expect(after.steps.find((x) => x.step === 'screening')).toMatchObject({
      opened: 6,
      onTime: 3,
      openAtEnd: 1,
    });
    expect(after.steps.find((x) => x.step === 'assessment')).toMatchObject({ openAtEnd: 2, completed: 3 });
    // …while November does see them.
    const november = await provincialStatistics(
      db.prisma,
      'DEMO',
      monthPeriod('2026-11', 'Africa/Casablanca'),
    );
    expect(november.reports.total).toBeGreaterThanOrEqual(2); // c7 (1 Nov 00:00) and the new concern
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  clearProtocolCaches,
  DeadlineRuleError,
  dependsOnRisk,
  loadCalendar,
  loadProtocol,
  planDeadline,
  requiresEmergency,
  requiresJudicialNotification,
  resolveDeadline,
  reviewInterval,
  stepApplies,
} from '../../../protocol';

const protocol = loadProtocol({ version: 1 });
const cal = loadCalendar();
const at = (iso: string) => new Date(iso);

describe('planDeadline', () => {
  it('plans a working-day step and its ladder (HIGH assessment after a Thursday screening)', () => {
    // Thu 30 Oct 2025; Fri 31 Oct and Thu 6 Nov are holidays.
    expect(
      planDeadline(protocol, cal, { step: 'assessment', risk: 'HIGH', from: at('2025-10-30T10:00:00Z') }),
    ).toEqual({
      step: 'assessment',
      duration: { workingDays: 3 },
      dueAt: '2025-11-05T23:00:00.000Z', // end of Wed 5 Nov
      ladderName: 'workingDay',
      ladder: [
        { level: 0, role: 'handler', at: '2025-11-05T23:00:00.000Z' },
        { level: 1, role: 'supervisor', at: '2025-11-07T23:00:00.000Z' }, // end of Fri 7 (Thu 6 is a holiday)
        { level: 2, role: 'coordinator', at: '2025-11-11T23:00:00.000Z' }, // end of Tue 11
        { level: 3, role: 'committee', at: '2025-11-13T23:00:00.000Z' }, // end of Thu 13
      ],
    });
  });

  it('resolves MEDIUM and LOW assessment spans', () => {
    const from = at('2025-10-30T10:00:00Z');
    expect(planDeadline(protocol, cal, { step: 'assessment', risk: 'MEDIUM', from }).dueAt).toBe(
      '2025-11-12T23:00:00.000Z', // Mon 3, Tue 4, Wed 5, Fri 7, Mon 10, Tue 11, Wed 12
    );
    expect(planDeadline(protocol, cal, { step: 'assessment', risk: 'LOW', from }).dueAt).toBe(
      '2025-11-25T23:00:00.000Z', // 18 Nov is Independence Day
    );
  });

  it('plans a clock-hour step: supervisor and coordinator at the deadline, committee 2 hours later', () => {
    expect(
      planDeadline(protocol, cal, {
        step: 'screening',
        risk: 'LOW',
        urgent: true,
        from: at('2025-06-10T08:15:00Z'),
      }),
    ).toEqual({
      step: 'screening',
      duration: { hours: 2 },
      dueAt: '2025-06-10T10:15:00.000Z',
      ladderName: 'clockHour',
      ladder: [
        { level: 0, role: 'handler', at: '2025-06-10T10:15:00.000Z' },
        { level: 1, role: 'supervisor', at: '2025-06-10T10:15:00.000Z' },
        { level: 2, role: 'coordinator', at: '2025-06-10T10:15:00.000Z' },
        { level: 3, role: 'committee', at: '2025-06-10T12:15:00.000Z' },
      ],
    });
    const normal = planDeadline(protocol, cal, {
      step: 'screening',
      risk: 'LOW',
      from: at('2025-06-10T08:15:00Z'),
    });
    expect(normal.dueAt).toBe('2025-06-11T08:15:00.000Z');
    expect(normal.ladder[3]!.at).toBe('2025-06-11T10:15:00.000Z');
  });

  it('counts clock hours, not wall-clock hours, across the Ramadan change', () => {
    const plan = planDeadline(protocol, cal, {
      step: 'judicialNotification',
      risk: 'HIGH',
      from: at('2025-02-22T20:00:00Z'),
    });
    expect(plan.dueAt).toBe('2025-02-23T20:00:00.000Z');
    expect(plan.ladder.map((r) => r.at)).toEqual([
      '2025-02-23T20:00:00.000Z',
      '2025-02-23T20:00:00.000Z',
      '2025-02-23T20:00:00.000Z',
      '2025-02-23T22:00:00.000Z',
    ]);
  });

  it('escalates a referral to the coordinator, skipping the supervisor, across Eid al-Fitr', () => {
    // HIGH: acknowledge within 1 working day of Thu 27 Mar 2025 -> end of Fri 28 (UTC+0).
    expect(
      planDeadline(protocol, cal, {
        step: 'referralAcknowledgement',
        risk: 'HIGH',
        from: at('2025-03-27T10:00:00Z'),
      }),
    ).toEqual({
      step: 'referralAcknowledgement',
      duration: { workingDays: 1 },
      dueAt: '2025-03-29T00:00:00.000Z',
      ladderName: 'referral',
      ladder: [
        // The partner's focal point is reminded, and the handler who referred with it.
        { level: 0, role: 'partner', alsoTell: ['handler'], at: '2025-03-29T00:00:00.000Z' },
        { level: 2, role: 'coordinator', at: '2025-04-03T00:00:00.000Z' }, // end of Wed 2 Apr, after Eid
        { level: 3, role: 'committee', at: '2025-04-08T23:00:00.000Z' }, // end of Tue 8 Apr, UTC+1 again
      ],
    });
    expect(
      planDeadline(protocol, cal, {
        step: 'referralAcknowledgement',
        risk: 'LOW',
        from: at('2025-03-27T10:00:00Z'),
      }).dueAt,
    ).toBe('2025-04-03T00:00:00.000Z');
  });

  it("climbs the receiving province's ladder for a transfer, from its supervisors", () => {
    // 5 working days from Mon 3 Nov 2025: Tue 4, Wed 5, Fri 7 (6 Nov is a holiday), Mon 10, Tue 11.
    const plan = planDeadline(protocol, cal, {
      step: 'transferAcceptance',
      risk: 'LOW',
      from: at('2025-11-03T10:00:00Z'),
    });
    expect(plan.dueAt).toBe('2025-11-11T23:00:00.000Z');
    expect(plan.ladder.map((r) => [r.level, r.role])).toEqual([
      [0, 'supervisor'],
      [2, 'coordinator'],
      [3, 'committee'],
    ]);
  });

  it("keeps the earlier of the protocol's deadline and a stricter one agreed for the case", () => {
    const from = at('2025-10-01T09:00:00Z');
    const review = (atMost?: { days: number }) =>
      planDeadline(protocol, cal, { step: 'review', risk: 'MEDIUM', from, ...(atMost ? { atMost } : {}) });
    // MEDIUM: every 60 days; a plan asking for every 14 days wins, one asking for 100 does not.
    expect(review().dueAt).toBe('2025-11-30T09:00:00.000Z');
    expect(review({ days: 14 })).toMatchObject({ duration: { days: 14 }, dueAt: '2025-10-15T09:00:00.000Z' });
    expect(review({ days: 100 })).toMatchObject({
      duration: { days: 60 },
      dueAt: '2025-11-30T09:00:00.000Z',
    });
    expect(review({ days: 14 }).ladder[0]).toEqual({
      level: 0,
      role: 'handler',
      at: '2025-10-15T09:00:00.000Z',
    });
  });

  it('says which steps follow the risk level (re-planned when it changes)', () => {
    const steps = [
      'screening',
      'emergency',
      'assessment',
      'referralAcknowledgement',
      'serviceStart',
      'review',
      'closureCheckBack',
    ] as const;
    expect(steps.filter((s) => dependsOnRisk(protocol, s))).toEqual([
      'assessment',
      'referralAcknowledgement',
      'review',
    ]);
  });

  it('takes a service start deadline from the service', () => {
    const from = at('2025-10-30T10:00:00Z');
    const start = (service: string) =>
      planDeadline(protocol, cal, { step: 'serviceStart', risk: 'MEDIUM', from, service });
    expect(start('placement')).toMatchObject({
      duration: { workingDays: 1 },
      dueAt: '2025-11-03T23:00:00.000Z',
    });
    expect(start('medical').dueAt).toBe('2025-11-04T23:00:00.000Z');
    expect(start('civilRegistration').dueAt).toBe('2025-11-25T23:00:00.000Z');
    expect(() => start('astrology')).toThrow('unknown service type "astrology"');
    expect(() => planDeadline(protocol, cal, { step: 'serviceStart', risk: 'MEDIUM', from })).toThrow(
      DeadlineRuleError,
    );
  });

  it('escalates a day-counted review deadline by working days from its local day', () => {
    // MEDIUM review 60 days after 15 Jan 2025 10:00 -> Sun 16 Mar 10:00 local (UTC+0).
    const plan = planDeadline(protocol, cal, {
      step: 'review',
      risk: 'MEDIUM',
      from: at('2025-01-15T09:00:00Z'),
    });
    expect(plan.dueAt).toBe('2025-03-16T10:00:00.000Z');
    expect(plan.ladder[1]).toEqual({ level: 1, role: 'supervisor', at: '2025-03-18T00:00:00.000Z' }); // end of Mon 17
  });
});

describe('closure check-back', () => {
  it('applies to HIGH and IMMEDIATE only, 90 days after closing', () => {
    expect(stepApplies(protocol, 'closureCheckBack', 'HIGH')).toBe(true);
    expect(stepApplies(protocol, 'closureCheckBack', 'IMMEDIATE')).toBe(true);
    expect(stepApplies(protocol, 'closureCheckBack', 'LOW')).toBe(false);
    expect(resolveDeadline(protocol, { step: 'closureCheckBack', risk: 'HIGH' })).toEqual({ days: 90 });
    expect(() => resolveDeadline(protocol, { step: 'closureCheckBack', risk: 'LOW' })).toThrow(
      DeadlineRuleError,
    );
  });

  it('can be switched off by a province', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'protocol-test-'));
    fs.mkdirSync(path.join(dir, 'versions'));
    fs.mkdirSync(path.join(dir, 'provinces'));
    fs.copyFileSync(
      path.resolve(__dirname, '../../../protocol/versions/v1.json'),
      path.join(dir, 'versions/v1.json'),
    );
    fs.writeFileSync(
      path.join(dir, 'provinces/south.json'),
      '{"steps":{"closureCheckBack":{"enabled":false}}}',
    );
    const south = loadProtocol({ dir, version: 1, province: 'south' });
    expect(stepApplies(south, 'closureCheckBack', 'HIGH')).toBe(false);
    clearProtocolCaches();
  });
});

describe('rule lookups', () => {
  it('reviewInterval', () => {
    expect(reviewInterval(protocol, 'IMMEDIATE')).toEqual({ days: 30 });
    expect(reviewInterval(protocol, 'HIGH')).toEqual({ days: 30 });
    expect(reviewInterval(protocol, 'MEDIUM')).toEqual({ days: 60 });
    expect(reviewInterval(protocol, 'LOW')).toEqual({ days: 90 });
  });

  it('requiresJudicialNotification', () => {
    expect(requiresJudicialNotification(protocol, ['sexualAbuse'])).toBe(true);
    expect(requiresJudicialNotification(protocol, ['neglect', 'childMarriage'])).toBe(true);
    expect(requiresJudicialNotification(protocol, ['trafficking'])).toBe(true);
    expect(requiresJudicialNotification(protocol, ['sexualExploitation'])).toBe(true);
    expect(requiresJudicialNotification(protocol, ['physicalViolence'])).toBe(false);
    expect(requiresJudicialNotification(protocol, ['physicalViolence'], { injury: true })).toBe(true);
    expect(
      requiresJudicialNotification(protocol, ['psychologicalViolence', 'neglect'], { injury: true }),
    ).toBe(false);
    expect(requiresJudicialNotification(protocol, [])).toBe(false);
    expect(() => requiresJudicialNotification(protocol, ['violence'])).toThrow(
      'unknown case category "violence"',
    );
  });

  it('requiresEmergency', () => {
    expect(requiresEmergency(protocol, 'IMMEDIATE', false)).toBe(true);
    expect(requiresEmergency(protocol, 'HIGH', true)).toBe(true);
    expect(requiresEmergency(protocol, 'HIGH', false)).toBe(false);
    expect(requiresEmergency(protocol, 'MEDIUM', true)).toBe(false);
    expect(requiresEmergency(protocol, 'LOW', false)).toBe(false);
  });
});

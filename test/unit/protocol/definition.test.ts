import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  calendarCoverageWarning,
  clearProtocolCaches,
  isHoliday,
  loadCalendar,
  loadProtocol,
  parseCalendarFile,
  parseProtocol,
  ProtocolDefinitionError,
  CalendarDefinitionError,
} from '../../../protocol';

const V1_FILE = path.resolve(__dirname, '../../../protocol/versions/v1.json');
const v1Text = fs.readFileSync(V1_FILE, 'utf8');

type Json = Record<string, unknown>;
const v1 = (): Json => JSON.parse(v1Text) as Json;

/** Sets (or, with `undefined`, deletes) the value at a dotted path of a JSON fixture. */
function set(root: Json, dotted: string, value: unknown): Json {
  const keys = dotted.split('.');
  const last = keys.pop()!;
  let cur = root;
  for (const k of keys) cur = cur[k] as Json;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return root;
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

function tempDir(files: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'protocol-test-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

afterEach(() => clearProtocolCaches());

describe('protocol version 1', () => {
  it('validates and carries the defaults of protocol.md §3–§5', () => {
    const p = loadProtocol({ version: 1 });
    expect(p.id).toBe('ma-standard');
    expect(p.timezone).toBe('Africa/Casablanca');
    expect(p.steps.screening.deadline).toEqual({ urgent: { hours: 2 }, normal: { hours: 24 } });
    expect(p.steps.emergency.deadline).toEqual({ hours: 4 });
    expect(p.steps.judicialNotification.deadline).toEqual({ hours: 24 });
    expect(p.steps.assessment.deadline).toEqual({
      byRisk: {
        IMMEDIATE: { workingDays: 3 },
        HIGH: { workingDays: 3 },
        MEDIUM: { workingDays: 7 },
        LOW: { workingDays: 15 },
      },
    });
    expect(p.steps.planDraft.deadline).toEqual({ workingDays: 5 });
    expect(p.steps.planApproval.deadline).toEqual({ workingDays: 2 });
    expect(p.steps.closureCheckBack).toMatchObject({
      deadline: { days: 90 },
      forRisk: ['HIGH', 'IMMEDIATE'],
      enabled: true,
    });
    expect(Object.fromEntries(Object.entries(p.services).map(([k, s]) => [k, s.startWithin]))).toMatchObject({
      medical: { workingDays: 2 },
      placement: { workingDays: 1 },
      psychological: { workingDays: 5 },
      legal: { workingDays: 5 },
      socialAssistance: { workingDays: 5 },
      education: { workingDays: 10 },
      civilRegistration: { workingDays: 15 },
    });
    expect(p.ladders.workingDay!.rungs).toEqual([
      { level: 0, role: 'handler', after: { hours: 0 } },
      { level: 1, role: 'supervisor', after: { workingDays: 1 } },
      { level: 2, role: 'coordinator', after: { workingDays: 3 } },
      { level: 3, role: 'committee', after: { workingDays: 5 } },
    ]);
    // protocol.md §3 step 8: never over an open safeguarding step; an untraceable or deceased child
    // cannot be screened, so those two close from screening; only a child whose objectives are met
    // is checked back on.
    expect(p.closure.blockedBy).toEqual(['screening', 'emergency', 'judicialNotification']);
    const later = ['assessment', 'planDraft', 'planApproval', 'followUp'];
    expect(p.closure.reasons).toEqual({
      objectivesMet: { fromSteps: later, checkBack: true },
      transferred: { fromSteps: later },
      turned18: { fromSteps: later },
      untraceable: { fromSteps: ['screening', ...later], notBlockedBy: ['screening'] },
      deceased: { fromSteps: ['screening', ...later], notBlockedBy: ['screening'] },
    });
    expect(p.categories).toHaveLength(14);
    expect(p.leavingCare).toMatchObject({
      startAge: 15,
      exitAge: 18,
      accompanimentMonths: 12,
      accompanimentMaxMonths: 24,
    });
  });

  it('is deeply frozen and cached', () => {
    const p = loadProtocol({ version: 1 });
    expect(Object.isFrozen(p.steps.assessment.deadline)).toBe(true);
    expect(Object.isFrozen(p.categories)).toBe(true);
    expect(loadProtocol({ version: 1 })).toBe(p);
  });

  it('defaults to the highest version in the directory', () => {
    const dir = tempDir({ 'versions/v1.json': v1(), 'versions/v2.json': { ...v1(), version: 2 } });
    expect(loadProtocol({ dir }).version).toBe(2);
  });

  it('reads from PROTOCOL_DIR when set', () => {
    const dir = tempDir({ 'versions/v1.json': { ...v1(), id: 'from-env' } });
    const before = process.env.PROTOCOL_DIR;
    process.env.PROTOCOL_DIR = dir;
    try {
      expect(loadProtocol({ version: 1 }).id).toBe('from-env');
    } finally {
      if (before === undefined) delete process.env.PROTOCOL_DIR;
      else process.env.PROTOCOL_DIR = before;
    }
  });
});

describe('invalid protocol definitions', () => {
  const SRC = 'protocol/versions/v1.json';
  const cases: [string, (j: Json) => unknown, string][] = [
    [
      'negative working days',
      (j) => set(j, 'steps.assessment.deadline.byRisk.HIGH.workingDays', -3),
      `${SRC}: steps.assessment.deadline.byRisk.HIGH.workingDays: expected a positive integer, got -3`,
    ],
    [
      'fractional hours',
      (j) => set(j, 'steps.emergency.deadline.hours', 1.5),
      `${SRC}: steps.emergency.deadline.hours: expected a positive integer, got 1.5`,
    ],
    [
      'a number as a string',
      (j) => set(j, 'steps.planDraft.deadline', { workingDays: '5' }),
      `${SRC}: steps.planDraft.deadline.workingDays: expected a positive integer, got "5"`,
    ],
    [
      'an unknown duration unit',
      (j) => set(j, 'steps.assessment.deadline.byRisk.HIGH', { weeks: 2 }),
      `${SRC}: steps.assessment.deadline.byRisk.HIGH: expected exactly one of {minutes}, {hours}, {workingDays}, {days}, {months}, got {"weeks":2}`,
    ],
    [
      'two units at once',
      (j) => set(j, 'services.medical.startWithin', { workingDays: 2, hours: 4 }),
      `${SRC}: services.medical.startWithin: expected exactly one of {minutes}, {hours}, {workingDays}, {days}, {months}, got {"workingDays":2,"hours":4}`,
    ],
    [
      'a byRisk rule that misses a risk level',
      (j) => set(j, 'steps.referralAcknowledgement.deadline.byRisk.LOW', undefined),
      `${SRC}: steps.referralAcknowledgement.deadline.byRisk.LOW: expected a duration: the step applies to LOW (missing)`,
    ],
    [
      'a reference to an unknown ladder',
      (j) => set(j, 'steps.planDraft.ladder', 'weekly'),
      `${SRC}: steps.planDraft.ladder: expected the name of a ladder (workingDay, clockHour, referral, transferAcceptance, leavingCare), got "weekly"`,
    ],
    [
      'an unknown partner type',
      (j) => set(j, 'services.medical.partnerType', 'hospital'),
      `${SRC}: services.medical.partnerType: expected one of "health", "prosecutor", "police", "school", "civilRegistry", "careInstitution", "association", "mobileUnit", got "hospital"`,
    ],
    [
      'an urgency rule without its normal span',
      (j) => set(j, 'steps.screening.deadline.normal', undefined),
      `${SRC}: steps.screening.deadline.normal: expected exactly one of {minutes}, {hours}, {workingDays}, {days}, {months} (missing)`,
    ],
    [
      'a deadline that is no rule at all',
      (j) => set(j, 'steps.screening.deadline', 5),
      `${SRC}: steps.screening.deadline: expected a duration, {byRisk}, {urgent, normal} or {perService: true}, got 5`,
    ],
    [
      'a judicial category the protocol does not list',
      (j) => set(j, 'judicialNotificationCategories.4', 'violence'),
      `${SRC}: judicialNotificationCategories.4: not one of the protocol's categories, got "violence"`,
    ],
    [
      'ladder levels out of order',
      (j) => set(j, 'ladders.referral.rungs.1.level', 0),
      `${SRC}: ladders.referral.rungs.1.level: expected levels in strictly increasing order, got 0`,
    ],
    [
      'a rung that also tells its own role',
      (j) => set(j, 'ladders.referral.rungs.0.alsoTell', ['partner']),
      `${SRC}: ladders.referral.rungs.0.alsoTell.0: expected another role than the rung's own, got "partner"`,
    ],
    [
      'a closure reason without its rule',
      (j) => set(j, 'closure.reasons.deceased', undefined),
      `${SRC}: closure.reasons.deceased: expected a rule for every closure reason (missing)`,
    ],
    [
      'a closure rule for a reason the protocol does not list',
      (j) => set(j, 'closure.reasons.moved', { fromSteps: ['followUp'] }),
      `${SRC}: closure.reasons.moved: not one of the protocol's closureReasons, got {"fromSteps":["followUp"]}`,
    ],
    [
      'a closure from a step a case cannot be closed at',
      (j) => set(j, 'closure.reasons.deceased.fromSteps.0', 'closed'),
      `${SRC}: closure.reasons.deceased.fromSteps.0: expected one of "screening", "assessment", "planDraft", "planApproval", "followUp", got "closed"`,
    ],
    [
      'a closure over a step that does not block closure',
      (j) => set(j, 'closure.reasons.deceased.notBlockedBy', ['assessment']),
      `${SRC}: closure.reasons.deceased.notBlockedBy.0: not one of the protocol's closure.blockedBy steps, got "assessment"`,
    ],
    [
      'an unknown time zone',
      (j) => set(j, 'timezone', 'Mars/Olympus'),
      `${SRC}: timezone: expected an IANA time zone known to the runtime, got "Mars/Olympus"`,
    ],
    [
      'an unknown key',
      (j) => set(j, 'steps.review.weekly', true),
      `${SRC}: steps.review.weekly: unknown key, got true`,
    ],
    [
      'a missing step',
      (j) => set(j, 'steps.review', undefined),
      `${SRC}: steps.review: expected object (missing)`,
    ],
  ];

  it.each(cases)('reports %s with file, path and value', (_name, mutate, message) => {
    const j = v1();
    mutate(j);
    const e = errorOf(() => parseProtocol(j, SRC));
    expect(e).toBeInstanceOf(ProtocolDefinitionError);
    expect(e.message).toBe(message);
  });

  it('reports every problem, one per line', () => {
    const j = v1();
    set(j, 'steps.assessment.deadline.byRisk.HIGH.workingDays', 0);
    set(j, 'services.education.partnerType', 'university');
    const e = errorOf(() => parseProtocol(j, SRC)) as ProtocolDefinitionError;
    expect(e.issues.map((i) => i.path)).toEqual([
      'steps.assessment.deadline.byRisk.HIGH.workingDays',
      'services.education.partnerType',
    ]);
    expect(e.message.split('\n')).toHaveLength(2);
  });

  it('reports malformed JSON text', () => {
    expect(errorOf(() => parseProtocol('{"id":', 'x.json')).message).toMatch(/^x\.json: invalid JSON: /);
  });

  it('names the file it read from disk', () => {
    const j = set(v1(), 'steps.assessment.deadline.byRisk.HIGH.workingDays', -3);
    const dir = tempDir({ 'versions/v1.json': j });
    expect(errorOf(() => loadProtocol({ dir, version: 1 })).message).toBe(
      `${dir}/versions/v1.json: steps.assessment.deadline.byRisk.HIGH.workingDays: expected a positive integer, got -3`,
    );
  });

  it('rejects a file whose version does not match its name', () => {
    const dir = tempDir({ 'versions/v2.json': v1() });
    expect(errorOf(() => loadProtocol({ dir, version: 2 })).message).toBe(
      `${dir}/versions/v2.json: version: expected 2 (from the file name), got 1`,
    );
  });

  it('reports a missing version file', () => {
    expect(errorOf(() => loadProtocol({ version: 9 })).message).toBe(
      'protocol/versions/v9.json: cannot read file (ENOENT)',
    );
  });
});

describe('province overrides', () => {
  it('deep-merges objects and replaces arrays', () => {
    const dir = tempDir({
      'versions/v1.json': v1(),
      'provinces/north.json': {
        steps: {
          assessment: { deadline: { byRisk: { HIGH: { workingDays: 2 } } } },
          closureCheckBack: { enabled: false },
        },
        channels: ['hotline', 'school'],
      },
    });
    const p = loadProtocol({ dir, version: 1, province: 'north' });
    expect(p.steps.assessment.deadline).toEqual({
      byRisk: {
        IMMEDIATE: { workingDays: 3 },
        HIGH: { workingDays: 2 },
        MEDIUM: { workingDays: 7 },
        LOW: { workingDays: 15 },
      },
    });
    expect(p.steps.closureCheckBack).toEqual({
      deadline: { days: 90 },
      ladder: 'workingDay',
      from: 'case closed',
      forRisk: ['HIGH', 'IMMEDIATE'],
      enabled: false,
    });
    expect(p.channels).toEqual(['hotline', 'school']);
    // The version itself is untouched.
    expect(loadProtocol({ dir, version: 1 }).steps.assessment.deadline).toMatchObject({
      byRisk: { HIGH: { workingDays: 3 } },
    });
  });

  it('replaces a duration or deadline rule of another kind instead of merging the two', () => {
    const dir = tempDir({
      'versions/v1.json': v1(),
      'provinces/fast.json': {
        steps: {
          screening: { deadline: { urgent: { minutes: 30 } } },
          planDraft: {
            deadline: {
              byRisk: {
                HIGH: { workingDays: 2 },
                MEDIUM: { workingDays: 4 },
                LOW: { workingDays: 5 },
                IMMEDIATE: { workingDays: 2 },
              },
            },
          },
          emergency: { deadline: { minutes: 90 } },
        },
        ladders: { clockHour: { rungs: [{ level: 0, role: 'handler', after: { minutes: 0 } }] } },
      },
    });
    const p = loadProtocol({ dir, version: 1, province: 'fast' });
    expect(p.steps.screening.deadline).toEqual({ urgent: { minutes: 30 }, normal: { hours: 24 } });
    expect(p.steps.planDraft.deadline).toMatchObject({ byRisk: { MEDIUM: { workingDays: 4 } } });
    expect(p.steps.emergency.deadline).toEqual({ minutes: 90 });
  });

  it('blames the province file for a bad value it sets', () => {
    const dir = tempDir({
      'versions/v1.json': v1(),
      'provinces/bad.json': { steps: { assessment: { deadline: { byRisk: { HIGH: { workingDays: 0 } } } } } },
    });
    expect(errorOf(() => loadProtocol({ dir, version: 1, province: 'bad' })).message).toBe(
      `${dir}/provinces/bad.json: steps.assessment.deadline.byRisk.HIGH.workingDays: expected a positive integer, got 0`,
    );
  });

  it('runs the version unchanged for a province without a file, and for the demo file', () => {
    const base = loadProtocol({ version: 1 });
    expect(loadProtocol({ version: 1, province: 'no-such-province' })).toEqual(base);
    expect(loadProtocol({ version: 1, province: 'demo' })).toEqual(base);
  });

  it('refuses province codes that could escape the directory', () => {
    expect(() => loadProtocol({ version: 1, province: '../versions/v1' })).toThrow(RangeError);
  });
});

describe('holiday calendar files', () => {
  const SRC = 'protocol/calendar/2025.json';
  const file = (holidays: unknown[]) => ({ year: 2025, holidays });

  it('reports a date that does not exist, naming file and index', () => {
    const holidays = [
      { date: '2025-01-01', name: 'a', kind: 'fixed' },
      { date: '2025-01-11', name: 'b', kind: 'fixed' },
      { date: '2025-01-14', name: 'c', kind: 'fixed' },
      { date: '2025-02-30', name: 'd', kind: 'lunar', status: 'estimated' },
    ];
    const e = errorOf(() => parseCalendarFile(file(holidays), SRC));
    expect(e).toBeInstanceOf(CalendarDefinitionError);
    expect(e.message).toBe(`${SRC}: holidays.3.date: expected an existing date YYYY-MM-DD, got "2025-02-30"`);
  });

  it('reports a date outside the file year and a bad kind', () => {
    const e = errorOf(() =>
      parseCalendarFile(
        file([
          { date: '2025-05-01', name: 'Labour Day', kind: 'yearly' },
          { date: '2024-05-01', name: 'Labour Day', kind: 'fixed' },
        ]),
        SRC,
      ),
    );
    expect(e.message).toBe(
      `${SRC}: holidays.0.kind: expected one of "fixed", "lunar", "exceptional", got "yearly"`,
    );
    const e2 = errorOf(() =>
      parseCalendarFile(file([{ date: '2024-05-01', name: 'x', kind: 'fixed' }]), SRC),
    );
    expect(e2.message).toBe(`${SRC}: holidays.0.date: expected a date in 2025, got "2024-05-01"`);
  });

  it('rejects a file whose year does not match its name', () => {
    const dir = tempDir({ '2031.json': { year: 2030, holidays: [] } });
    expect(errorOf(() => loadCalendar({ dir })).message).toBe(
      `${dir}/2031.json: year: expected 2031 (from the file name), got 2030`,
    );
  });

  it('reads from CALENDAR_DIR when set', () => {
    const dir = tempDir({ '2030.json': { year: 2030, holidays: [] } });
    const before = process.env.CALENDAR_DIR;
    process.env.CALENDAR_DIR = dir;
    try {
      expect([...loadCalendar().years]).toEqual([2030]);
    } finally {
      if (before === undefined) delete process.env.CALENDAR_DIR;
      else process.env.CALENDAR_DIR = before;
    }
  });

  it('ships 2025–2035 with the fixed holidays and the lunar ones', () => {
    const cal = loadCalendar();
    expect([...cal.years]).toEqual([2025, 2026, 2027, 2028, 2029, 2030, 2031, 2032, 2033, 2034, 2035]);
    const lunar = [...cal.holidays.values()].flat().filter((h) => h.kind !== 'fixed');
    expect(lunar.filter((h) => h.date.startsWith('2025')).map((h) => [h.date, h.status])).toEqual([
      ['2025-03-31', 'announced'],
      ['2025-04-01', 'announced'],
      ['2025-06-07', 'announced'],
      ['2025-06-08', 'announced'],
      ['2025-06-09', 'announced'],
      ['2025-06-27', 'announced'],
      ['2025-09-05', 'announced'],
      ['2025-09-06', 'announced'],
    ]);
    expect(lunar.filter((h) => !h.date.startsWith('2025')).every((h) => h.status === 'estimated')).toBe(true);
    for (const year of cal.years) {
      const fixed = [...cal.holidays.values()]
        .flat()
        .filter((h) => h.kind === 'fixed' && h.date.startsWith(String(year)))
        .map((h) => h.date.slice(5));
      expect(fixed).toEqual([
        '01-01',
        '01-11',
        '01-14',
        '05-01',
        '07-30',
        '08-14',
        '08-20',
        '08-21',
        '10-31',
        '11-06',
        '11-18',
      ]);
    }
  });
});

describe('a running process and the calendar files', () => {
  it('picks up an added year and a corrected lunar date without a restart', () => {
    const dir = tempDir({ '2030.json': { year: 2030, holidays: [] } });
    expect([...loadCalendar({ dir }).years]).toEqual([2030]);
    fs.writeFileSync(path.join(dir, '2031.json'), JSON.stringify({ year: 2031, holidays: [] }));
    // Within the cache's age nothing is re-read; after it, the new year is there.
    expect([...loadCalendar({ dir }).years]).toEqual([2030]);
    expect([...loadCalendar({ dir, maxAgeMs: 0 }).years]).toEqual([2030, 2031]);

    const announced = { date: '2031-01-26', name: 'Eid al-Fitr', kind: 'lunar', status: 'announced' };
    fs.writeFileSync(path.join(dir, '2031.json'), JSON.stringify({ year: 2031, holidays: [announced] }));
    const later = new Date(Date.now() + 5_000);
    fs.utimesSync(path.join(dir, '2031.json'), later, later);
    expect(isHoliday('2031-01-26', loadCalendar({ dir, maxAgeMs: 0 }))).toBe(true);
  });

  it('warns operators when the calendar ends within 18 months', () => {
    const dir = tempDir({
      '2026.json': { year: 2026, holidays: [] },
      '2027.json': { year: 2027, holidays: [] },
    });
    const cal = loadCalendar({ dir });
    expect(calendarCoverageWarning(cal, new Date('2026-05-01T00:00:00Z'))).toBeUndefined();
    expect(calendarCoverageWarning(cal, new Date('2026-07-01T00:00:00Z'))).toBe(
      `holiday calendar ends with 2027: add ${cal.source}/2028.json before deadlines reach that year`,
    );
  });
});

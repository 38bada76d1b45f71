/**
 * The hand-written migrations against the Prisma schema, on a real PostgreSQL: every migration
 * applied to an empty database, then every model the generated client knows is written and read
 * back with every field set (a model or field without a fixture fails the test); the tables,
 * columns, nullability and indexes must be those of prisma/schema.prisma; the audit trail refuses
 * UPDATE, DELETE and TRUNCATE whoever asks.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { Prisma } from '../../generated/prisma/client';
import { applyMigrations, listMigrations } from '../../devstack/migrate';
import { createTestDatabase, type TestDatabase } from '../support/database';

type ModelName = Prisma.ModelName;
type CreateData<M extends ModelName> = Prisma.TypeMap['model'][M]['operations']['create']['args']['data'];
type Fixtures = { [M in ModelName]: CreateData<M> };

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
  expect(await applyMigrations(db.url)).toEqual(listMigrations().map((m) => m.name));
});
afterAll(async () => {
  await db?.drop();
});

async function sql<T extends Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

// Distinct, non-default values: a column that is missing, mistyped or mapped to another name
// cannot give them back. Instants carry milliseconds (timestamptz(3)); dates are UTC midnights.
const t = (n: number) => new Date(Date.UTC(2026, 0, 1 + n, 8, 30, 15, 123 + n));
const day = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

/** Rows that the fixtures below point at but that are not themselves under test. */
async function auxiliaryRows(prisma: TestDatabase['prisma']) {
  // An escalation points at its first notification and a notification at its escalation: the
  // notification under test points at the escalation, which points at this one.
  await prisma.notification.create({
    data: {
      id: 'rt-notification-first',
      kind: 'escalation',
      recipientEmail: 'first@rt.example',
      language: 'fr',
      subject: 's',
      bodyText: 't',
      bodyHtml: 'h',
      messageId: '<rt-first@rt.example>',
    },
  });
}

/** One row per model, every scalar field set, written in this order (parents first). */
const FIXTURES: Fixtures = {
  Region: { code: '99', nameFr: 'Région aller-retour', nameAr: 'جهة' },
  Province: {
    code: 'RTP',
    nameFr: 'Province aller-retour',
    nameAr: 'إقليم',
    regionCode: '99',
    kind: 'prefecture',
  },
  Unit: { id: 'rt-unit', provinceCode: 'RTP', kind: 'supportCentre', name: 'Unité RT', active: false },
  Partner: {
    id: 'rt-partner',
    provinceCode: 'RTP',
    partnerType: 'civilRegistry',
    name: 'État civil RT',
    focalEmail: 'focal@rt.example',
    language: 'en',
    active: false,
  },
  Staff: {
    id: 'rt-staff',
    provinceCode: 'RTP',
    unitId: 'rt-unit',
    role: 'mediator',
    displayName: 'Médiatrice RT',
    email: 'mediator@rt.example',
    language: 'ar',
    active: false,
    partnerId: 'rt-partner',
  },
  Child: {
    id: 'rt-child',
    firstName: 'Roundtrip',
    lastName: 'Child',
    alias: 'Boy at the roundabout',
    birthDate: day('2011-02-28'),
    birthDateApproximate: true,
    birthYearOnly: true,
    sex: 'male',
    nationality: 'ML',
    migrantStatus: 'unaccompanied',
    civilRegistration: 'unregistered',
    pseudonymisedAt: t(1),
    createdAt: t(2),
  },
  Case: {
    id: 'rt-case',
    reference: 'RTP-2026-000001',
    workflowId: 'case-rt-case',
    childId: 'rt-child',
    provinceCode: 'RTP',
    unitId: 'rt-unit',
    assigneeId: 'rt-staff',
    step: 'followUp',
    risk: 'HIGH',
    urgent: true,
    categories: ['neglect', 'streetSituation'],
    status: 'transferred',
    protocolVersion: 3,
    protocolHash: 'c'.repeat(64),
    openedAt: t(3),
    openedProvinceCode: 'RTP',
    closedAt: t(4),
    closureReason: 'transferred',
    updatedAt: t(5),
  },
  Report: {
    id: 'rt-report',
    caseId: 'rt-case',
    channel: 'mobileUnit',
    receivedAt: t(6),
    urgent: true,
    anonymous: true,
    reporterName: 'Reporter RT',
    reporterContact: '+212 600 000 001',
    narrative: 'Narrative RT',
    categories: ['neglect'],
    createdById: 'rt-staff',
  },
  Screening: {
    id: 'rt-screening',
    caseId: 'rt-case',
    risk: 'IMMEDIATE',
    immediateNeeds: true,
    injury: true,
    categories: ['physicalViolence'],
    notes: 'Notes RT',
    screenedById: 'rt-staff',
    screenedAt: t(7),
  },
  Assessment: {
    id: 'rt-assessment',
    caseId: 'rt-case',
    social: 'social',
    health: 'health',
    psychological: 'psychological',
    educational: 'educational',
    legal: 'legal',
    riskAfter: 'MEDIUM',
    assessedById: 'rt-staff',
    assessedAt: t(8),
  },
  Plan: {
    id: 'rt-plan',
    caseId: 'rt-case',
    version: 2,
    status: 'returned',
    reviewFrequencyDays: 45,
    submittedAt: t(9),
    decidedAt: t(10),
    decidedById: 'rt-staff',
    returnReason: 'Return reason RT',
    createdAt: t(11),
  },
  PlanItem: {
    id: 'rt-plan-item',
    planId: 'rt-plan',
    serviceType: 'civilRegistration',
    partnerId: 'rt-partner',
    objective: 'Objective RT',
  },
  Referral: {
    id: 'rt-referral',
    caseId: 'rt-case',
    planItemId: 'rt-plan-item',
    partnerId: 'rt-partner',
    serviceType: 'civilRegistration',
    status: 'completed',
    requestedAt: t(12),
    acknowledgedAt: t(13),
    declinedAt: t(14),
    declineReason: 'noCapacity',
    startedAt: t(15),
    outcome: 'partlyCompleted',
    outcomeAt: t(16),
    cancelledAt: t(60),
    cancelReason: 'planRevised',
    workflowId: 'referral-rt-referral',
  },
  Review: {
    id: 'rt-review',
    caseId: 'rt-case',
    reviewedAt: t(17),
    riskBefore: 'HIGH',
    riskAfter: 'LOW',
    decision: 'revisePlan',
    notes: 'Review notes RT',
    reviewedById: 'rt-staff',
  },
  StepRecord: {
    id: 'rt-step',
    idempotencyKey: 'rt-step-key',
    caseId: 'rt-case',
    step: 'serviceStart',
    subjectId: 'rt-referral',
    openedAt: t(18),
    dueAt: t(19),
    completedAt: t(20),
    outcome: 'missed',
    lateByMs: 9_007_199_254_740_993n,
    lateWorkingDays: 11,
    provinceCode: 'RTP',
    ladder: [{ level: 0, role: 'handler', at: '2026-01-20T08:30:15.142Z' }],
    escalatedAt: t(21),
  },
  Escalation: {
    id: 'rt-escalation',
    idempotencyKey: 'rt-escalation-key',
    caseId: 'rt-case',
    step: 'serviceStart',
    stepRecordId: 'rt-step',
    level: 3,
    role: 'committee',
    recipientStaffId: 'rt-staff',
    firedAt: t(21),
    resolvedAt: t(22),
    notificationId: 'rt-notification-first',
  },
  Notification: {
    id: 'rt-notification',
    caseId: 'rt-case',
    kind: 'escalation',
    recipientStaffId: 'rt-staff',
    recipientEmail: 'mediator@rt.example',
    language: 'en',
    subject: 'Subject RT',
    bodyText: 'Body RT',
    bodyHtml: '<p>Body RT</p>',
    messageId: '<rt@rt.example>',
    status: 'unconfirmed',
    attempts: 4,
    lastError: 'timeout',
    createdAt: t(23),
    sentAt: t(24),
    failedAt: t(25),
    escalationId: 'rt-escalation',
    phase: 'dataSent',
    leaseToken: 'lease-rt',
    leaseUntil: t(26),
    transmittedAt: t(27),
    smtpResponse: '250 OK',
  },
  NotificationAttachment: {
    id: 'rt-attachment',
    notificationId: 'rt-notification',
    contentId: 'chart-on-time@rt.example',
    filename: 'on-time.png',
    contentType: 'image/png',
    content: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  },
  Transfer: {
    id: 'rt-transfer',
    caseId: 'rt-case',
    fromProvinceCode: 'RTP',
    toProvinceCode: 'DEMO',
    status: 'refused',
    requestedAt: t(42),
    requestedById: 'rt-staff',
    decidedAt: t(43),
    decidedById: 'rt-staff',
  },
  Closure: {
    id: 'rt-closure',
    caseId: 'rt-case',
    reason: 'untraceable',
    notes: 'Closure notes RT',
    status: 'withdrawn',
    requestedAt: t(44),
    requestedById: 'rt-staff',
    statusAt: t(45),
    fromStep: 'screening',
    withdrawnByReportId: 'rt-report',
  },
  ClosureDecision: {
    id: 'rt-closure-decision',
    closureId: 'rt-closure',
    decision: 'return',
    reason: 'Return reason RT',
    decidedAt: t(46),
    decidedById: 'rt-staff',
  },
  CheckBack: {
    id: 'rt-check-back',
    caseId: 'rt-case',
    outcome: 'concern',
    notes: 'Check-back notes RT',
    recordedAt: t(47),
    recordedById: 'rt-staff',
  },
  EmergencyMeasure: {
    id: 'rt-emergency',
    caseId: 'rt-case',
    measures: ['medical', 'placement'],
    notes: 'Emergency notes RT',
    recordedAt: t(48),
    recordedById: 'rt-staff',
  },
  JudicialNotification: {
    id: 'rt-judicial',
    caseId: 'rt-case',
    status: 'acknowledged',
    notes: 'Reference RT',
    recordedAt: t(49),
    recordedById: 'rt-staff',
  },
  AuditEvent: {
    idempotencyKey: 'rt-audit-key',
    at: t(28),
    actorType: 'staff',
    actorId: 'rt-staff',
    action: 'roundtrip',
    caseId: 'rt-case',
    entity: 'case',
    entityId: 'rt-case',
    reason: 'why RT',
    details: { nested: { list: [1, 'two', null, true] }, n: 1.5 },
  },
  ChildMatchAlert: {
    id: 'rt-child-match',
    kind: 'sameChild',
    caseId: 'rt-case',
    childId: 'rt-child',
    provinceCode: 'RTP',
    knownCaseId: 'rt-case',
    knownChildId: 'rt-child',
    knownProvinceCode: 'RTQ',
    createdAt: t(27),
    resolvedAt: t(31),
    resolvedById: 'rt-staff',
    resolution: 'notTheSameChild',
  },
  PendingStepWrite: {
    updateId: 'rt-update',
    workflowId: 'case-rt-case',
    caseId: 'rt-case',
    writes: [{ kind: 'review', review: { id: 'rt-pending-review', caseId: 'rt-case' } }],
    createdAt: t(28),
  },
  ApiIdempotency: {
    actorId: 'rt-staff',
    key: 'rt-key',
    requestHash: 'a'.repeat(64),
    statusCode: 201,
    responseBody: { caseId: 'rt-case', items: [] },
    createdAt: t(29),
  },
  StaffSession: {
    idHash: 'b'.repeat(64),
    staffId: 'rt-staff',
    csrfToken: 'csrf-rt',
    method: 'oidc',
    createdAt: t(60),
    lastSeenAt: t(61),
    expiresAt: t(62),
    revokedAt: t(63),
  },
  LeavingCarePathway: {
    id: 'rt-pathway',
    childId: 'rt-child',
    caseId: 'rt-case',
    provinceCode: 'RTP',
    workflowId: 'leaving-care-rt-child',
    protocolVersion: 3,
    protocolHash: 'c'.repeat(64),
    phase: 'accompaniment',
    trigger: 'placement',
    notEnrolledReason: 'reason RT',
    mediatorId: 'rt-staff',
    enrolledAt: t(30),
    preparationAt: t(31),
    exitPlanDueAt: t(32),
    exitAt: t(33),
    accompanimentMonths: 18,
    accompanimentEndsAt: t(34),
    contactDueAt: [t(51), t(52)],
    phaseSince: t(53),
    handedOverBy: 'rt-case',
    completedAt: t(35),
    updatedAt: t(36),
  },
  LeavingCareAxis: {
    id: 'rt-axis',
    pathwayId: 'rt-pathway',
    axis: 'employment',
    status: 'inProgress',
    updatedAt: t(37),
  },
  LeavingCareObjective: {
    id: 'rt-objective',
    pathwayId: 'rt-pathway',
    reviewId: 'rt-lc-review',
    axis: 'employment',
    position: 2,
    objective: 'Objective RT',
    recordedAt: t(50),
    recordedById: 'rt-staff',
  },
  LeavingCareReview: {
    id: 'rt-lc-review',
    pathwayId: 'rt-pathway',
    kind: 'review',
    reviewedAt: t(38),
    reviewedById: 'rt-staff',
    axes: { health: 'achieved', employment: 'inProgress' },
    notes: 'Review notes RT',
  },
  LeavingCareExitPlan: {
    id: 'rt-exit-plan',
    pathwayId: 'rt-pathway',
    items: { housing: 'arranged' },
    mediatorId: 'rt-staff',
    recordedAt: t(39),
    recordedById: 'rt-staff',
    notes: 'Exit plan notes RT',
  },
  LeavingCareContact: {
    id: 'rt-contact',
    pathwayId: 'rt-pathway',
    month: 7,
    contactedAt: t(40),
    recordedById: 'rt-staff',
    notes: 'Contact notes RT',
  },
  ProtocolVersion: {
    hash: 'c'.repeat(64),
    version: 3,
    provinceCode: 'RTP',
    rules: { version: 3, steps: { assessment: { deadline: { workingDays: 10 } } } },
    recordedAt: t(64),
  },
  LeavingCareOutcome: {
    id: 'rt-outcome',
    pathwayId: 'rt-pathway',
    provinceCode: 'RTP',
    axis: 'employment',
    outcome: 'partly',
    recordedAt: t(41),
    recordedById: 'rt-staff',
  },
  CalendarVersion: {
    year: 2099,
    hash: 'd'.repeat(64),
    days: [{ date: '2099-01-01', name: 'New Year' }],
    seenAt: t(65),
  },
  CalendarChange: {
    id: 'rt-calendar-change',
    year: 2099,
    hashBefore: 'd'.repeat(64),
    hashAfter: 'e'.repeat(64),
    added: [{ date: '2099-03-12', name: 'Eid RT' }],
    removed: [{ date: '2099-03-11', name: 'Eid RT' }],
    detectedAt: t(66),
    startedAt: t(67),
    finishedAt: t(68),
    ownersSignalled: 3,
  },
};

/** Fields the database fills, never given by a writer. */
const GENERATED: Partial<Record<ModelName, string[]>> = { AuditEvent: ['id'] };

type Row = Record<string, unknown>;
interface Delegate {
  create(args: { data: unknown }): Promise<Row>;
  findUniqueOrThrow(args: { where: unknown }): Promise<Row>;
}
const delegateOf = (prisma: TestDatabase['prisma'], model: ModelName) =>
  (prisma as unknown as Record<string, Delegate>)[model.charAt(0).toLowerCase() + model.slice(1)];

const scalarFields = (model: ModelName): string[] => {
  const fields = (Prisma as unknown as Record<string, Record<string, string> | undefined>)[
    `${model}ScalarFieldEnum`
  ];
  if (!fields) throw new Error(`the generated client has no ${model}ScalarFieldEnum`);
  return Object.values(fields);
};

const uniqueWhere = (model: ModelName, created: Row): Row => {
  if (model === 'Province' || model === 'Region') return { code: created.code };
  if (model === 'ApiIdempotency') return { actorId_key: { actorId: created.actorId, key: created.key } };
  if (model === 'PendingStepWrite') return { updateId: created.updateId };
  if (model === 'StaffSession') return { idHash: created.idHash };
  if (model === 'ProtocolVersion') return { hash: created.hash };
  if (model === 'CalendarVersion') return { year: created.year };
  return { id: created.id };
};

/** Comparable form: instants as ISO strings, BigInt as text; JSON and arrays compared deeply. */
const comparable = (value: unknown): unknown =>
  value instanceof Date
    ? value.toISOString()
    : typeof value === 'bigint'
      ? `${value}n`
      : Array.isArray(value)
        ? value.map(comparable)
        : value;

describe('the Prisma schema on the migrated database', () => {
  it('has a fixture with every field set for every model the generated client knows', () => {
    const models = Object.values(Prisma.ModelName);
    expect(Object.keys(FIXTURES).sort()).toEqual([...models].sort());
    const missing: string[] = [];
    for (const model of models) {
      const data = FIXTURES[model] as Row;
      for (const field of scalarFields(model)) {
        if (GENERATED[model]?.includes(field)) continue;
        if (data[field] === undefined || data[field] === null) missing.push(`${model}.${field}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('round-trips every model through the Prisma client: create, read back, every field equal', async () => {
    await auxiliaryRows(db.prisma);
    const mismatches: string[] = [];
    let roundTripped = 0;
    for (const model of Object.keys(FIXTURES) as ModelName[]) {
      const data = FIXTURES[model] as Row;
      const delegate = delegateOf(db.prisma, model);
      if (!delegate) throw new Error(`the client has no delegate for ${model}`);
      const created = await delegate.create({ data });
      const read = await delegate.findUniqueOrThrow({ where: uniqueWhere(model, created) });
      for (const field of scalarFields(model)) {
        const expected = GENERATED[model]?.includes(field) ? created[field] : data[field];
        if (!GENERATED[model]?.includes(field) && read[field] === undefined) {
          mismatches.push(`${model}.${field}: not read back`);
          continue;
        }
        try {
          expect(comparable(read[field])).toEqual(comparable(expected));
        } catch {
          mismatches.push(
            `${model}.${field}: wrote ${JSON.stringify(comparable(expected))}, read ${JSON.stringify(comparable(read[field]))}`,
          );
        }
      }
      roundTripped += 1;
    }
    expect(mismatches).toEqual([]);
    expect(roundTripped).toBe(Object.values(Prisma.ModelName).length);
  });

  it('has exactly the tables, columns, nullability and indexes of prisma/schema.prisma', async () => {
    const schema = parseSchema(
      fs.readFileSync(path.resolve(__dirname, '../../prisma/schema.prisma'), 'utf8'),
    );
    const columns = await sql<{ table_name: string; column_name: string; is_nullable: string }>(
      `SELECT table_name, column_name, is_nullable FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
    );
    const inDb = columns.map((c) => `${c.table_name}.${c.column_name}${c.is_nullable === 'YES' ? '?' : ''}`);
    const inSchema = schema.flatMap((m) =>
      m.columns.map((c) => `${m.table}.${c.name}${c.optional ? '?' : ''}`),
    );
    expect(inDb.sort()).toEqual(inSchema.sort());

    const indexes = await sql<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`,
    );
    // Partial indexes cannot be written in Prisma's schema language: each is documented in its migration.
    const partial = indexes.filter((i) => / WHERE /.test(i.indexdef)).map((i) => i.indexname);
    expect(partial.sort()).toEqual([
      'cases_one_open_per_child_and_province',
      'escalations_open_by_level',
      'step_records_open_by_case',
      'step_records_open_by_due',
      'step_records_open_by_step',
    ]);
    const dbIndexes = indexes
      .filter((i) => !/ WHERE /.test(i.indexdef))
      .map((i) => {
        const match = /^CREATE (UNIQUE )?INDEX \S+ ON public\.(\S+) USING \w+ \((.+)\)$/.exec(i.indexdef);
        if (!match) throw new Error(`unexpected index definition: ${i.indexdef}`);
        const cols = (match[3] ?? '').split(', ').map((c) => c.replace(/"/g, ''));
        return `${match[1] ? 'unique ' : ''}${match[2]}(${cols.join(',')})`;
      });
    const schemaIndexes = schema.flatMap((m) =>
      m.indexes.map((i) => `${i.unique ? 'unique ' : ''}${m.table}(${i.columns.join(',')})`),
    );
    expect(dbIndexes.sort()).toEqual(schemaIndexes.sort());
  });
});

describe('the audit trail', () => {
  it('refuses UPDATE, DELETE and TRUNCATE at the database, and keeps the row', async () => {
    const [row] = await sql<{ id: string }>(
      `INSERT INTO audit_events (actor_type, action, entity, reason) VALUES ('system', 'test.appendOnly', 'case', 'kept') RETURNING id`,
    );
    const attempts = [
      `UPDATE audit_events SET reason = 'rewritten' WHERE id = ${row?.id}`,
      `DELETE FROM audit_events WHERE id = ${row?.id}`,
      'TRUNCATE audit_events',
      'TRUNCATE audit_events CASCADE',
    ];
    for (const attempt of attempts) {
      await expect(sql(attempt)).rejects.toMatchObject({
        message: 'audit_events is append-only',
        code: '42501',
      });
    }
    // Through the application's own client too.
    await expect(
      db.prisma.auditEvent.update({ where: { id: BigInt(row?.id ?? 0) }, data: { reason: 'x' } }),
    ).rejects.toThrow(/append-only/);
    await expect(db.prisma.auditEvent.deleteMany({})).rejects.toThrow(/append-only/);
    expect(await sql(`SELECT reason FROM audit_events WHERE id = ${row?.id}`)).toEqual([{ reason: 'kept' }]);
  });
});

// --- a small reader of prisma/schema.prisma: tables, columns and indexes ------------------------

interface SchemaModel {
  table: string;
  columns: { name: string; optional: boolean }[];
  indexes: { unique: boolean; columns: string[] }[];
}

function parseSchema(text: string): SchemaModel[] {
  const models = new Set([...text.matchAll(/^model (\w+) \{/gm)].map((m) => m[1]));
  return [...text.matchAll(/^model (\w+) \{\n([\s\S]*?)^\}/gm)].map(([, name, body]) => {
    const lines = (body ?? '')
      .split('\n')
      .map((l) => l.replace(/\/\/.*$/, '').trim())
      .filter(Boolean);
    const columnOf = new Map<string, string>();
    const columns: SchemaModel['columns'] = [];
    const indexes: SchemaModel['indexes'] = [];
    let table = name ?? '';
    for (const line of lines) {
      if (line.startsWith('@@')) continue;
      const [field, type = ''] = line.split(/\s+/);
      const base = type.replace(/[?[\]]/g, '');
      if (!field || models.has(base)) continue; // a relation, not a column
      const column = /@map\("([^"]+)"\)/.exec(line)?.[1] ?? field;
      columnOf.set(field, column);
      // Prisma writes scalar lists as nullable array columns (`TEXT[]`), as its own migrations do.
      columns.push({ name: column, optional: type.endsWith('?') || type.endsWith('[]') });
      if (/@id\b/.test(line) || /@unique\b/.test(line)) indexes.push({ unique: true, columns: [column] });
    }
    for (const line of lines) {
      const mapped = /^@@map\("([^"]+)"\)/.exec(line);
      if (mapped?.[1]) table = mapped[1];
      const block = /^@@(index|unique|id)\(\[([^\]]+)\]/.exec(line);
      if (block?.[2]) {
        const cols = block[2].split(',').map((f) => columnOf.get(f.trim()) ?? f.trim());
        indexes.push({ unique: block[1] !== 'index', columns: cols });
      }
    }
    return { table, columns, indexes };
  });
}

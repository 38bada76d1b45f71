/**
 * POST /cases: a concern is reported. A child with an open case in the province gets the report
 * added to that case (a new concern, screened again); otherwise the child (if new), the case and
 * its first report are written in one transaction and the case workflow is started. If Temporal
 * refuses the start, the rows are deleted again: nothing is left half-written.
 */
import type { Logger } from 'pino';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { Prisma } from '../../generated/prisma/client';
import type { PrismaClient } from '../../lib/db';
import { rulesPin } from '../../lib/protocol-pins';
import { selectProtocol } from '../../protocol';
import { caseWorkflowId, concernSignal } from '../../workflows/case/definitions';
import type { caseWorkflow } from '../../workflows/case/workflow';
import { allows, authorize, type Actor } from '../auth/policy';
import { transactionOptions, withinDeadline, type ApiDeps } from '../deps';
import { loggableError } from '../http/errors';
import type { RequestIdentity } from '../http/idempotency';
import { invalidField, ProblemError } from '../http/problem';
import type { z } from '../openapi/zod';
import { caseHandle } from './access';
import type { CaseCreated, CreateCaseBody, ReportInput } from './schemas';

type Body = z.output<typeof CreateCaseBody>;
type ChildIdentity = NonNullable<Body['child']>;
type Report = z.output<typeof ReportInput>;
type Created = z.output<typeof CaseCreated>;

const reportRow = (id: string, caseId: string, report: Report, actor: Actor) => ({
  id,
  caseId,
  channel: report.channel as Prisma.ReportCreateInput['channel'],
  receivedAt: report.receivedAt ? new Date(report.receivedAt) : new Date(),
  urgent: report.urgent,
  anonymous: report.anonymous,
  reporterName: report.reporterName ?? null,
  reporterContact: report.reporterContact ?? null,
  narrative: report.narrative ?? null,
  categories: report.categories,
  createdById: actor.id,
});

/** A new concern on an open case: the report row and the signal, or neither. */
export async function addConcern(
  deps: ApiDeps,
  actor: Actor,
  kase: { id: string },
  report: Report,
  ids: RequestIdentity,
): Promise<{ reportId: string }> {
  const reportId = ids.newId('report');
  const row = reportRow(reportId, kase.id, report, actor);
  await deps.prisma.$transaction(async (tx) => {
    await tx.report.create({ data: row });
    await tx.auditEvent.create({
      data: {
        actorType: 'staff',
        actorId: actor.id,
        action: 'concern.reported',
        caseId: kase.id,
        entity: 'report',
        entityId: reportId,
        details: { channel: report.channel, urgent: report.urgent, categories: report.categories },
      },
    });
    // Signalled before commit: if Temporal is unreachable the report is rolled back (503).
    await withinDeadline(deps, () =>
      caseHandle(deps, kase.id).signal(concernSignal, {
        reportId,
        urgent: report.urgent,
        receivedAt: row.receivedAt.toISOString(),
      }),
    );
  }, transactionOptions(deps));
  return { reportId };
}

interface KnownCase {
  id: string;
  provinceCode: string;
  status: string;
}

/** A child the actor may know: one with a case in a province where the policy lets them read cases. */
const mayKnow = (actor: Actor, cases: readonly KnownCase[]) =>
  cases.some((c) => allows(actor, 'case.read', { province: c.provinceCode }));

/** The case a possible match is known by: its open case, else its latest. */
const caseKnownBy = (cases: readonly KnownCase[]): KnownCase | undefined =>
  cases.find((c) => c.status === 'open') ?? cases[0];

/** At most this many possible matches are flagged for one report. */
const MAX_ALERTS = 5;

interface Lookup {
  /** The child the report is about, when the actor may know it. */
  child: { id: string; byIdentity: boolean; cases: KnownCase[] } | null;
  /** Children of other provinces with the same identity: flagged to the coordinators, never named here. */
  elsewhere: { childId: string; knownCase: KnownCase }[];
}

/**
 * Which child a report is about. Only what the actor may know answers (issue 13 item 14): a
 * `childId` of a child without a case they may read is refused like an unknown one (404), and an
 * identity is matched only among the children they may know — a match known only to another
 * province is returned in `elsewhere`, for the coordinators, and the report opens a new child.
 * Matching needs both names (a child reported by an alias is never matched: issue 13 item 16).
 */
async function findChild(
  prisma: PrismaClient,
  actor: Actor,
  body: Body,
  birthDate: Date | null,
): Promise<Lookup> {
  const casesOf = {
    select: { id: true, provinceCode: true, status: true },
    orderBy: { openedAt: 'desc' },
  } as const;
  if (body.childId) {
    const child = await prisma.child.findUnique({
      where: { id: body.childId },
      select: { id: true, cases: casesOf },
    });
    if (!child || !mayKnow(actor, child.cases))
      throw new ProblemError('notFound', `no child ${body.childId}`);
    return { child: { id: child.id, byIdentity: false, cases: child.cases }, elsewhere: [] };
  }
  const identity = body.child;
  if (!identity?.firstName || !identity.lastName || !birthDate) return { child: null, elsewhere: [] };
  // The same names (ignoring case and surrounding spaces) and birth date: the same child.
  const same = await prisma.child.findMany({
    where: {
      firstName: { equals: identity.firstName, mode: 'insensitive' },
      lastName: { equals: identity.lastName, mode: 'insensitive' },
      birthDate,
    },
    select: { id: true, cases: casesOf },
    orderBy: { createdAt: 'asc' },
    take: 20,
  });
  const known = same.find((c) => mayKnow(actor, c.cases));
  if (known) return { child: { id: known.id, byIdentity: true, cases: known.cases }, elsewhere: [] };
  const elsewhere = same.flatMap((c) => {
    const knownCase = caseKnownBy(c.cases);
    return knownCase ? [{ childId: c.id, knownCase }] : [];
  });
  return { child: null, elsewhere: elsewhere.slice(0, MAX_ALERTS) };
}

// Building an Intl formatter costs more than the rest of a report's arithmetic: one per zone.
const yearFormats = new Map<string, Intl.DateTimeFormat>();
function yearIn(timeZone: string, at: Date): string {
  let format = yearFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en', { timeZone, year: 'numeric' });
    yearFormats.set(timeZone, format);
  }
  return format.format(at);
}

/**
 * The birth date to record: the one given, or for an estimated age, 1 January of (the report's
 * year, local time − the age), marked approximate. Why 1 January: the age recorded at the report
 * is then the estimate itself (a mid-year date would make a child reported in spring a year
 * younger), so the committee's age bands count the child as the worker estimated; only the year
 * is trusted anyway — leaving care reads an approximate date by its year (protocol/leaving-care.ts:
 * preparation from 1 January, exit from 31 December, in doubt a minor), and retention keeps
 * 1 January of the year — and it is the convention civil registries use for unknown dates.
 */
export function recordedBirthDate(
  identity: ChildIdentity,
  receivedAt: Date,
  timeZone: string,
): { birthDate: Date; approximate: boolean } {
  if (identity.birthDate !== undefined) {
    return {
      birthDate: new Date(`${identity.birthDate}T00:00:00Z`),
      approximate: identity.birthDateApproximate,
    };
  }
  const year = Number(yearIn(timeZone, receivedAt)) - (identity.estimatedAge ?? 0);
  return { birthDate: new Date(Date.UTC(year, 0, 1)), approximate: true };
}

interface MatchAlert {
  id: string;
  kind: 'identity' | 'sameChild';
  knownChildId: string;
  knownCase: KnownCase;
}

/**
 * The child (when new), the case, its first report and its match alerts, written in one statement
 * (data-modifying CTEs: atomic, one round trip where eight ran in a transaction before). The
 * protocol pin is part of it until this process has pinned those rules once.
 */
async function openCase(
  prisma: PrismaClient,
  ids: { caseId: string; childId: string; reportId: string },
  body: Body,
  province: string,
  unitId: string,
  actor: Actor,
  birth: { birthDate: Date; approximate: boolean } | null,
  alerts: MatchAlert[],
): Promise<string> {
  const identity = body.child;
  // The version in effect on the case's local date (effectiveFrom), pinned with the hash of its rules.
  const protocol = selectProtocol({ province, at: new Date() });
  const pin = rulesPin(protocol, province);
  const year = yearIn(protocol.timezone, new Date());
  const report = reportRow(ids.reportId, ids.caseId, body.report, actor);
  const parts: Prisma.Sql[] = [];
  if (!pin.pinned) {
    parts.push(Prisma.sql`pin AS (
      INSERT INTO "protocol_versions" ("hash", "version", "province_code", "rules")
      VALUES (${pin.hash}, ${protocol.version}, ${province}, ${JSON.stringify(protocol)}::jsonb)
      ON CONFLICT DO NOTHING)`);
  }
  if (identity && birth) {
    parts.push(Prisma.sql`child AS (
      INSERT INTO "children" ("id", "first_name", "last_name", "alias", "birth_date",
                              "birth_date_approximate", "sex", "nationality", "migrant_status",
                              "civil_registration")
      VALUES (${ids.childId}, ${identity.firstName ?? null}, ${identity.lastName ?? null},
              ${identity.alias ?? null}, ${birth.birthDate}::date, ${birth.approximate},
              ${identity.sex}::"Sex", ${identity.nationality ?? null},
              ${identity.migrantStatus}::"MigrantStatus", ${identity.civilRegistration}::"CivilRegistration"))`);
  }
  parts.push(Prisma.sql`kase AS (
      INSERT INTO "cases" ("id", "reference", "workflow_id", "child_id", "province_code", "unit_id",
                           "step", "urgent", "categories", "status", "protocol_version",
                           "protocol_hash", "updated_at")
      VALUES (${ids.caseId},
              ${`${province}-${year}-`} || lpad(nextval('case_reference_seq')::text, 6, '0'),
              ${caseWorkflowId(ids.caseId)}, ${ids.childId}, ${province}, ${unitId}, 'screening',
              ${body.report.urgent}, ${body.report.categories}::text[], 'open', ${protocol.version},
              ${pin.hash}, now())
      RETURNING "reference")`);
  parts.push(Prisma.sql`report AS (
      INSERT INTO "reports" ("id", "case_id", "channel", "received_at", "urgent", "anonymous",
                             "reporter_name", "reporter_contact", "narrative", "categories",
                             "created_by_id")
      VALUES (${report.id}, ${report.caseId}, ${report.channel}::"Channel", ${report.receivedAt},
              ${report.urgent}, ${report.anonymous}, ${report.reporterName}, ${report.reporterContact},
              ${report.narrative}, ${report.categories}::text[], ${report.createdById}))`);
  // Written with the case, so the case's opening notice tells both provinces' coordinators.
  if (alerts.length) {
    parts.push(Prisma.sql`alerts AS (
      INSERT INTO "child_match_alerts" ("id", "kind", "case_id", "child_id", "province_code",
                                        "known_case_id", "known_child_id", "known_province_code")
      VALUES ${Prisma.join(
        alerts.map(
          (a) =>
            Prisma.sql`(${a.id}, ${a.kind}, ${ids.caseId}, ${ids.childId}, ${province}, ${a.knownCase.id}, ${a.knownChildId}, ${a.knownCase.provinceCode})`,
        ),
      )})`);
  }
  const [opened] = await prisma.$queryRaw<{ reference: string }[]>`
    WITH ${Prisma.join(parts, ', ')} SELECT "reference" FROM kase`;
  if (!opened) throw new Error(`case ${ids.caseId} was not written`);
  pin.done();
  return opened.reference;
}

/** Undoes an opened case whose workflow could not be started (audit rows are never written before). */
async function compensate(
  prisma: PrismaClient,
  logger: Logger,
  ids: { caseId: string; childId: string },
  newChild: boolean,
) {
  try {
    await prisma.$transaction([
      prisma.childMatchAlert.deleteMany({ where: { caseId: ids.caseId } }),
      prisma.report.deleteMany({ where: { caseId: ids.caseId } }),
      prisma.case.deleteMany({ where: { id: ids.caseId } }),
      ...(newChild ? [prisma.child.deleteMany({ where: { id: ids.childId } })] : []),
    ]);
  } catch (err) {
    logger.error(
      { err: loggableError(err), caseId: ids.caseId },
      'could not undo a case whose workflow did not start',
    );
  }
}

/** A unique index refused the row: P2002 from a model query, SQLSTATE 23505 from a raw one. */
const isUniqueViolation = (err: unknown) =>
  err instanceof Prisma.PrismaClientKnownRequestError &&
  (err.code === 'P2002' ||
    (err.code === 'P2010' && (err.meta as { code?: unknown } | undefined)?.code === '23505') ||
    /\b23505\b|unique constraint/i.test(err.message));

export async function reportCase(
  deps: ApiDeps,
  actor: Actor,
  body: Body,
  logger: Logger,
  requestIds: RequestIdentity,
): Promise<{ status: 200 | 201; body: Created }> {
  const province = body.province ?? actor.province;
  const receivedAt = body.report.receivedAt ? new Date(body.report.receivedAt) : new Date();
  const birth = body.child
    ? recordedBirthDate(body.child, receivedAt, selectProtocol({ province, at: new Date() }).timezone)
    : null;
  // Asked at once with the unit (one round trip of waiting, not two); its answer is used only once
  // the province checks below have passed, so their errors come first as before.
  const firstLookup = findChild(deps.prisma, actor, body, birth?.birthDate ?? null);
  firstLookup.catch(() => undefined);
  // The province's duty unit; the province itself is looked up only when there is none. An unknown
  // province is bad input (400) before it is someone else's province (403).
  const unit = await deps.prisma.unit.findFirst({
    where: { provinceCode: province, kind: 'protectionUnit' },
    orderBy: { id: 'asc' },
    select: { id: true },
  });
  if (!unit && !(await deps.prisma.province.count({ where: { code: province } }))) {
    throw invalidField('body.province', 'unknown province');
  }
  authorize(actor, 'case.report', { province });
  if (!unit) throw invalidField('body.province', 'this province has no child-protection unit');

  // Twice at most: a concurrent report may open the child's case between our read and our insert.
  for (let attempt = 0; ; attempt += 1) {
    const { child, elsewhere } = await (attempt === 0
      ? firstLookup
      : findChild(deps.prisma, actor, body, birth?.birthDate ?? null));
    if (child) {
      const open = await deps.prisma.case.findFirst({
        where: { childId: child.id, provinceCode: province, status: 'open' },
        select: { id: true, reference: true },
      });
      if (open) {
        const { reportId } = await addConcern(deps, actor, open, body.report, requestIds);
        return {
          status: 200,
          body: { caseId: open.id, reference: open.reference, childId: child.id, reportId, joined: true },
        };
      }
      if (child.byIdentity) {
        throw new ProblemError(
          'conflict',
          `a child with this identity is already known as ${child.id}; report with "childId": "${child.id}" instead of "child"`,
          undefined,
          {},
          { childId: child.id },
        );
      }
    }
    const ids = {
      caseId: requestIds.newId(`case/${attempt}`),
      childId: child?.id ?? requestIds.newId(`child/${attempt}`),
      reportId: requestIds.newId(`report/${attempt}`),
    };
    // Possible matches in other provinces, and a known child's open cases there: for the coordinators.
    const alerts: MatchAlert[] = [
      ...elsewhere.map((e) => ({
        kind: 'identity' as const,
        knownChildId: e.childId,
        knownCase: e.knownCase,
      })),
      ...(child?.cases ?? [])
        .filter((c) => c.status === 'open' && c.provinceCode !== province)
        .map((c) => ({ kind: 'sameChild' as const, knownChildId: child?.id ?? '', knownCase: c })),
    ]
      .slice(0, MAX_ALERTS)
      .map((a) => ({ ...a, id: requestIds.newId(`childMatch/${attempt}/${a.knownCase.id}`) }));
    let reference: string;
    try {
      reference = await openCase(deps.prisma, ids, body, province, unit.id, actor, birth, alerts);
    } catch (err) {
      if (attempt === 0 && isUniqueViolation(err)) continue;
      throw err;
    }
    try {
      await withinDeadline(deps, () =>
        deps.temporal.workflow.start<typeof caseWorkflow>('caseWorkflow', {
          taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
          workflowId: caseWorkflowId(ids.caseId),
          args: [{ caseId: ids.caseId }],
        }),
      ).catch((err: unknown) => {
        // A retry (same Idempotency-Key, so the same case id) of a request whose start timed out
        // but happened: the workflow is this case's own, waiting for the rows written again above.
        if (requestIds.updateId && err instanceof WorkflowExecutionAlreadyStartedError) return;
        throw err;
      });
    } catch (err) {
      await compensate(deps.prisma, logger, ids, !child);
      logger.warn({ err: loggableError(err) }, 'case workflow did not start; the case was undone');
      throw new ProblemError(
        'unavailable',
        'the case could not be started in the workflow service; nothing was recorded, try again',
        undefined,
        { 'Retry-After': '5' },
      );
    }
    try {
      // One statement: the report's audit event, and a system notice about two provinces' children
      // filed on no case, so neither province's case trail shows the other's (the coordinators
      // read the alert itself).
      await deps.prisma.auditEvent.createMany({
        data: [
          {
            actorType: 'staff' as const,
            actorId: actor.id,
            action: 'case.reported',
            caseId: ids.caseId,
            entity: 'report',
            entityId: ids.reportId,
            details: { channel: body.report.channel, childCreated: !child, urgent: body.report.urgent },
          },
          ...alerts.map((a) => ({
            idempotencyKey: `childMatch/${a.id}`,
            actorType: 'system' as const,
            action: 'child.possibleMatch',
            caseId: null,
            entity: 'childMatchAlert',
            entityId: a.id,
            reason:
              a.kind === 'identity'
                ? `a report in ${province} has the names and birth date of a child known in ${a.knownCase.provinceCode}`
                : `a case opened in ${province} for a child with an open case in ${a.knownCase.provinceCode}`,
            details: {
              kind: a.kind,
              caseId: ids.caseId,
              province,
              knownCaseId: a.knownCase.id,
              knownProvince: a.knownCase.provinceCode,
            },
          })),
        ],
        skipDuplicates: true,
      });
    } catch (err) {
      // The case exists and runs; a missing audit line is logged loudly rather than answered as a failure.
      logger.error({ err: loggableError(err), caseId: ids.caseId }, 'could not audit a reported case');
    }
    return {
      status: 201,
      body: { caseId: ids.caseId, reference, childId: ids.childId, reportId: ids.reportId, joined: false },
    };
  }
}

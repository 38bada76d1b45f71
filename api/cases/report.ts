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
import { loadProtocol } from '../../protocol';
import { caseWorkflowId, concernSignal } from '../../workflows/case/definitions';
import type { caseWorkflow } from '../../workflows/case/workflow';
import { authorize, type Actor } from '../auth/policy';
import { transactionOptions, withinDeadline, type ApiDeps } from '../deps';
import { loggableError } from '../http/errors';
import type { RequestIdentity } from '../http/idempotency';
import { invalidField, ProblemError } from '../http/problem';
import type { z } from '../openapi/zod';
import { caseHandle } from './access';
import type { CaseCreated, CreateCaseBody, ReportInput } from './schemas';

type Body = z.output<typeof CreateCaseBody>;
type Report = z.output<typeof ReportInput>;
type Created = z.output<typeof CaseCreated>;
type Tx = Prisma.TransactionClient;

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

async function findChild(
  prisma: PrismaClient,
  body: Body,
): Promise<{ id: string; byIdentity: boolean } | null> {
  if (body.childId) {
    const child = await prisma.child.findUnique({ where: { id: body.childId }, select: { id: true } });
    if (!child) throw invalidField('body.childId', 'no child with this id');
    return { id: child.id, byIdentity: false };
  }
  const identity = body.child;
  if (!identity) return null;
  // The same names (ignoring case and surrounding spaces) and birth date: the same child.
  const same = await prisma.child.findFirst({
    where: {
      firstName: { equals: identity.firstName, mode: 'insensitive' },
      lastName: { equals: identity.lastName, mode: 'insensitive' },
      birthDate: new Date(`${identity.birthDate}T00:00:00Z`),
    },
    select: { id: true },
    orderBy: { createdAt: 'asc' },
  });
  return same ? { id: same.id, byIdentity: true } : null;
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

async function openCase(
  tx: Tx,
  ids: { caseId: string; childId: string; reportId: string },
  body: Body,
  province: string,
  unitId: string,
  actor: Actor,
): Promise<string> {
  const identity = body.child;
  if (identity) {
    await tx.child.create({
      data: {
        id: ids.childId,
        firstName: identity.firstName,
        lastName: identity.lastName,
        birthDate: new Date(`${identity.birthDate}T00:00:00Z`),
        birthDateApproximate: identity.birthDateApproximate,
        sex: identity.sex,
        nationality: identity.nationality ?? null,
        migrantStatus: identity.migrantStatus,
        civilRegistration: identity.civilRegistration,
      },
    });
  }
  const protocol = loadProtocol({ province });
  const [seq] = await tx.$queryRaw<{ n: bigint }[]>`SELECT nextval('case_reference_seq') AS n`;
  const reference = `${province}-${yearIn(protocol.timezone, new Date())}-${String(seq?.n ?? 0).padStart(6, '0')}`;
  await tx.case.create({
    data: {
      id: ids.caseId,
      reference,
      workflowId: caseWorkflowId(ids.caseId),
      childId: ids.childId,
      provinceCode: province,
      unitId,
      step: 'screening',
      urgent: body.report.urgent,
      categories: body.report.categories,
      status: 'open',
      protocolVersion: protocol.version,
    },
  });
  await tx.report.create({ data: reportRow(ids.reportId, ids.caseId, body.report, actor) });
  return reference;
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

const isUniqueViolation = (err: unknown) =>
  err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';

export async function reportCase(
  deps: ApiDeps,
  actor: Actor,
  body: Body,
  logger: Logger,
  requestIds: RequestIdentity,
): Promise<{ status: 200 | 201; body: Created }> {
  const province = body.province ?? actor.province;
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
    const child = await findChild(deps.prisma, body);
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
    let reference: string;
    try {
      reference = await deps.prisma.$transaction((tx) => openCase(tx, ids, body, province, unit.id, actor));
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
      await deps.prisma.auditEvent.create({
        data: {
          actorType: 'staff',
          actorId: actor.id,
          action: 'case.reported',
          caseId: ids.caseId,
          entity: 'report',
          entityId: ids.reportId,
          details: { channel: body.report.channel, childCreated: !child, urgent: body.report.urgent },
        },
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

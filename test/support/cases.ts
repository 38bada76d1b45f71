import { randomUUID } from 'node:crypto';
import { Connection, type Client } from '@temporalio/client';
import type { PrismaClient } from '../../lib/db';
import { caseWorkflowId } from '../../workflows/case/definitions';

let counter = 0;

/** Inserts a child, a case and its first report (what POST /cases does), without the API. */
export async function insertCase(
  prisma: PrismaClient,
  options: {
    province?: string;
    urgent?: boolean;
    categories?: string[];
    childName?: string;
    /** YYYY-MM-DD (default 2014-03-01). */
    birthDate?: string;
    birthDateApproximate?: boolean;
    /** When the report was received (default now): the screening clock starts then. */
    receivedAt?: Date;
  } = {},
): Promise<{ caseId: string; reference: string; childId: string }> {
  const province = options.province ?? 'DEMO';
  const caseId = randomUUID();
  const childId = randomUUID();
  counter += 1;
  const reference = `${province}-TEST-${String(counter).padStart(6, '0')}-${caseId.slice(0, 4)}`;
  const [firstName, lastName] = (options.childName ?? 'Test Child').split(' ');
  await prisma.$transaction(async (tx) => {
    await tx.child.create({
      data: {
        id: childId,
        firstName: firstName ?? 'Test',
        lastName: lastName ?? 'Child',
        birthDate: new Date(options.birthDate ?? '2014-03-01'),
        birthDateApproximate: options.birthDateApproximate ?? false,
        sex: 'female',
        migrantStatus: 'none',
        civilRegistration: 'registered',
      },
    });
    // The duty unit: the province's child-protection unit (UnitKind order puts it first).
    const unit = await tx.unit.findFirstOrThrow({
      where: { provinceCode: province },
      orderBy: [{ kind: 'asc' }, { id: 'asc' }],
    });
    await tx.case.create({
      data: {
        id: caseId,
        reference,
        workflowId: caseWorkflowId(caseId),
        childId,
        provinceCode: province,
        unitId: unit.id,
        step: 'screening',
        urgent: options.urgent ?? false,
        categories: options.categories ?? [],
        status: 'open',
        protocolVersion: 1,
      },
    });
    await tx.report.create({
      data: {
        id: randomUUID(),
        caseId,
        channel: 'hotline',
        receivedAt: options.receivedAt ?? new Date(),
        urgent: options.urgent ?? false,
        anonymous: true,
        categories: options.categories ?? [],
      },
    });
  });
  return { caseId, reference, childId };
}

/** The Temporal server's clock: the time-skipping server's own, else the wall clock. */
export async function serverNow(client: Client): Promise<Date> {
  const testService = client.connection instanceof Connection ? client.connection.testService : undefined;
  if (!testService) return new Date();
  try {
    const { time } = await testService.getCurrentTime({});
    return new Date(Number(time?.seconds ?? 0) * 1000 + Math.floor((time?.nanos ?? 0) / 1e6));
  } catch {
    return new Date(); // a real server has no test service
  }
}

export async function startCase(
  client: Client,
  prisma: PrismaClient,
  taskQueue: string,
  options: Parameters<typeof insertCase>[1] & { maxHistoryEvents?: number } = {},
) {
  // The report is received now on the server's clock, which time-skipping tests move ahead.
  const receivedAt = options.receivedAt ?? (await serverNow(client));
  const { caseId, reference, childId } = await insertCase(prisma, { ...options, receivedAt });
  const handle = await client.workflow.start('caseWorkflow', {
    taskQueue,
    workflowId: caseWorkflowId(caseId),
    args: [{ caseId, ...(options.maxHistoryEvents ? { maxHistoryEvents: options.maxHistoryEvents } : {}) }],
  });
  return { caseId, reference, childId, handle };
}

/** Writes a submitted plan and its items (what POST /cases/{id}/plan does before the update). */
export async function insertPlan(
  prisma: PrismaClient,
  caseId: string,
  services: { serviceType: string; partnerId: string }[],
): Promise<{ planId: string; items: { planItemId: string; serviceType: string; partnerId: string }[] }> {
  const planId = randomUUID();
  const version = (await prisma.plan.count({ where: { caseId } })) + 1;
  const items = services.map((s) => ({ planItemId: randomUUID(), ...s }));
  await prisma.plan.create({
    data: {
      id: planId,
      caseId,
      version,
      status: 'submitted',
      submittedAt: new Date(),
      items: {
        create: items.map((i) => ({ id: i.planItemId, serviceType: i.serviceType, partnerId: i.partnerId })),
      },
    },
  });
  return { planId, items };
}

/**
 * Moves the time-skipping server's clock forward to a fixed instant, so that a test's expected
 * deadlines can be written out by hand from the protocol and the calendar. Fails, rather than
 * silently testing other dates, if the clock is already past it.
 */
export async function clockAt(
  env: { currentTimeMs(): Promise<number>; sleep(ms: number): Promise<void> },
  iso: string,
): Promise<void> {
  const target = Date.parse(iso);
  const now = await env.currentTimeMs();
  if (now > target)
    throw new Error(`the test server's clock (${new Date(now).toISOString()}) is past ${iso}`);
  await env.sleep(target - now);
}

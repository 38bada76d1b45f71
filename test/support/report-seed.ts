/**
 * A month of provincial activity written straight into the case database (no workflow), for the
 * committee statistics: October 2026 in Africa/Casablanca (UTC+1 that month), so the period is
 * [2026-09-30T23:00Z, 2026-10-31T23:00Z). Instants below are UTC. The figures this gives for DEMO
 * are worked out by hand in test/integration/report-statistics.test.ts.
 *
 * Cases (DEMO unless said):
 *   c1  child A  female, born 2021-10-06  report hotline  2026-10-05T09:00Z [neglect]; closed 10-28
 *   c2  child B  male,   born 2020-10-01  report school   2026-09-30T23:00Z (= 1 Oct 00:00 local)
 *                                         [physicalViolence, psychologicalViolence]
 *   c3  child C  female, born 2014-03-01  report police   2026-10-12T10:00Z [sexualAbuse]
 *                                         concern hotline 2026-10-20T10:00Z [] (no category)
 *   c4  child D  male,   born 2011-06-15  report hotline  2026-10-15T08:00Z [streetSituation];
 *                                         transferred to OTHR on 2026-11-10
 *   c5  child E  unknown, born 2009-01-01 opened in OTHR in September, transferred to DEMO on
 *                                         2026-09-20; report family 2026-10-25T12:00Z [neglect]
 *   c6  (OTHR)   report school 2026-10-10T10:00Z, an assessment and an escalation: not DEMO's
 *   c7  report hotline at 2026-10-31T23:00Z (= 1 Nov 00:00 local): November
 *   c8  report hotline at 2026-09-30T22:59:59.999Z (= 30 Sep 23:59:59.999 local): September
 *   c9, c10  young people whose leaving-care outcomes are recorded in October; c11 one recorded
 *            at 2026-10-31T23:00Z (November)
 */
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../lib/db';
import { caseWorkflowId } from '../../workflows/case/definitions';

const t = (iso: string) => new Date(iso);

export interface SeededMonth {
  /** Case ids by the names above (c1…c11). */
  cases: Record<string, string>;
  /** Step-record ids by label (S1, A2, RA3, …). */
  steps: Record<string, string>;
}

export async function seedOctober2026(prisma: PrismaClient): Promise<SeededMonth> {
  const cases: Record<string, string> = {};
  const steps: Record<string, string> = {};
  const unitOf = { DEMO: 'unit-demo-upe', OTHR: 'unit-othr-upe' } as const;

  const openCase = async (
    name: string,
    c: {
      province: 'DEMO' | 'OTHR';
      sex: 'female' | 'male' | 'unknown';
      birthDate: string;
      openedAt: string;
      reports: { channel: string; at: string; categories: string[] }[];
    },
  ) => {
    const caseId = randomUUID();
    const childId = randomUUID();
    cases[name] = caseId;
    await prisma.child.create({
      data: {
        id: childId,
        firstName: `Seed${name}`,
        lastName: 'Reportchild',
        birthDate: t(`${c.birthDate}T00:00:00Z`),
        sex: c.sex,
      },
    });
    await prisma.case.create({
      data: {
        id: caseId,
        reference: `${c.province}-2026-${name}-${caseId.slice(0, 6)}`,
        workflowId: caseWorkflowId(caseId),
        childId,
        provinceCode: c.province,
        unitId: unitOf[c.province],
        step: 'assessment',
        status: 'open',
        protocolVersion: 1,
        openedAt: t(c.openedAt),
      },
    });
    for (const r of c.reports) {
      await prisma.report.create({
        data: {
          id: randomUUID(),
          caseId,
          channel: r.channel as 'hotline',
          receivedAt: t(r.at),
          categories: r.categories,
          anonymous: true,
        },
      });
    }
    return { caseId, childId };
  };

  const transfer = async (caseId: string, toProvince: string, at: string) => {
    await prisma.auditEvent.create({
      data: {
        at: t(at),
        actorType: 'staff',
        actorId: 'staff-demo-supervisor',
        action: 'transfer.accepted',
        caseId,
        entity: 'case',
        entityId: caseId,
        details: { toProvince },
      },
    });
    await prisma.case.update({ where: { id: caseId }, data: { provinceCode: toProvince } });
  };

  const step = async (
    label: string,
    caseName: string,
    s: {
      step: string;
      opened: string;
      due: string;
      completed?: string;
      outcome?: 'done' | 'cancelled';
      subjectId?: string;
    },
  ) => {
    const id = randomUUID();
    steps[label] = id;
    const completedAt = s.completed ? t(s.completed) : null;
    const lateByMs = completedAt ? Math.max(0, completedAt.getTime() - t(s.due).getTime()) : null;
    await prisma.stepRecord.create({
      data: {
        id,
        caseId: cases[caseName] ?? '',
        step: s.step,
        subjectId: s.subjectId ?? null,
        openedAt: t(s.opened),
        dueAt: t(s.due),
        completedAt,
        outcome: s.completed ? (s.outcome ?? 'done') : null,
        lateByMs: lateByMs === null ? null : BigInt(lateByMs),
      },
    });
    return id;
  };

  const escalate = async (stepLabel: string, caseName: string, rungs: [number, string, string][]) => {
    const record = await prisma.stepRecord.findUniqueOrThrow({ where: { id: steps[stepLabel] ?? '' } });
    for (const [level, role, at] of rungs) {
      await prisma.escalation.create({
        data: {
          id: randomUUID(),
          idempotencyKey: `seed/${stepLabel}/${level}`,
          caseId: cases[caseName] ?? '',
          step: record.step,
          stepRecordId: record.id,
          level,
          role,
          firedAt: t(at),
        },
      });
    }
  };

  const refer = async (
    label: string,
    caseName: string,
    r: { partnerId: string; requested: string; due: string; acknowledged?: string; declined?: string },
  ) => {
    const id = randomUUID();
    await prisma.referral.create({
      data: {
        id,
        caseId: cases[caseName] ?? '',
        partnerId: r.partnerId,
        serviceType: 'medical',
        status: r.declined ? 'declined' : r.acknowledged ? 'acknowledged' : 'requested',
        requestedAt: t(r.requested),
        acknowledgedAt: r.acknowledged ? t(r.acknowledged) : null,
        declinedAt: r.declined ? t(r.declined) : null,
        workflowId: `referral-${id}`,
      },
    });
    await step(label, caseName, {
      step: 'referralAcknowledgement',
      opened: r.requested,
      due: r.due,
      subjectId: id,
      ...(r.acknowledged || r.declined ? { completed: r.acknowledged ?? r.declined } : {}),
    });
  };

  // --- cases and reports -----------------------------------------------------------------------
  await openCase('c1', {
    province: 'DEMO',
    sex: 'female',
    birthDate: '2021-10-06',
    openedAt: '2026-10-05T09:00:00Z',
    reports: [{ channel: 'hotline', at: '2026-10-05T09:00:00Z', categories: ['neglect'] }],
  });
  await openCase('c2', {
    province: 'DEMO',
    sex: 'male',
    birthDate: '2020-10-01',
    openedAt: '2026-09-30T23:00:00Z',
    reports: [
      {
        channel: 'school',
        at: '2026-09-30T23:00:00Z',
        categories: ['physicalViolence', 'psychologicalViolence'],
      },
    ],
  });
  await openCase('c3', {
    province: 'DEMO',
    sex: 'female',
    birthDate: '2014-03-01',
    openedAt: '2026-10-12T10:00:00Z',
    reports: [
      { channel: 'police', at: '2026-10-12T10:00:00Z', categories: ['sexualAbuse'] },
      { channel: 'hotline', at: '2026-10-20T10:00:00Z', categories: [] },
    ],
  });
  await openCase('c4', {
    province: 'DEMO',
    sex: 'male',
    birthDate: '2011-06-15',
    openedAt: '2026-10-15T08:00:00Z',
    reports: [{ channel: 'hotline', at: '2026-10-15T08:00:00Z', categories: ['streetSituation'] }],
  });
  await openCase('c5', {
    province: 'OTHR',
    sex: 'unknown',
    birthDate: '2009-01-01',
    openedAt: '2026-09-02T10:00:00Z',
    reports: [{ channel: 'family', at: '2026-10-25T12:00:00Z', categories: ['neglect'] }],
  });
  await openCase('c6', {
    province: 'OTHR',
    sex: 'female',
    birthDate: '2015-01-01',
    openedAt: '2026-10-10T10:00:00Z',
    reports: [{ channel: 'school', at: '2026-10-10T10:00:00Z', categories: ['neglect'] }],
  });
  await openCase('c7', {
    province: 'DEMO',
    sex: 'female',
    birthDate: '2015-01-01',
    openedAt: '2026-10-31T23:00:00Z',
    reports: [{ channel: 'hotline', at: '2026-10-31T23:00:00Z', categories: ['neglect'] }],
  });
  await openCase('c8', {
    province: 'DEMO',
    sex: 'female',
    birthDate: '2015-01-01',
    openedAt: '2026-09-30T22:59:59.999Z',
    reports: [{ channel: 'hotline', at: '2026-09-30T22:59:59.999Z', categories: ['neglect'] }],
  });
  await transfer(cases.c5 ?? '', 'DEMO', '2026-09-20T10:00:00Z');
  await transfer(cases.c4 ?? '', 'OTHR', '2026-11-10T10:00:00Z');
  await prisma.case.update({
    where: { id: cases.c1 ?? '' },
    data: {
      status: 'closed',
      step: 'closed',
      closedAt: t('2026-10-28T10:00:00Z'),
      closureReason: 'objectivesMet',
    },
  });

  // --- steps -------------------------------------------------------------------------------------
  await step('S1', 'c1', {
    step: 'screening',
    opened: '2026-10-05T09:00:00Z',
    due: '2026-10-06T09:00:00Z',
    completed: '2026-10-05T15:00:00Z',
  });
  await step('S2', 'c2', {
    step: 'screening',
    opened: '2026-09-30T23:00:00Z',
    due: '2026-10-01T23:00:00Z',
    completed: '2026-10-02T05:00:00Z',
  });
  await step('S3', 'c3', {
    step: 'screening',
    opened: '2026-10-12T10:00:00Z',
    due: '2026-10-13T10:00:00Z',
    completed: '2026-10-12T20:00:00Z',
  });
  await step('S3b', 'c3', {
    step: 'screening',
    opened: '2026-10-20T10:00:00Z',
    due: '2026-10-21T10:00:00Z',
    completed: '2026-10-20T12:00:00Z',
  });
  await step('S4', 'c4', {
    step: 'screening',
    opened: '2026-10-15T08:00:00Z',
    due: '2026-10-16T08:00:00Z',
    completed: '2026-10-16T20:00:00Z',
  });
  await step('S5', 'c5', { step: 'screening', opened: '2026-10-25T12:00:00Z', due: '2026-10-26T12:00:00Z' });
  await step('E3', 'c3', {
    step: 'emergency',
    opened: '2026-10-12T20:00:00Z',
    due: '2026-10-13T00:00:00Z',
    completed: '2026-10-12T23:00:00Z',
  });
  await step('J1', 'c3', {
    step: 'judicialNotification',
    opened: '2026-10-12T20:00:00Z',
    due: '2026-10-13T20:00:00Z',
    completed: '2026-10-13T08:00:00Z',
  });
  await step('J2', 'c2', {
    step: 'judicialNotification',
    opened: '2026-10-02T05:00:00Z',
    due: '2026-10-03T05:00:00Z',
    completed: '2026-10-04T05:00:00Z',
  });
  await step('J3', 'c4', {
    step: 'judicialNotification',
    opened: '2026-10-31T20:00:00Z',
    due: '2026-11-01T20:00:00Z',
    completed: '2026-11-01T10:00:00Z',
  });
  await step('A1', 'c1', {
    step: 'assessment',
    opened: '2026-10-05T15:00:00Z',
    due: '2026-10-26T23:00:00Z',
    completed: '2026-10-20T09:00:00Z',
  });
  await step('A2', 'c2', {
    step: 'assessment',
    opened: '2026-10-02T05:00:00Z',
    due: '2026-10-12T23:00:00Z',
    completed: '2026-11-03T10:00:00Z',
  });
  await step('A3', 'c3', {
    step: 'assessment',
    opened: '2026-10-12T20:00:00Z',
    due: '2026-10-15T23:00:00Z',
    completed: '2026-10-19T11:00:00Z',
  });
  await step('A3b', 'c3', {
    step: 'assessment',
    opened: '2026-10-20T12:00:00Z',
    due: '2026-10-23T23:00:00Z',
    completed: '2026-10-23T10:00:00Z',
  });
  await step('A4', 'c4', { step: 'assessment', opened: '2026-10-16T20:00:00Z', due: '2026-11-05T23:00:00Z' });
  await step('A6', 'c6', { step: 'assessment', opened: '2026-10-11T10:00:00Z', due: '2026-10-20T23:00:00Z' });
  await step('P1', 'c1', {
    step: 'planDraft',
    opened: '2026-10-20T09:00:00Z',
    due: '2026-10-26T23:00:00Z',
    completed: '2026-10-28T10:00:00Z',
    outcome: 'cancelled',
  });
  await step('PD3', 'c3', {
    step: 'planDraft',
    opened: '2026-10-19T11:00:00Z',
    due: '2026-10-26T23:00:00Z',
    completed: '2026-10-20T12:00:00Z',
    outcome: 'cancelled',
  });
  await step('CA1', 'c1', {
    step: 'closureApproval',
    opened: '2026-10-22T10:00:00Z',
    due: '2026-10-23T23:00:00Z',
    completed: '2026-10-28T10:00:00Z',
  });

  // --- referrals (each with its acknowledgement step) --------------------------------------------
  await refer('RA1', 'c3', {
    partnerId: 'partner-demo-health',
    requested: '2026-10-14T09:00:00Z',
    due: '2026-10-15T23:00:00Z',
    acknowledged: '2026-10-15T09:00:00Z',
  });
  await refer('RA2', 'c3', {
    partnerId: 'partner-demo-school',
    requested: '2026-10-14T09:00:00Z',
    due: '2026-10-15T23:00:00Z',
    acknowledged: '2026-10-20T09:00:00Z',
  });
  await refer('RA3', 'c2', {
    partnerId: 'partner-demo-health',
    requested: '2026-10-30T10:00:00Z',
    due: '2026-11-02T23:00:00Z',
    acknowledged: '2026-11-02T10:00:00Z',
  });
  await refer('RA4', 'c4', {
    partnerId: 'partner-demo-association',
    requested: '2026-10-17T10:00:00Z',
    due: '2026-10-19T23:00:00Z',
    declined: '2026-10-18T10:00:00Z',
  });
  await refer('RA5', 'c1', {
    partnerId: 'partner-demo-health',
    requested: '2026-10-21T08:00:00Z',
    due: '2026-10-22T23:00:00Z',
    acknowledged: '2026-10-21T20:00:00Z',
  });

  // --- escalations ---------------------------------------------------------------------------------
  const clockHour = (due: string, plus2h: string): [number, string, string][] => [
    [0, 'handler', due],
    [1, 'supervisor', due],
    [2, 'coordinator', due],
    [3, 'committee', plus2h],
  ];
  await escalate('S2', 'c2', clockHour('2026-10-01T23:00:00Z', '2026-10-02T01:00:00Z'));
  await escalate('S4', 'c4', clockHour('2026-10-16T08:00:00Z', '2026-10-16T10:00:00Z'));
  await escalate('S5', 'c5', clockHour('2026-10-26T12:00:00Z', '2026-10-26T14:00:00Z'));
  await escalate('A2', 'c2', [
    [0, 'handler', '2026-10-12T23:00:00Z'],
    [1, 'supervisor', '2026-10-13T23:00:00Z'],
    [2, 'coordinator', '2026-10-15T23:00:00Z'],
    [3, 'committee', '2026-10-19T23:00:00Z'],
  ]);
  await escalate('P1', 'c1', [
    [0, 'handler', '2026-10-26T23:00:00Z'],
    [1, 'supervisor', '2026-10-27T23:00:00Z'],
  ]);
  await escalate('RA2', 'c3', [
    [0, 'handler', '2026-10-15T23:00:00Z'],
    [2, 'coordinator', '2026-10-16T23:00:00Z'],
  ]);
  await escalate('A6', 'c6', [[0, 'handler', '2026-10-20T23:00:00Z']]);

  // --- leaving-care outcomes ---------------------------------------------------------------------
  const outcomes = async (name: string, recordedAt: string, byAxis: Record<string, string>) => {
    const { caseId, childId } = await openCase(name, {
      province: 'DEMO',
      sex: 'female',
      birthDate: '2007-05-01',
      openedAt: '2024-01-10T10:00:00Z',
      reports: [],
    });
    const pathwayId = randomUUID();
    await prisma.leavingCarePathway.create({
      data: {
        id: pathwayId,
        childId,
        caseId,
        provinceCode: 'DEMO',
        workflowId: `leaving-care-${childId}`,
        protocolVersion: 1,
        phase: 'completed',
        trigger: 'api',
        enrolledAt: t('2024-01-10T10:00:00Z'),
        accompanimentMonths: 12,
      },
    });
    for (const [axis, outcome] of Object.entries(byAxis)) {
      await prisma.leavingCareOutcome.create({
        data: {
          id: randomUUID(),
          pathwayId,
          provinceCode: 'DEMO',
          axis,
          outcome,
          recordedAt: t(recordedAt),
          recordedById: 'staff-demo-mediator',
        },
      });
    }
  };
  await outcomes('c9', '2026-10-10T10:00:00Z', {
    health: 'integrated',
    educationTraining: 'partlyIntegrated',
    employment: 'notIntegrated',
    socialAssistance: 'integrated',
    socialParticipation: 'integrated',
  });
  await outcomes('c10', '2026-10-30T10:00:00Z', {
    health: 'integrated',
    educationTraining: 'integrated',
    employment: 'partlyIntegrated',
    socialAssistance: 'notIntegrated',
    socialParticipation: 'partlyIntegrated',
  });
  await outcomes('c11', '2026-10-31T23:00:00Z', { health: 'notIntegrated' });

  return { cases, steps };
}

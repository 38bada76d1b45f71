/** Who a rung reaches, read from the demo organisation in a real PostgreSQL. */
import { randomUUID } from 'node:crypto';
import { recipientResolver } from '../../activities/notifications/recipients';
import { insertCase } from '../support/cases';
import { createTestDatabase, type TestDatabase } from '../support/database';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

const resolve = () => recipientResolver(db.prisma);
const ids = (r: { recipients: { id: string }[] }) => r.recipients.map((s) => s.id);
const demo = { province: 'DEMO', caseUnitId: 'unit-demo-upe', assigneeId: null };

describe('recipients', () => {
  it('reaches each rung’s role in the case’s unit, support centre or province', async () => {
    expect(await resolve().forRung('handler', demo)).toEqual({
      role: 'handler',
      recipients: [expect.objectContaining({ id: 'staff-demo-handler', language: 'fr' })],
      fellThrough: [],
    });
    expect(ids(await resolve().forRung('supervisor', demo))).toEqual(['staff-demo-supervisor']);
    expect(ids(await resolve().forRung('coordinator', demo))).toEqual(['staff-demo-coordinator']);
    expect(ids(await resolve().forRung('committee', demo))).toEqual(['staff-demo-committee']);
    expect(ids(await resolve().forRung('mediator', demo))).toEqual(['staff-demo-mediator']);
    // OTHR has no support centre: its coordinator sits in the protection unit.
    expect(ids(await resolve().forRung('coordinator', { ...demo, province: 'OTHR' }))).toEqual([
      'staff-othr-coordinator',
    ]);
  });

  it('prefers the assigned handler, but only an active one of the province', async () => {
    const extra = 'staff-demo-handler-2';
    await db.prisma.staff.create({
      data: {
        id: extra,
        provinceCode: 'DEMO',
        unitId: 'unit-demo-upe',
        role: 'handler',
        displayName: 'x',
        email: 'h2@demo.example',
      },
    });
    expect(ids(await resolve().forRung('handler', demo))).toEqual(['staff-demo-handler', extra]);
    expect(ids(await resolve().forRung('handler', { ...demo, assigneeId: extra }))).toEqual([extra]);
    expect(ids(await resolve().forRung('handler', { ...demo, assigneeId: 'staff-othr-handler' }))).toEqual([
      'staff-demo-handler',
      extra,
    ]);
    await db.prisma.staff.update({ where: { id: extra }, data: { active: false } });
    expect(ids(await resolve().forRung('handler', { ...demo, assigneeId: extra }))).toEqual([
      'staff-demo-handler',
    ]);
  });

  it('climbs the receiving province’s duty unit during a transfer', async () => {
    // The case's unit is in DEMO; the ladder climbs OTHR's people.
    const r = await resolve().forRung('supervisor', { ...demo, province: 'OTHR' });
    expect(ids(r)).toEqual(['staff-othr-supervisor']);
  });

  it('falls through inactive roles and reports them', async () => {
    await db.prisma.staff.update({ where: { id: 'staff-demo-supervisor' }, data: { active: false } });
    try {
      expect(await resolve().forRung('supervisor', demo)).toMatchObject({
        role: 'coordinator',
        fellThrough: ['supervisor'],
      });
      const opened = await resolve().forCaseOpened(demo);
      expect(opened.map((r) => [r.role, ids(r), r.fellThrough])).toEqual([
        ['coordinator', ['staff-demo-coordinator'], ['supervisor']],
        ['handler', ['staff-demo-handler'], []],
      ]);
    } finally {
      await db.prisma.staff.update({ where: { id: 'staff-demo-supervisor' }, data: { active: true } });
    }
    expect(await resolve().forRung('committee', { ...demo, province: 'NONE' })).toEqual({
      role: null,
      recipients: [],
      fellThrough: ['committee'],
    });
  });

  it('reaches the focal point of the partner a referral went to', async () => {
    const { caseId } = await insertCase(db.prisma);
    const referralId = randomUUID();
    await db.prisma.referral.create({
      data: {
        id: referralId,
        caseId,
        partnerId: 'partner-demo-health',
        serviceType: 'medical',
        requestedAt: new Date(),
        workflowId: `referral-${referralId}`,
      },
    });
    // The service's focal address (in the partner's language) and its staff member.
    const partner = await resolve().forRung('partner', { ...demo, referralId });
    expect(partner.recipients.map((r) => [r.id, r.email, r.language])).toEqual([
      ['focal-point.partner-demo-health', 'health@partners.demo.example', 'fr'],
      ['staff-demo-partner', 'partner@demo.example', 'fr'],
    ]);
    // A staff member reading the focal address itself is told once.
    await db.prisma.partner.update({
      where: { id: 'partner-demo-health' },
      data: { focalEmail: 'Partner@demo.example', language: 'ar' },
    });
    expect(
      (await resolve().forRung('partner', { ...demo, referralId })).recipients.map((r) => [
        r.email,
        r.language,
      ]),
    ).toEqual([['Partner@demo.example', 'ar']]);
    await db.prisma.partner.update({
      where: { id: 'partner-demo-health' },
      data: { focalEmail: 'health@partners.demo.example', language: 'fr' },
    });
    expect(await resolve().forRung('partner', demo)).toMatchObject({
      role: 'coordinator',
      fellThrough: ['partner'],
    });
  });
});

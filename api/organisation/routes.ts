/**
 * The organisation (issue 14): provinces, units, staff and partners for every form; a province's
 * administrator (and the ministry's, for every province) creates, edits and deactivates staff,
 * units and partners. Every change is in the audit trail (field names, never the old values of a
 * person's details). Administrators have no access to cases: deactivating someone answers with
 * their open cases (references and steps) so the supervisor can reassign them; until then the
 * handler rung of those cases goes to their unit's handlers (activities/notifications/recipients.ts
 * never picks an inactive person) and the cases are in the unit's work list.
 */
import { randomUUID } from 'node:crypto';
import type { Prisma } from '../../generated/prisma/client';
import { selectProtocol } from '../../protocol';
import { authorize, listedProvince, type Action, type Actor } from '../auth/policy';
import { decodeCursor, encodeCursor } from '../cases/cursor';
import type { ApiDeps } from '../deps';
import { invalidField, ProblemError } from '../http/problem';
import type { Routes } from '../http/route';
import type { z } from '../openapi/zod';
import * as s from './schemas';

type StaffRow = Prisma.StaffGetPayload<object>;
type UnitRow = Prisma.UnitGetPayload<object>;
type PartnerRow = Prisma.PartnerGetPayload<object>;

const staffOf = (r: StaffRow): z.infer<typeof s.Staff> => ({
  staffId: r.id,
  province: r.provinceCode,
  unitId: r.unitId,
  role: r.role,
  displayName: r.displayName,
  email: r.email,
  language: r.language,
  partnerId: r.partnerId,
  active: r.active,
});
const unitOf = (r: UnitRow): z.infer<typeof s.Unit> => ({
  unitId: r.id,
  province: r.provinceCode,
  kind: r.kind,
  name: r.name,
  active: r.active,
});
const partnerOf = (r: PartnerRow): z.infer<typeof s.Partner> => ({
  partnerId: r.id,
  province: r.provinceCode,
  partnerType: r.partnerType,
  name: r.name,
  focalEmail: r.focalEmail,
  active: r.active,
});

const ENDED_PHASES = ['completed', 'notEnrolled'] as const;

export function organisationRoutes(routes: Routes, deps: ApiDeps): void {
  const { prisma } = deps;

  /** An unknown province is bad input (400) before it is another province (403). */
  async function knownProvince(code: string | undefined, path: string): Promise<void> {
    if (code === undefined) return;
    if (!(await prisma.province.count({ where: { code } }))) throw invalidField(path, 'unknown province');
  }

  async function audit(
    tx: Prisma.TransactionClient,
    actor: Actor,
    action: string,
    entity: 'staff' | 'unit' | 'partner',
    entityId: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    await tx.auditEvent.create({
      data: {
        actorType: 'staff',
        actorId: actor.id,
        action,
        entity,
        entityId,
        reason: `${entity} administration`,
        details: JSON.parse(JSON.stringify(details)),
      },
    });
  }

  /** Only the ministry's administrators appoint, change or remove a ministry administrator. */
  function mayGrant(actor: Actor, role: string | undefined): void {
    if (role === 'nationalAdmin' && actor.role !== 'nationalAdmin') {
      throw new ProblemError(
        'forbidden',
        'only a national administrator may appoint or change a national administrator',
      );
    }
  }

  /** The unit and partner a staff member would have, checked against their province and role. */
  async function checkPlacement(
    target: { province: string; role: string; unitId: string | null; partnerId: string | null },
    paths: { unitId: string; partnerId: string },
  ): Promise<void> {
    const errors: { path: string; message: string }[] = [];
    if (target.unitId) {
      const unit = await prisma.unit.findUnique({ where: { id: target.unitId } });
      if (!unit) errors.push({ path: paths.unitId, message: 'unknown unit' });
      else if (unit.provinceCode !== target.province)
        errors.push({ path: paths.unitId, message: 'must be a unit of the same province' });
      else if (!unit.active) errors.push({ path: paths.unitId, message: 'this unit is deactivated' });
    }
    if (target.role === 'partner' && !target.partnerId) {
      errors.push({ path: paths.partnerId, message: "required for a partner's focal point" });
    }
    if (target.role !== 'partner' && target.partnerId) {
      errors.push({ path: paths.partnerId, message: "only a partner's focal point belongs to a partner" });
    }
    if (target.partnerId && target.role === 'partner') {
      const partner = await prisma.partner.findUnique({ where: { id: target.partnerId } });
      if (!partner) errors.push({ path: paths.partnerId, message: 'unknown partner' });
      else if (!partner.active)
        errors.push({ path: paths.partnerId, message: 'this partner is deactivated' });
    }
    if (errors.length > 0) {
      throw new ProblemError('validation', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
    }
  }

  async function emailFree(email: string, except?: string): Promise<void> {
    const other = await prisma.staff.findFirst({
      where: { email: { equals: email, mode: 'insensitive' }, ...(except ? { id: { not: except } } : {}) },
      select: { id: true },
    });
    if (other)
      throw new ProblemError('conflict', `this e-mail address is already that of staff member ${other.id}`);
  }

  /** What a deactivated person leaves behind: open cases to reassign, pathways to hand over. */
  async function leftBehind(staffId: string) {
    const [cases, pathways] = await Promise.all([
      prisma.case.findMany({
        where: { assigneeId: staffId, status: { not: 'closed' } },
        orderBy: [{ openedAt: 'asc' }, { id: 'asc' }],
        select: { id: true, reference: true, step: true, unitId: true },
      }),
      prisma.leavingCarePathway.findMany({
        where: { mediatorId: staffId, phase: { notIn: [...ENDED_PHASES] } },
        orderBy: { enrolledAt: 'asc' },
        select: { childId: true, id: true, phase: true },
      }),
    ]);
    return {
      openCases: cases.map((c) => ({ caseId: c.id, reference: c.reference, step: c.step, unitId: c.unitId })),
      pathways: pathways.map((p) => ({ childId: p.childId, pathwayId: p.id, phase: p.phase })),
    };
  }

  const changedFields = (before: Record<string, unknown>, patch: Record<string, unknown>) =>
    Object.keys(patch).filter((k) => patch[k] !== undefined && patch[k] !== before[k]);

  // --- read ---------------------------------------------------------------------------------

  routes.route({
    method: 'get',
    path: '/provinces',
    operationId: 'listProvinces',
    summary: "Morocco's prefectures and provinces (2015 division), with their region, and the demo provinces",
    tag: 'organisation',
    request: { query: s.ProvinceQuery },
    responses: { 200: { description: 'every province, by code', schema: s.ProvinceList } },
    handle: async ({ actor, query }) => {
      authorize(actor, 'province.list', {});
      const rows = await prisma.province.findMany({
        where: query.region ? { regionCode: query.region } : {},
        orderBy: { code: 'asc' },
        include: { region: true },
      });
      return {
        body: {
          items: rows.map((p) => ({
            code: p.code,
            nameFr: p.nameFr,
            nameAr: p.nameAr,
            kind: p.kind,
            region: p.region
              ? { code: p.region.code, nameFr: p.region.nameFr, nameAr: p.region.nameAr }
              : null,
          })),
        },
      };
    },
  });

  routes.route({
    method: 'get',
    path: '/units',
    operationId: 'listUnits',
    summary: "A province's units (protection units, support centre, mobile units)",
    tag: 'organisation',
    request: { query: s.UnitQuery },
    responses: { 200: { description: 'the units, by id', schema: s.UnitList } },
    handle: async ({ actor, query }) => {
      await knownProvince(query.province, 'query.province');
      const province = listedProvince(actor, 'unit.list', query.province);
      const rows = await prisma.unit.findMany({
        where: {
          ...(province ? { provinceCode: province } : {}),
          ...(query.kind ? { kind: query.kind } : {}),
          ...(query.active ? { active: query.active === 'true' } : {}),
        },
        orderBy: { id: 'asc' },
      });
      return { body: { items: rows.map(unitOf) } };
    },
  });

  routes.route({
    method: 'get',
    path: '/staff',
    operationId: 'listStaff',
    summary: "A province's staff: role, unit, active (who a case can be assigned to, who a mediator is)",
    tag: 'organisation',
    request: { query: s.StaffQuery },
    responses: { 200: { description: 'one page of staff, by id', schema: s.StaffPage } },
    handle: async ({ actor, query }) => {
      await knownProvince(query.province, 'query.province');
      const province = listedProvince(actor, 'staff.list', query.province);
      const after = query.cursor ? decodeCursor(query.cursor, 'query.cursor') : undefined;
      const rows = await prisma.staff.findMany({
        where: {
          ...(province ? { provinceCode: province } : {}),
          ...(query.role ? { role: query.role } : {}),
          ...(query.unit ? { unitId: query.unit } : {}),
          ...(query.active ? { active: query.active === 'true' } : {}),
          ...(after ? { id: { gt: after.id } } : {}),
        },
        orderBy: { id: 'asc' },
        take: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      return {
        body: {
          items: page.map(staffOf),
          nextCursor:
            rows.length > query.limit && last ? encodeCursor({ at: new Date(0), id: last.id }) : null,
        },
      };
    },
  });

  routes.route({
    method: 'get',
    path: '/partners',
    operationId: 'listPartners',
    summary: "A province's partner services (type, focal point), for plans and referrals",
    tag: 'organisation',
    request: { query: s.PartnerQuery },
    responses: { 200: { description: 'the partners, by id', schema: s.PartnerList } },
    handle: async ({ actor, query }) => {
      await knownProvince(query.province, 'query.province');
      const province = listedProvince(actor, 'partner.list', query.province);
      // The service's partner type is the province's rules' (a file per province may differ).
      let servedBy: s.PartnerTypeCode | undefined;
      if (query.serviceType) {
        const { services } = selectProtocol({ province: province ?? actor.province, at: new Date() });
        if (!Object.prototype.hasOwnProperty.call(services, query.serviceType)) {
          throw invalidField('query.serviceType', `not a service of province ${province ?? actor.province}`);
        }
        servedBy = services[query.serviceType]?.partnerType;
      }
      // Both given: a partner of both types, so none unless they agree.
      const types = [query.type, servedBy].filter((t) => t !== undefined);
      const rows = await prisma.partner.findMany({
        where: {
          ...(province ? { provinceCode: province } : {}),
          ...(types.length ? { AND: types.map((t) => ({ partnerType: t })) } : {}),
          ...(query.active ? { active: query.active === 'true' } : {}),
        },
        orderBy: { id: 'asc' },
      });
      return { body: { items: rows.map(partnerOf) } };
    },
  });

  // --- administration -------------------------------------------------------------------------

  /** 404 for what the administrator may not even list, 403 for what they see but may not change. */
  const authorizeOn = (actor: Actor, action: Action, province: string, list: Action, what: string) =>
    authorize(actor, action, { province }, { readAction: list, notFound: `no ${what}` });

  routes.route({
    method: 'post',
    path: '/units',
    operationId: 'createUnit',
    summary: 'Create a unit in a province (administrators)',
    tag: 'organisation',
    request: { body: s.CreateUnitBody },
    responses: { 201: { description: 'the unit', schema: s.UnitResult } },
    problems: { 409: 'a unit with this id exists' },
    handle: async ({ actor, body }) => {
      await knownProvince(body.province, 'body.province');
      authorize(actor, 'unit.create', { province: body.province });
      const id = body.unitId ?? `unit-${randomUUID()}`;
      if (await prisma.unit.count({ where: { id } }))
        throw new ProblemError('conflict', `a unit ${id} exists`);
      const unit = await prisma.$transaction(async (tx) => {
        const created = await tx.unit.create({
          data: { id, provinceCode: body.province, kind: body.kind, name: body.name },
        });
        await audit(tx, actor, 'unit.created', 'unit', id, { province: body.province, kind: body.kind });
        return created;
      });
      return { status: 201, body: { unit: unitOf(unit) } };
    },
  });

  routes.route({
    method: 'patch',
    path: '/units/{unitId}',
    operationId: 'updateUnit',
    summary: 'Rename, re-kind, deactivate or reactivate a unit (administrators)',
    tag: 'organisation',
    request: { params: s.UnitIdParams, body: s.UpdateUnitBody },
    responses: { 200: { description: 'the unit as it is now', schema: s.UnitResult } },
    problems: { 409: 'the unit still has active staff or open cases (deactivation)' },
    handle: async ({ actor, params, body }) => {
      const before = await prisma.unit.findUnique({ where: { id: params.unitId } });
      if (!before) throw new ProblemError('notFound', `no unit ${params.unitId}`);
      authorizeOn(actor, 'unit.update', before.provinceCode, 'unit.list', `unit ${params.unitId}`);
      if (body.active === false && before.active) {
        const [staff, cases] = await Promise.all([
          prisma.staff.count({ where: { unitId: before.id, active: true } }),
          prisma.case.count({ where: { unitId: before.id, status: { not: 'closed' } } }),
        ]);
        if (staff > 0 || cases > 0) {
          throw new ProblemError(
            'conflict',
            `unit ${before.id} still has ${staff} active staff member(s) and ${cases} open case(s): move them first`,
          );
        }
      }
      const fields = changedFields(before, body);
      const unit = await prisma.$transaction(async (tx) => {
        const updated = await tx.unit.update({
          where: { id: before.id },
          data: {
            ...(body.name !== undefined ? { name: body.name } : {}),
            ...(body.kind !== undefined ? { kind: body.kind } : {}),
            ...(body.active !== undefined ? { active: body.active } : {}),
          },
        });
        const action =
          body.active === false && before.active
            ? 'unit.deactivated'
            : body.active === true && !before.active
              ? 'unit.reactivated'
              : 'unit.updated';
        if (fields.length) await audit(tx, actor, action, 'unit', before.id, { fields });
        return updated;
      });
      return { body: { unit: unitOf(unit) } };
    },
  });

  routes.route({
    method: 'post',
    path: '/staff',
    operationId: 'createStaff',
    summary: 'Create a staff member of a province: role, unit, language, partner service (administrators)',
    tag: 'organisation',
    request: { body: s.CreateStaffBody },
    responses: { 201: { description: 'the staff member', schema: s.StaffResult } },
    problems: { 409: 'a staff member with this id or e-mail address exists' },
    handle: async ({ actor, body }) => {
      await knownProvince(body.province, 'body.province');
      authorize(actor, 'staff.create', { province: body.province });
      mayGrant(actor, body.role);
      await checkPlacement(
        {
          province: body.province,
          role: body.role,
          unitId: body.unitId ?? null,
          partnerId: body.partnerId ?? null,
        },
        { unitId: 'body.unitId', partnerId: 'body.partnerId' },
      );
      const id = body.staffId ?? `staff-${randomUUID()}`;
      if (await prisma.staff.count({ where: { id } }))
        throw new ProblemError('conflict', `a staff member ${id} exists`);
      await emailFree(body.email);
      const staff = await prisma.$transaction(async (tx) => {
        const created = await tx.staff.create({
          data: {
            id,
            provinceCode: body.province,
            unitId: body.unitId ?? null,
            role: body.role,
            displayName: body.displayName,
            email: body.email,
            language: body.language,
            partnerId: body.partnerId ?? null,
          },
        });
        await audit(tx, actor, 'staff.created', 'staff', id, {
          province: body.province,
          role: body.role,
          unitId: body.unitId ?? null,
        });
        return created;
      });
      return { status: 201, body: { staff: staffOf(staff), openCases: [], pathways: [] } };
    },
  });

  routes.route({
    method: 'patch',
    path: '/staff/{staffId}',
    operationId: 'updateStaff',
    summary: 'Edit, deactivate or reactivate a staff member (administrators)',
    description:
      'Deactivating answers with the open cases assigned to the person and the pathways they carry: ' +
      "until those are reassigned, the handler rung of the cases goes to the unit's handlers, and the cases " +
      "are in the unit's work list. A deactivated person cannot sign in or be assigned.",
    tag: 'organisation',
    request: { params: s.StaffIdParams, body: s.UpdateStaffBody },
    responses: { 200: { description: 'the staff member as they are now', schema: s.StaffResult } },
    problems: { 409: "the e-mail address is another staff member's, or you would deactivate yourself" },
    handle: async ({ actor, params, body }) => {
      const before = await prisma.staff.findUnique({ where: { id: params.staffId } });
      if (!before) throw new ProblemError('notFound', `no staff member ${params.staffId}`);
      authorizeOn(actor, 'staff.update', before.provinceCode, 'staff.list', `staff member ${params.staffId}`);
      if (body.province !== undefined && body.province !== before.provinceCode) {
        await knownProvince(body.province, 'body.province');
        authorize(actor, 'staff.update', { province: body.province });
      }
      mayGrant(actor, before.role);
      mayGrant(actor, body.role);
      if (body.active === false && before.id === actor.id) {
        throw new ProblemError('conflict', 'you cannot deactivate yourself: ask another administrator');
      }
      const province = body.province ?? before.provinceCode;
      const role = body.role ?? before.role;
      // A move to another province leaves the old unit behind unless a new one is given.
      const unitId =
        body.unitId !== undefined ? body.unitId : province !== before.provinceCode ? null : before.unitId;
      const partnerId =
        body.partnerId !== undefined ? body.partnerId : role === 'partner' ? before.partnerId : null;
      await checkPlacement(
        { province, role, unitId, partnerId },
        { unitId: 'body.unitId', partnerId: 'body.partnerId' },
      );
      if (body.email !== undefined) await emailFree(body.email, before.id);
      const next = {
        provinceCode: province,
        unitId,
        role,
        partnerId,
        ...(body.displayName !== undefined ? { displayName: body.displayName } : {}),
        ...(body.email !== undefined ? { email: body.email } : {}),
        ...(body.language !== undefined ? { language: body.language } : {}),
        ...(body.active !== undefined ? { active: body.active } : {}),
      };
      const fields = changedFields(before, next);
      const staff = await prisma.$transaction(async (tx) => {
        const updated = await tx.staff.update({ where: { id: before.id }, data: next });
        const action =
          body.active === false && before.active
            ? 'staff.deactivated'
            : body.active === true && !before.active
              ? 'staff.reactivated'
              : 'staff.updated';
        if (fields.length) {
          await audit(tx, actor, action, 'staff', before.id, {
            fields,
            role: updated.role,
            province: updated.provinceCode,
            unitId: updated.unitId,
            active: updated.active,
          });
        }
        return updated;
      });
      const behind = staff.active ? { openCases: [], pathways: [] } : await leftBehind(staff.id);
      return { body: { staff: staffOf(staff), ...behind } };
    },
  });

  routes.route({
    method: 'post',
    path: '/partners',
    operationId: 'createPartner',
    summary: "Create a partner service of a province, with its focal point's address (administrators)",
    tag: 'organisation',
    request: { body: s.CreatePartnerBody },
    responses: { 201: { description: 'the partner', schema: s.PartnerResult } },
    problems: { 409: 'a partner with this id exists' },
    handle: async ({ actor, body }) => {
      await knownProvince(body.province, 'body.province');
      authorize(actor, 'partner.create', { province: body.province });
      const id = body.partnerId ?? `partner-${randomUUID()}`;
      if (await prisma.partner.count({ where: { id } }))
        throw new ProblemError('conflict', `a partner ${id} exists`);
      const partner = await prisma.$transaction(async (tx) => {
        const created = await tx.partner.create({
          data: {
            id,
            provinceCode: body.province,
            partnerType: body.partnerType,
            name: body.name,
            focalEmail: body.focalEmail,
          },
        });
        await audit(tx, actor, 'partner.created', 'partner', id, {
          province: body.province,
          partnerType: body.partnerType,
        });
        return created;
      });
      return { status: 201, body: { partner: partnerOf(partner), openReferrals: [] } };
    },
  });

  routes.route({
    method: 'patch',
    path: '/partners/{partnerId}',
    operationId: 'updatePartner',
    summary: 'Edit, deactivate or reactivate a partner service (administrators)',
    tag: 'organisation',
    request: { params: s.PartnerIdParams, body: s.UpdatePartnerBody },
    responses: { 200: { description: 'the partner as it is now', schema: s.PartnerResult } },
    handle: async ({ actor, params, body }) => {
      const before = await prisma.partner.findUnique({ where: { id: params.partnerId } });
      if (!before) throw new ProblemError('notFound', `no partner ${params.partnerId}`);
      authorizeOn(
        actor,
        'partner.update',
        before.provinceCode,
        'partner.list',
        `partner ${params.partnerId}`,
      );
      const fields = changedFields(before, body);
      const partner = await prisma.$transaction(async (tx) => {
        const updated = await tx.partner.update({
          where: { id: before.id },
          data: {
            ...(body.partnerType !== undefined ? { partnerType: body.partnerType } : {}),
            ...(body.name !== undefined ? { name: body.name } : {}),
            ...(body.focalEmail !== undefined ? { focalEmail: body.focalEmail } : {}),
            ...(body.active !== undefined ? { active: body.active } : {}),
          },
        });
        const action =
          body.active === false && before.active
            ? 'partner.deactivated'
            : body.active === true && !before.active
              ? 'partner.reactivated'
              : 'partner.updated';
        if (fields.length) await audit(tx, actor, action, 'partner', before.id, { fields });
        return updated;
      });
      const openReferrals = partner.active
        ? []
        : (
            await prisma.referral.findMany({
              where: { partnerId: partner.id, status: { in: ['requested', 'acknowledged', 'started'] } },
              orderBy: [{ requestedAt: 'asc' }, { id: 'asc' }],
              select: { id: true, caseId: true, status: true },
            })
          ).map((r) => ({ referralId: r.id, caseId: r.caseId, status: r.status }));
      return { body: { partner: partnerOf(partner), openReferrals } };
    },
  });
}

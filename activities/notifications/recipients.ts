/**
 * Who receives a rung, read from the organisation (staff by province, unit and role). The rules
 * and the fall-through order are data: a rung tries its sources in order and takes everyone the
 * first non-empty source yields; when all are empty the rung falls to the next role up.
 */
import type { PrismaClient } from '../../lib/db';
import type { EscalationRole } from '../../workflows/deadlines/types';

type StaffRole = EscalationRole;

/**
 * - `assignee`: the person the case is assigned to (if active and in the province);
 * - `caseUnit`: the case's unit, or the province's duty unit when the ladder climbs another
 *   province (a transfer);
 * - `supportCentre`: the province's support centre (CAPE);
 * - `province`: anyone in the province;
 * - `referralPartner`: the focal point of the partner a referral was sent to — its focal address
 *   (partners.focal_email) and the partner's own staff.
 */
export type Scope = 'assignee' | 'caseUnit' | 'supportCentre' | 'province' | 'referralPartner';

export interface Source {
  role: StaffRole;
  scope: Scope;
}

export interface RungRule {
  sources: Source[];
  /** The rung a message falls to when nobody matches; null at the top of the ladder. */
  fallsTo: EscalationRole | null;
}

export const RUNG_RECIPIENTS: Readonly<Record<EscalationRole, RungRule>> = {
  handler: {
    sources: [
      { role: 'handler', scope: 'assignee' },
      { role: 'handler', scope: 'caseUnit' },
    ],
    fallsTo: 'supervisor',
  },
  supervisor: { sources: [{ role: 'supervisor', scope: 'caseUnit' }], fallsTo: 'coordinator' },
  coordinator: {
    sources: [
      { role: 'coordinator', scope: 'supportCentre' },
      { role: 'coordinator', scope: 'province' },
    ],
    fallsTo: 'committee',
  },
  committee: { sources: [{ role: 'committee', scope: 'province' }], fallsTo: null },
  partner: { sources: [{ role: 'partner', scope: 'referralPartner' }], fallsTo: 'coordinator' },
  mediator: {
    sources: [
      { role: 'mediator', scope: 'assignee' },
      { role: 'mediator', scope: 'caseUnit' },
      { role: 'mediator', scope: 'province' },
    ],
    fallsTo: 'supervisor',
  },
};

/** "Case opened" goes to each of these rungs (each falling through on its own), once per person. */
export const CASE_OPENED_ROLES: readonly EscalationRole[] = ['supervisor', 'handler'];

/** Which unit of a province is on duty for new cases, in order of preference. */
export const DUTY_UNIT_KINDS = ['protectionUnit', 'supportCentre', 'mobileUnit'] as const;

export interface RecipientContext {
  /** Province whose staff are told (the receiving province during a transfer). */
  province: string;
  caseUnitId: string | null;
  assigneeId: string | null;
  /** The referral a deadline is about, for the partner's focal point. */
  referralId?: string | undefined;
}

export interface Recipient {
  /** The staff id, or `focal-point.<partnerId>` for a partner's focal address (not a member of staff). */
  id: string;
  email: string;
  language: string;
  unitId: string | null;
  /** Set for a partner's focal address: the partner it belongs to. */
  focalPointOf?: string;
}

/** The staff id a message is filed under (a focal address is nobody's). */
export const staffIdOf = (r: Recipient): string | null => (r.focalPointOf ? null : r.id);

export interface Resolution {
  /** The role actually reached (the rung's own, or the one it fell to); null if nobody at all. */
  role: EscalationRole | null;
  recipients: Recipient[];
  /** Roles tried and found empty, in order. */
  fellThrough: EscalationRole[];
}

const SELECT = { id: true, email: true, language: true, unitId: true } as const;

export function recipientResolver(prisma: PrismaClient) {
  const unitCache = new Map<string, string | null>();

  async function unitFor(ctx: RecipientContext): Promise<string | null> {
    const key = JSON.stringify([ctx.province, ctx.caseUnitId]);
    if (unitCache.has(key)) return unitCache.get(key) ?? null;
    let unitId: string | null = null;
    if (ctx.caseUnitId) {
      const unit = await prisma.unit.findUnique({ where: { id: ctx.caseUnitId } });
      if (unit?.provinceCode === ctx.province) unitId = unit.id;
    }
    if (!unitId) {
      const units = await prisma.unit.findMany({
        where: { provinceCode: ctx.province },
        orderBy: { id: 'asc' },
      });
      unitId =
        DUTY_UNIT_KINDS.map((kind) => units.find((u) => u.kind === kind)).find((u) => u !== undefined)?.id ??
        null;
    }
    unitCache.set(key, unitId);
    return unitId;
  }

  async function find(source: Source, ctx: RecipientContext): Promise<Recipient[]> {
    const base = { role: source.role, active: true, provinceCode: ctx.province } as const;
    switch (source.scope) {
      case 'assignee': {
        if (!ctx.assigneeId) return [];
        // Whoever the case is assigned to is its handler, whatever their title.
        const found = await prisma.staff.findFirst({
          where: { id: ctx.assigneeId, active: true, provinceCode: ctx.province },
          select: SELECT,
        });
        return found ? [found] : [];
      }
      case 'caseUnit': {
        const unitId = await unitFor(ctx);
        if (!unitId) return [];
        return prisma.staff.findMany({ where: { ...base, unitId }, select: SELECT, orderBy: { id: 'asc' } });
      }
      case 'supportCentre':
        return prisma.staff.findMany({
          where: { ...base, unit: { kind: 'supportCentre' } },
          select: SELECT,
          orderBy: { id: 'asc' },
        });
      case 'province':
        return prisma.staff.findMany({ where: base, select: SELECT, orderBy: { id: 'asc' } });
      case 'referralPartner': {
        if (!ctx.referralId) return [];
        const referral = await prisma.referral.findUnique({
          where: { id: ctx.referralId },
          select: { partner: { select: { id: true, focalEmail: true, language: true } } },
        });
        if (!referral) return [];
        const { partner } = referral;
        const staff = await prisma.staff.findMany({
          where: { role: source.role, active: true, partnerId: partner.id },
          select: SELECT,
          orderBy: { id: 'asc' },
        });
        // The service's focal address first; a staff member who reads that same address is told once.
        const focal: Recipient = {
          id: `focal-point.${partner.id}`,
          email: partner.focalEmail,
          language: partner.language,
          unitId: null,
          focalPointOf: partner.id,
        };
        const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
        return [focal, ...staff.filter((m) => !same(m.email, focal.email))];
      }
    }
  }

  /** Everyone the first non-empty source yields. */
  async function take(rule: RungRule, ctx: RecipientContext): Promise<Recipient[]> {
    for (const source of rule.sources) {
      const staff = await find(source, ctx);
      if (staff.length) return staff;
    }
    return [];
  }

  /** Climbs from a rung until somebody is found; the roles found empty are reported. */
  async function forRung(role: EscalationRole, ctx: RecipientContext): Promise<Resolution> {
    const fellThrough: EscalationRole[] = [];
    for (let current: EscalationRole | null = role; current; current = RUNG_RECIPIENTS[current].fallsTo) {
      const recipients = await take(RUNG_RECIPIENTS[current], ctx);
      if (recipients.length) return { role: current, recipients, fellThrough };
      fellThrough.push(current);
    }
    return { role: null, recipients: [], fellThrough };
  }

  /** Each rung of "case opened", resolved on its own (the caller sends each person one message). */
  async function forCaseOpened(ctx: RecipientContext): Promise<Resolution[]> {
    const rungs: Resolution[] = [];
    for (const role of CASE_OPENED_ROLES) rungs.push(await forRung(role, ctx));
    return rungs;
  }

  /**
   * Each of these roles resolved on its own (falling through like a rung), everyone once: a rung's
   * `alsoTell`, the receiving supervisors of a transfer.
   */
  async function forRoles(roles: readonly EscalationRole[], ctx: RecipientContext): Promise<Resolution[]> {
    const seen = new Set<string>();
    const out: Resolution[] = [];
    for (const role of roles) {
      const r = await forRung(role, ctx);
      const fresh = r.recipients.filter((x) => !seen.has(x.id));
      for (const x of fresh) seen.add(x.id);
      out.push({ ...r, recipients: fresh });
    }
    return out;
  }

  return { forRung, forRoles, forCaseOpened };
}

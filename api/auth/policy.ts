/**
 * Who may do what (protocol.md §2), as ONE table read by one generic check. A row is a role; a cell
 * says on which resources the role may perform the action:
 *   ownProvince        the resource's province is the actor's (a case, the case of a referral, a
 *                      leaving-care pathway)
 *   anyProvince        every province (national roles: operations, inspection)
 *   receivingProvince  the province a pending transfer goes to (the receiving supervisor reads the
 *                      case it is asked to take, and accepts or refuses it)
 *   ownPartner         the referral is addressed to the actor's partner service
 *   self               what concerns the actor alone (their own work list)
 * A cell may list several scopes (any of them allows). A missing cell is a refusal. Handlers never
 * branch on roles: they name an action.
 */
import type { StaffRole } from '../../generated/prisma/client';
import { ProblemError } from '../http/problem';

export const ROLES = [
  'handler',
  'supervisor',
  'coordinator',
  'committee',
  'partner',
  'mediator',
  'operations',
  'auditor',
  'admin',
  'nationalAdmin',
] as const satisfies readonly StaffRole[];

export const ACTIONS = [
  'case.report',
  'case.list',
  'case.read',
  'case.readIdentity',
  'case.readAudit',
  'case.readContent',
  'case.readTimeline',
  'case.rectifyIdentity',
  'case.screening',
  'case.emergency',
  'case.judicialNotification',
  'case.assessment',
  'case.plan',
  'case.planApproval',
  'case.review',
  'case.concern',
  'case.referral',
  'case.assignment',
  'case.transfer',
  'case.transferAcceptance',
  'case.closure',
  'case.closureApproval',
  'case.checkBack',
  'referral.list',
  'referral.read',
  'referral.acknowledgement',
  'referral.decline',
  'referral.start',
  'referral.outcome',
  'report.provincial',
  'codec.decode',
  'codec.encode',
  'leavingCare.enrol',
  'leavingCare.list',
  'leavingCare.read',
  'leavingCare.readIdentity',
  'leavingCare.mediatorAssignment',
  'leavingCare.programme',
  'leavingCare.exitPlan',
  'leavingCare.contact',
  'leavingCare.accompaniment',
  'leavingCare.outcome',
  'work.list',
  'province.list',
  'unit.list',
  'staff.list',
  'partner.list',
  'unit.create',
  'unit.update',
  'staff.create',
  'staff.update',
  'partner.create',
  'partner.update',
] as const;

export type Action = (typeof ACTIONS)[number];
export type Scope = 'ownProvince' | 'anyProvince' | 'receivingProvince' | 'ownPartner' | 'self';

/** What a handler does on the cases of their province (protocol.md §2 and §3). */
const CASE_WORK = {
  'case.report': 'ownProvince',
  'case.list': 'ownProvince',
  'case.read': 'ownProvince',
  'case.readIdentity': 'ownProvince',
  'case.readContent': 'ownProvince',
  'case.readTimeline': 'ownProvince',
  'case.rectifyIdentity': 'ownProvince',
  'case.screening': 'ownProvince',
  'case.emergency': 'ownProvince',
  'case.judicialNotification': 'ownProvince',
  'case.assessment': 'ownProvince',
  'case.plan': 'ownProvince',
  'case.review': 'ownProvince',
  'case.concern': 'ownProvince',
  'case.referral': 'ownProvince',
  'case.transfer': 'ownProvince',
  'case.closure': 'ownProvince',
  'case.checkBack': 'ownProvince',
  'referral.list': 'ownProvince',
  'referral.read': 'ownProvince',
} as const satisfies Partial<Record<Action, Scope>>;

/**
 * Leaving care (protocol.md §4). The pathway's province is the province of the case that enrolled
 * the child. Who does what, where the protocol is silent:
 * - enrolment is a decision on a protection case: the case's handler or supervisor takes it (the
 *   placement and the "turned 18" closure enrol automatically); a mediator has no access to cases;
 * - the social mediator carries the pathway: programme and reviews, exit plan, monthly contacts,
 *   outcome; they may take a pathway over (mediator assignment);
 * - the handler and supervisor who know the young person from the case assign the mediator and see
 *   the pathway, but do not record the mediator's work;
 * - lengthening or shortening accompaniment (12 months, up to 24) commits the programme's
 *   resources: the mediator proposes it, the supervisor may decide it too;
 * - the coordinator and the committee follow their province's pathways (the committee never sees
 *   an identity or an objective); operations and inspection read every province, as for cases.
 */
const PATHWAY_FOLLOW = {
  'leavingCare.list': 'ownProvince',
  'leavingCare.read': 'ownProvince',
  'leavingCare.readIdentity': 'ownProvince',
} as const satisfies Partial<Record<Action, Scope>>;
const PATHWAY_FROM_CASE = {
  ...PATHWAY_FOLLOW,
  'leavingCare.enrol': 'ownProvince',
  'leavingCare.mediatorAssignment': 'ownProvince',
} as const satisfies Partial<Record<Action, Scope>>;

/**
 * What every form needs (issue 14): the reference list of provinces for everyone; the units, staff
 * and partners of the province for the people who work its cases and pathways; every province's
 * for the national roles. Partners' focal points see only their referrals.
 */
const ORGANISATION_READ = {
  'province.list': 'anyProvince',
  'unit.list': 'ownProvince',
  'staff.list': 'ownProvince',
  'partner.list': 'ownProvince',
} as const satisfies Partial<Record<Action, Scope>>;
const ORGANISATION_READ_ANY = {
  'province.list': 'anyProvince',
  'unit.list': 'anyProvince',
  'staff.list': 'anyProvince',
  'partner.list': 'anyProvince',
} as const satisfies Partial<Record<Action, Scope>>;
/** Everyone has a work list, which only ever holds the caller's own work (empty for some roles). */
const OWN_WORK = { 'work.list': 'self' } as const satisfies Partial<Record<Action, Scope>>;
/** The organisation's administration (protocol.md §2, admin): staff, units, partners; never a case. */
const ADMINISTER = {
  'unit.create': 'ownProvince',
  'unit.update': 'ownProvince',
  'staff.create': 'ownProvince',
  'staff.update': 'ownProvince',
  'partner.create': 'ownProvince',
  'partner.update': 'ownProvince',
} as const satisfies Partial<Record<Action, Scope>>;
const ADMINISTER_ANY = Object.fromEntries(
  Object.keys(ADMINISTER).map((action) => [action, 'anyProvince']),
) as Record<keyof typeof ADMINISTER, 'anyProvince'>;

type Cell = Scope | readonly [Scope, ...Scope[]];

export const POLICY: Readonly<Record<StaffRole, Readonly<Partial<Record<Action, Cell>>>>> = {
  handler: { ...CASE_WORK, ...PATHWAY_FROM_CASE, ...ORGANISATION_READ, ...OWN_WORK },
  supervisor: {
    ...CASE_WORK,
    ...ORGANISATION_READ,
    ...OWN_WORK,
    ...PATHWAY_FROM_CASE,
    // The receiving province's supervisors read the case they are asked to take (protocol.md §3
    // step 8: they are told and must accept); every such read of the child is audited.
    'case.read': ['ownProvince', 'receivingProvince'],
    'case.readIdentity': ['ownProvince', 'receivingProvince'],
    'leavingCare.accompaniment': 'ownProvince',
    'case.planApproval': 'ownProvince',
    'case.closureApproval': 'ownProvince',
    'case.assignment': 'ownProvince',
    'case.readAudit': 'ownProvince',
    'case.transferAcceptance': 'receivingProvince',
    'report.provincial': 'ownProvince',
  },
  coordinator: {
    ...ORGANISATION_READ,
    ...OWN_WORK,
    'case.list': 'ownProvince',
    'case.read': 'ownProvince',
    'case.readIdentity': 'ownProvince',
    'case.readContent': 'ownProvince',
    'case.readTimeline': 'ownProvince',
    'case.assignment': 'ownProvince',
    'referral.list': 'ownProvince',
    'referral.read': 'ownProvince',
    'report.provincial': 'ownProvince',
    ...PATHWAY_FOLLOW,
  },
  // The provincial committee sees its province's cases and pathways, never a child's identity, and
  // receives the province's statistics (protocol.md §6).
  committee: {
    ...ORGANISATION_READ,
    ...OWN_WORK,
    'case.list': 'ownProvince',
    'case.read': 'ownProvince',
    'case.readTimeline': 'ownProvince',
    'leavingCare.list': 'ownProvince',
    'leavingCare.read': 'ownProvince',
    'report.provincial': 'ownProvince',
  },
  partner: {
    ...OWN_WORK,
    'province.list': 'anyProvince',
    'referral.list': 'ownPartner',
    'referral.read': 'ownPartner',
    'referral.acknowledgement': 'ownPartner',
    'referral.decline': 'ownPartner',
    'referral.start': 'ownPartner',
    'referral.outcome': 'ownPartner',
  },
  // The social mediator works on the leaving-care pathways of their province, not on protection cases.
  mediator: {
    ...ORGANISATION_READ,
    ...OWN_WORK,
    ...PATHWAY_FOLLOW,
    'leavingCare.mediatorAssignment': 'ownProvince',
    'leavingCare.programme': 'ownProvince',
    'leavingCare.exitPlan': 'ownProvince',
    'leavingCare.contact': 'ownProvince',
    'leavingCare.accompaniment': 'ownProvince',
    'leavingCare.outcome': 'ownProvince',
  },
  // Technical staff: every province, never a child's identity. The codec lets the Temporal UI show
  // workflow payloads (IDs and codes) and encode what an operator sends a workflow from it.
  operations: {
    ...ORGANISATION_READ_ANY,
    ...OWN_WORK,
    'case.list': 'anyProvince',
    'case.read': 'anyProvince',
    'case.readTimeline': 'anyProvince',
    'referral.list': 'anyProvince',
    'referral.read': 'anyProvince',
    'codec.decode': 'anyProvince',
    'codec.encode': 'anyProvince',
    'leavingCare.list': 'anyProvince',
    'leavingCare.read': 'anyProvince',
  },
  // Inspection reads everything, writes nothing. No codec: the audit trail already holds every
  // action with who, when and why; workflow histories are the machinery behind it, not the record.
  auditor: {
    ...ORGANISATION_READ_ANY,
    ...OWN_WORK,
    'case.list': 'anyProvince',
    'case.read': 'anyProvince',
    'case.readIdentity': 'anyProvince',
    'case.readContent': 'anyProvince',
    'case.readTimeline': 'anyProvince',
    'case.readAudit': 'anyProvince',
    'referral.list': 'anyProvince',
    'referral.read': 'anyProvince',
    'report.provincial': 'anyProvince',
    'leavingCare.list': 'anyProvince',
    'leavingCare.read': 'anyProvince',
    'leavingCare.readIdentity': 'anyProvince',
  },
  // The organisation of their province (or, nationally, of every one); no case, no pathway, no
  // child: administering people is not a reason to read what they work on.
  admin: { ...ORGANISATION_READ, ...OWN_WORK, ...ADMINISTER },
  nationalAdmin: { ...ORGANISATION_READ_ANY, ...OWN_WORK, ...ADMINISTER_ANY },
};

export interface Actor {
  id: string;
  role: StaffRole;
  province: string;
  unitId: string | null;
  partnerId: string | null;
}

/** The facts about a resource that the table's scopes look at. */
export interface ResourceScope {
  province?: string | null;
  receivingProvince?: string | null;
  partnerId?: string | null;
}

/** Every scope the role has for the action (none: refused). */
export function scopesOf(actor: Actor, action: Action): readonly Scope[] {
  const cell = POLICY[actor.role][action];
  if (cell === undefined) return [];
  return typeof cell === 'string' ? [cell] : cell;
}

/** The role's first scope for the action: what a list covers by default. */
export function scopeOf(actor: Actor, action: Action): Scope | undefined {
  return scopesOf(actor, action)[0];
}

function within(actor: Actor, scope: Scope, resource: ResourceScope): boolean {
  switch (scope) {
    case 'anyProvince':
      return true;
    case 'ownProvince':
      return resource.province === actor.province;
    case 'receivingProvince':
      return resource.receivingProvince != null && resource.receivingProvince === actor.province;
    case 'ownPartner':
      return actor.partnerId != null && resource.partnerId === actor.partnerId;
    case 'self':
      return true;
  }
}

export function allows(actor: Actor, action: Action, resource: ResourceScope): boolean {
  return scopesOf(actor, action).some((scope) => within(actor, scope, resource));
}

/**
 * Allows, or throws: 404 when the actor may neither read the resource nor act on it (a case of
 * another province is not confirmed to exist), 403 when they may read it but not do this.
 */
export function authorize(
  actor: Actor,
  action: Action,
  resource: ResourceScope,
  what: { readAction?: Action; notFound?: string } = {},
): void {
  if (allows(actor, action, resource)) return;
  const visible = what.readAction === undefined || allows(actor, what.readAction, resource);
  if (!visible) throw new ProblemError('notFound', what.notFound ?? 'not found');
  throw new ProblemError('forbidden', `a ${actor.role} may not perform '${action}' here`);
}

/**
 * The province a list covers: the one asked for, else every province for roles that see them all,
 * else the actor's own. Throws like `authorize` when the actor may not list it.
 */
export function listedProvince(actor: Actor, action: Action, asked: string | undefined): string | undefined {
  const province = asked ?? (scopeOf(actor, action) === 'anyProvince' ? undefined : actor.province);
  authorize(actor, action, { province: province ?? actor.province });
  return province;
}

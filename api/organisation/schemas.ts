/** The organisation (issue 14): provinces, units, staff and partners, read by every form and kept by admins. */
import { Cursor, Limit, PartnerId, ProvinceCode, ServiceType, StaffId } from '../cases/schemas';
import { z } from '../openapi/zod';

export const UNIT_KINDS = ['protectionUnit', 'supportCentre', 'mobileUnit'] as const;
export const STAFF_ROLES = [
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
] as const;
export const PARTNER_TYPES = [
  'health',
  'prosecutor',
  'police',
  'school',
  'civilRegistry',
  'careInstitution',
  'association',
  'mobileUnit',
] as const;

export const UnitKind = z.enum(UNIT_KINDS).openapi('UnitKind');
export const StaffRole = z.enum(STAFF_ROLES).openapi('StaffRole');
export const PartnerType = z.enum(PARTNER_TYPES).openapi('PartnerType');
export type PartnerTypeCode = z.infer<typeof PartnerType>;
export const Language = z.enum(['ar', 'fr', 'en']).openapi('Language');
export const UnitId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]*$/, 'must be an identifier (letters, digits, . _ : @ -)')
  .openapi({ example: 'unit-demo-upe' });
const BooleanQuery = z.enum(['true', 'false']);

/** One line of text for a name (the same rules as the case routes' names, minus the 100 limit). */
const Name = z
  .string()
  .normalize('NFC')
  .trim()
  .min(1)
  .max(200)
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  .refine((v) => !/[\u0000-\u001F\u007F-\u009F\u2028\u2029]/.test(v), 'must be a single line of text')
  .refine(
    (v) => !/[\u202A-\u202E\u2066-\u2069]/.test(v),
    'must not contain bidirectional control characters',
  );
const Email = z.email().max(254).openapi({ example: 'handler@rab.example' });

export const Region = z
  .object({ code: z.string(), nameFr: z.string(), nameAr: z.string() })
  .openapi('Region');
export const Province = z
  .object({
    code: z.string(),
    nameFr: z.string(),
    nameAr: z.string(),
    kind: z
      .enum(['prefecture', 'province'])
      .nullable()
      .openapi({ description: 'null: a demo or test province' }),
    region: Region.nullable(),
  })
  .openapi('Province');
export const ProvinceList = z.object({ items: z.array(Province) }).openapi('ProvinceList');
export const ProvinceQuery = z
  .strictObject({
    region: z
      .string()
      .regex(/^\d{2}$/, 'must be a region code (01-12)')
      .optional(),
  })
  .openapi('ProvinceQuery');

export const Unit = z
  .object({
    unitId: z.string(),
    province: z.string(),
    kind: UnitKind,
    name: z.string(),
    active: z.boolean(),
  })
  .openapi('Unit');
export const UnitList = z.object({ items: z.array(Unit) }).openapi('UnitList');
export const UnitQuery = z
  .strictObject({
    province: ProvinceCode.optional(),
    kind: UnitKind.optional(),
    active: BooleanQuery.optional(),
  })
  .openapi('UnitQuery');

export const Staff = z
  .object({
    staffId: z.string(),
    province: z.string(),
    unitId: z.string().nullable(),
    role: StaffRole,
    displayName: z.string(),
    email: z.string(),
    language: Language,
    partnerId: z.string().nullable(),
    active: z.boolean(),
  })
  .openapi('Staff');
export const StaffPage = z
  .object({ items: z.array(Staff), nextCursor: z.string().nullable() })
  .openapi('StaffPage');
export const StaffQuery = z
  .strictObject({
    province: ProvinceCode.optional(),
    role: StaffRole.optional(),
    unit: UnitId.optional(),
    active: BooleanQuery.optional(),
    limit: Limit,
    cursor: Cursor,
  })
  .openapi('StaffQuery');

export const Partner = z
  .object({
    partnerId: z.string(),
    province: z.string(),
    partnerType: PartnerType,
    name: z.string(),
    focalEmail: z.string(),
    active: z.boolean(),
  })
  .openapi('Partner');
export const PartnerList = z.object({ items: z.array(Partner) }).openapi('PartnerList');
export const PartnerQuery = z
  .strictObject({
    province: ProvinceCode.optional(),
    type: PartnerType.optional(),
    serviceType: ServiceType.optional().openapi({
      description:
        "only partners of the type that gives this service under the province's rules in force today (protocol services[…].partnerType)",
    }),
    active: BooleanQuery.optional(),
  })
  .openapi('PartnerQuery');

// --- administration -------------------------------------------------------------------------

export const UnitIdParams = z.object({ unitId: UnitId });
export const StaffIdParams = z.object({ staffId: StaffId });
export const PartnerIdParams = z.object({ partnerId: PartnerId });

const idOf = (example: string) =>
  z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]*$/, 'must be an identifier (letters, digits, . _ : @ -)')
    .optional()
    .openapi({ description: 'chosen by the administrator; generated when absent', example });

export const CreateUnitBody = z
  .strictObject({ unitId: idOf('unit-rab-upe'), province: ProvinceCode, kind: UnitKind, name: Name })
  .openapi('CreateUnitBody');
export const UpdateUnitBody = z
  .strictObject({
    name: Name.optional(),
    kind: UnitKind.optional(),
    active: z
      .boolean()
      .optional()
      .openapi({ description: 'false: refused while the unit has active staff or open cases' }),
  })
  .openapi('UpdateUnitBody');

export const CreateStaffBody = z
  .strictObject({
    staffId: idOf('staff-rab-handler-1'),
    province: ProvinceCode,
    unitId: UnitId.optional(),
    role: StaffRole,
    displayName: Name,
    email: Email,
    language: Language.default('fr'),
    partnerId: PartnerId.optional().openapi({ description: "a partner's focal point: the service" }),
  })
  .openapi('CreateStaffBody');
export const UpdateStaffBody = z
  .strictObject({
    province: ProvinceCode.optional(),
    unitId: UnitId.nullable().optional(),
    role: StaffRole.optional(),
    displayName: Name.optional(),
    email: Email.optional(),
    language: Language.optional(),
    partnerId: PartnerId.nullable().optional(),
    active: z.boolean().optional().openapi({
      description:
        "false: deactivates; the answer lists their open cases, which their unit's handlers take over until reassigned",
    }),
  })
  .openapi('UpdateStaffBody');

export const CreatePartnerBody = z
  .strictObject({
    partnerId: idOf('partner-rab-health'),
    province: ProvinceCode,
    partnerType: PartnerType,
    name: Name,
    focalEmail: Email,
  })
  .openapi('CreatePartnerBody');
export const UpdatePartnerBody = z
  .strictObject({
    partnerType: PartnerType.optional(),
    name: Name.optional(),
    focalEmail: Email.optional(),
    active: z.boolean().optional().openapi({
      description: 'false: no new plan or referral may name it; the answer lists its open referrals',
    }),
  })
  .openapi('UpdatePartnerBody');

export const UnitResult = z.object({ unit: Unit }).openapi('UnitResult');
export const StaffResult = z
  .object({
    staff: Staff,
    openCases: z
      .array(z.object({ caseId: z.string(), reference: z.string(), step: z.string(), unitId: z.string() }))
      .openapi({ description: 'cases assigned to this person that are not closed (reassign them)' }),
    pathways: z
      .array(z.object({ childId: z.string(), pathwayId: z.string(), phase: z.string() }))
      .openapi({ description: 'running leaving-care pathways this person carries as mediator' }),
  })
  .openapi('StaffResult');
export const PartnerResult = z
  .object({
    partner: Partner,
    openReferrals: z
      .array(z.object({ referralId: z.string(), caseId: z.string(), status: z.string() }))
      .openapi({ description: 'referrals to this service still running' }),
  })
  .openapi('PartnerResult');

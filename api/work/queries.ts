/**
 * GET /work as SQL, in one statement: the caller's sources (sources.ts), each read in deadline order
 * and cut at the page's end (the open steps' index gives that order), merged soonest deadline first
 * (items without a deadline last) and paged by (deadline, item id); beside it, the count per kind
 * over every item, from only each item's kind and overdue mark. Filters (kind, overdue, the case's
 * step and risk) go into each source; what matched them is counted only for the case's step and
 * risk, and otherwise follows from the counts. Only the page's items (25 by default, a whole desk
 * list of 1,000 at most) are completed with what a screen shows (case reference, risk, partner,
 * child). `npm run bench`, line (f), reads it with 10,000 open cases in a province.
 */
import { Prisma } from '../../generated/prisma/client';
import type { PrismaClient } from '../../lib/db';
import type { Actor } from '../auth/policy';
import {
  APPROVAL_STEPS,
  HANDLER_STEPS,
  PARTNER_STEPS,
  WORK,
  type WorkKind,
  type WorkSource,
} from './sources';

const { sql, join, empty } = Prisma;

/** Sort key of an item without a deadline (after every real one). */
export const NO_DEADLINE = new Date('9999-12-31T00:00:00.000Z');

const steps = (list: readonly string[]) => sql`ARRAY[${join(list.map((s) => sql`${s}`))}]::text[]`;

/** A case of the caller's unit (or of their province when they have none). */
const unitScope = (actor: Actor) =>
  actor.unitId
    ? sql`c."unit_id" = ${actor.unitId} AND c."province_code" = ${actor.province}`
    : sql`c."province_code" = ${actor.province}`;

/**
 * Past its deadline on the API's clock, or on the workflow's: a rung fired on the step proves it
 * (rungs are never before the deadline; the first one marks the record). `s` is the step record
 * (null for a referral to close).
 */
const overdue = (now: Date) =>
  sql`(s."id" IS NOT NULL AND (s."due_at" <= ${now} OR s."escalated_at" IS NOT NULL))`;

/**
 * One source as SQL parts: `from` is its FROM … WHERE … (`s` its step record), the rest the
 * expressions of an item's columns. `sort` is the deadline for every source with a step record, so
 * its page is read in the order of the open steps' index and stops at the page's end.
 */
interface SourceSql {
  kind: WorkKind;
  from: Prisma.Sql;
  id: Prisma.Sql;
  step: Prisma.Sql;
  due: Prisma.Sql;
  sort: Prisma.Sql;
  opened: Prisma.Sql;
  caseId: Prisma.Sql;
  subjectId: Prisma.Sql;
  escalationId: Prisma.Sql;
  level: Prisma.Sql;
}

/** A source whose items are step records `s`. */
const stepSource = (kind: WorkKind, from: Prisma.Sql): SourceSql => ({
  kind,
  from,
  id: sql`s."id"`,
  step: sql`s."step"`,
  due: sql`s."due_at"`,
  sort: sql`s."due_at"`,
  opened: sql`s."opened_at"`,
  caseId: sql`s."case_id"`,
  subjectId: sql`s."subject_id"`,
  escalationId: sql`NULL::text`,
  level: sql`NULL::int`,
});

function sourceSql(source: WorkSource, actor: Actor, now: Date): SourceSql | null {
  const open = (list: readonly string[]) => sql`s."completed_at" IS NULL AND s."step" = ANY(${steps(list)})`;
  switch (source.kind) {
    case 'caseStep':
      return stepSource(
        'caseStep',
        sql`FROM "cases" c JOIN "step_records" s ON s."case_id" = c."id" AND ${open(HANDLER_STEPS)}
        WHERE c."assignee_id" = ${actor.id}`,
      );
    case 'unassignedStep':
      return stepSource(
        'unassignedStep',
        sql`FROM "cases" c JOIN "step_records" s ON s."case_id" = c."id" AND ${open(HANDLER_STEPS)}
        LEFT JOIN "staff" a ON a."id" = c."assignee_id"
        WHERE ${unitScope(actor)}
          AND (c."assignee_id" IS NULL OR a."active" = false OR a."province_code" <> c."province_code")`,
      );
    case 'approval':
      return stepSource(
        'approval',
        sql`FROM "cases" c JOIN "step_records" s ON s."case_id" = c."id" AND ${open(APPROVAL_STEPS)}
        WHERE ${unitScope(actor)}`,
      );
    case 'transferAcceptance':
      return stepSource(
        'transferAcceptance',
        sql`FROM "transfers" t JOIN "step_records" s ON s."subject_id" = t."id" AND ${open(['transferAcceptance'])}
        WHERE t."to_province_code" = ${actor.province} AND t."status" = 'pending'`,
      );
    case 'lateStep':
      return stepSource(
        'lateStep',
        sql`FROM "cases" c JOIN "step_records" s ON s."case_id" = c."id" AND ${open(HANDLER_STEPS)} AND ${overdue(now)}
        WHERE ${unitScope(actor)} AND (c."assignee_id" IS NULL OR c."assignee_id" <> ${actor.id})`,
      );
    case 'escalation':
      return {
        ...stepSource(
          'escalation',
          sql`FROM "escalations" e
        JOIN "step_records" s ON s."id" = e."step_record_id" AND s."completed_at" IS NULL
        JOIN "cases" c ON c."id" = s."case_id"
        WHERE e."resolved_at" IS NULL AND e."level" = ${source.level}
          AND COALESCE(s."province_code", c."province_code") = ${actor.province}`,
        ),
        id: sql`e."id"`,
        escalationId: sql`e."id"`,
        level: sql`e."level"`,
      };
    case 'latePartner':
      return stepSource(
        'latePartner',
        sql`FROM "step_records" s JOIN "cases" c ON c."id" = s."case_id"
        WHERE ${open(PARTNER_STEPS)} AND ${overdue(now)}
          AND COALESCE(s."province_code", c."province_code") = ${actor.province}`,
      );
    case 'referralToAcknowledge':
    case 'referralToStart':
    case 'referralToClose': {
      if (!actor.partnerId) return null;
      const status = {
        referralToAcknowledge: 'requested',
        referralToStart: 'acknowledged',
        referralToClose: 'started',
      }[source.kind];
      const step = {
        referralToAcknowledge: 'referralAcknowledgement',
        referralToStart: 'serviceStart',
        referralToClose: 'referralOutcome',
      }[source.kind];
      const opened = {
        referralToAcknowledge: sql`r."requested_at"`,
        referralToStart: sql`COALESCE(r."acknowledged_at", r."requested_at")`,
        referralToClose: sql`COALESCE(r."started_at", r."requested_at")`,
      }[source.kind];
      return {
        kind: source.kind,
        from: sql`FROM "referrals" r
        LEFT JOIN "step_records" s ON s."subject_id" = r."id" AND s."completed_at" IS NULL AND s."step" = ${step}
        WHERE r."partner_id" = ${actor.partnerId} AND r."status" = ${status}::"ReferralStatus"`,
        id: sql`r."id"`,
        step: sql`${step}::text`,
        due: sql`s."due_at"`,
        sort: sql`COALESCE(s."due_at", ${NO_DEADLINE}::timestamptz)`,
        opened,
        caseId: sql`r."case_id"`,
        subjectId: sql`r."id"`,
        escalationId: sql`NULL::text`,
        level: sql`NULL::int`,
      };
    }
    case 'pathwayStep':
      return stepSource(
        'pathwayStep',
        sql`FROM "leaving_care_pathways" p JOIN "step_records" s ON s."subject_id" = p."id" AND s."completed_at" IS NULL
        WHERE p."mediator_id" = ${actor.id}`,
      );
    case 'unassignedPathwayStep':
      return stepSource(
        'unassignedPathwayStep',
        sql`FROM "leaving_care_pathways" p JOIN "step_records" s ON s."subject_id" = p."id" AND s."completed_at" IS NULL
        LEFT JOIN "staff" m ON m."id" = p."mediator_id"
        WHERE p."province_code" = ${actor.province} AND (p."mediator_id" IS NULL OR m."active" = false)`,
      );
  }
}

const itemId = (source: SourceSql) => sql`${source.kind}::text || ':' || ${source.id}`;

export interface WorkRow {
  kind: WorkKind;
  item_id: string;
  step: string;
  due_at: string | null;
  opened_at: string;
  case_id: string;
  step_record_id: string | null;
  subject_id: string | null;
  escalation_id: string | null;
  level: number | null;
  overdue: boolean;
  sort_at: string;
  /** Completed for the page's items only: what a screen shows without another request. */
  reference: string;
  province: string;
  risk: 'IMMEDIATE' | 'HIGH' | 'MEDIUM' | 'LOW' | null;
  assignee_id: string | null;
  referral_id: string | null;
  partner_id: string | null;
  service_type: string | null;
  child_id: string | null;
  pathway_id: string | null;
  transfer_id: string | null;
  max_level: number | null;
}

export interface WorkCount {
  kind: WorkKind;
  total: number;
  overdue: number;
}

export interface WorkOptions {
  kind?: WorkKind;
  step?: string;
  risk?: string;
  overdue?: boolean;
  limit: number;
  after?: { at: Date; id: string };
  now: Date;
  /**
   * The read's audit row, written by the page's own statement (one round trip, and no page read
   * without its row): the request's filters, to which the page's case ids are added in page order.
   */
  audit?: { actorId: string; route: string; details: Record<string, unknown> };
}

/** Counts taken a moment ago (api/work/counts.ts), for the kinds a page cannot count by itself. */
export interface CountedEarlier {
  counts: WorkCount[];
  countedAt: number;
}

export interface WorkPage {
  rows: WorkRow[];
  counts: WorkCount[];
  matched: number;
  /** When the counts were taken: now, or the earlier counts' instant if any came from them. */
  countedAt: number;
  /** Every count was taken now (worth keeping for the next read). */
  fresh: boolean;
  /** The statement wrote the read's audit row (`options.audit`); false when the role lists no source. */
  audited: boolean;
}

/**
 * One page of the caller's work list, with the count per kind. A kind whose whole list fits in its
 * page (read without cursor or filter) is counted from the page itself, exactly; only a longer one
 * (a unit's thousands of steps) is counted over the table, or taken from `earlier`.
 */
export async function workPage(
  prisma: PrismaClient,
  actor: Actor,
  options: WorkOptions & { earlier?: CountedEarlier | undefined },
): Promise<WorkPage> {
  const sources = sourcesOf(actor, options.now);
  const nowMs = options.now.getTime();
  if (sources.length === 0)
    return { rows: [], counts: [], matched: 0, countedAt: nowMs, fresh: true, audited: false };
  const whole =
    !options.after && !options.kind && options.overdue === undefined && !options.step && !options.risk;
  // Without the page's own tally and without earlier counts, every kind is counted in the same statement.
  const countAll = !whole && !options.earlier;
  const [result] = await prisma.$queryRaw<
    {
      page: WorkRow[] | null;
      tally: WorkCount[] | null;
      counts: WorkCount[] | null;
      matched: number | null;
    }[]
  >(workPageQuery(sources, options, countAll));
  const rows = result?.page ?? [];
  let counts: WorkCount[];
  let countedAt = nowMs;
  if (countAll) counts = result?.counts ?? [];
  else if (!whole) {
    counts = options.earlier?.counts ?? [];
    countedAt = options.earlier?.countedAt ?? nowMs;
  } else {
    // A kind with more items than its page: its count is taken from earlier counts, or counted.
    const tally = result?.tally ?? [];
    const longer = tally.filter((c) => c.total > options.limit).map((c) => c.kind);
    const earlier = new Map((options.earlier?.counts ?? []).map((c) => [c.kind, c]));
    const known = longer.every((kind) => earlier.has(kind));
    const recounted =
      longer.length && !known
        ? await prisma.$queryRaw<WorkCount[]>(
            countsQuery(
              sources.filter((source) => longer.includes(source.kind)),
              options.now,
            ),
          )
        : [];
    if (longer.length && known) countedAt = options.earlier?.countedAt ?? nowMs;
    // The tally is in kind order already (the statement's json_agg).
    counts = tally.map((c) =>
      c.total <= options.limit
        ? c
        : ((known ? earlier.get(c.kind) : recounted.find((r) => r.kind === c.kind)) ?? c),
    );
  }
  const matched =
    result?.matched ??
    counts
      .filter((c) => !options.kind || c.kind === options.kind)
      .reduce(
        (n, c) =>
          n + (options.overdue === undefined ? c.total : options.overdue ? c.overdue : c.total - c.overdue),
        0,
      );
  return {
    rows,
    counts,
    matched,
    countedAt,
    fresh: countedAt === nowMs,
    audited: options.audit !== undefined,
  };
}

const sourcesOf = (actor: Actor, now: Date) =>
  WORK[actor.role].map((source) => sourceSql(source, actor, now)).filter((p): p is SourceSql => p !== null);

const unionAll = (parts: Prisma.Sql[]) =>
  join(
    parts.map((p) => sql`(${p})`),
    ' UNION ALL ',
  );

/** The statement counting every item of the caller's list, by kind (what a recount costs). */
export const workCountsQuery = (actor: Actor, now: Date): Prisma.Sql | null => {
  const sources = sourcesOf(actor, now);
  return sources.length ? countsQuery(sources, now) : null;
};

/** Every item of the sources counted, one aggregate per source (no sort, no grouping). */
function countsQuery(sources: SourceSql[], now: Date): Prisma.Sql {
  return sql`SELECT * FROM (${unionAll(
    sources.map(
      (source) => sql`SELECT ${source.kind}::text AS kind, count(*)::int AS total,
          (count(*) FILTER (WHERE ${overdue(now)}))::int AS overdue ${source.from}`,
    ),
  )}) c WHERE c.total > 0 ORDER BY c.kind`;
}

/**
 * The page's statement: each source's page in deadline order (the open steps' index), merged; the
 * tally per kind of those source pages; with `countAll` every kind counted over the table.
 */
export function workPageQuery(sources: SourceSql[], options: WorkOptions, countAll: boolean): Prisma.Sql {
  // The filters: on the item (kind, overdue) and on its case (step, risk), read only when asked.
  const byCase = options.step || options.risk;
  const filters = (source: SourceSql) =>
    join(
      [
        options.overdue !== undefined ? sql`AND ${overdue(options.now)} = ${options.overdue}` : empty,
        byCase
          ? sql`AND EXISTS (SELECT 1 FROM "cases" fc WHERE fc."id" = ${source.caseId}
                ${options.step ? sql`AND fc."step" = ${options.step}` : empty}
                ${options.risk ? sql`AND fc."risk" = ${options.risk}::"RiskLevel"` : empty})`
          : empty,
      ],
      ' ',
    );
  const after = (source: SourceSql) =>
    options.after
      ? sql`AND ${source.sort} >= ${options.after.at}::timestamptz
            AND (${source.sort} > ${options.after.at}::timestamptz OR ${itemId(source)} > ${options.after.id})`
      : empty;
  const listed = sources.filter((source) => !options.kind || source.kind === options.kind);
  // Each source's first page in deadline order, then the sources' pages merged: the page never
  // waits for the whole list to be built.
  const pages = listed.map(
    (source) => sql`SELECT ${source.kind}::text AS kind, ${itemId(source)} AS item_id, ${source.step} AS step,
        ${source.due} AS due_at, ${source.opened} AS opened_at, ${overdue(options.now)} AS overdue,
        ${source.sort} AS sort_at, ${source.caseId} AS case_id, s."id" AS step_record_id,
        ${source.subjectId} AS subject_id, ${source.escalationId} AS escalation_id, ${source.level} AS level
      ${source.from} ${filters(source)} ${after(source)}
      ORDER BY sort_at, item_id LIMIT ${options.limit + 1}`,
  );
  // What matched the filters over every page: counted apart only for the case's step and risk,
  // otherwise it follows from the counts.
  // A kind the role does not list matches nothing (and has no source to count).
  const matchedSql = !byCase
    ? sql`NULL::int`
    : listed.length === 0
      ? sql`0`
      : sql`(SELECT count(*)::int FROM (${unionAll(
          listed.map((source) => sql`SELECT 1 ${source.from} ${filters(source)}`),
        )}) m)`;
  // The read's audit row: the filters, and the page's cases in the order of their first item.
  const audited = options.audit
    ? sql`,
    audited AS (
      INSERT INTO "audit_events" ("actor_type", "actor_id", "action", "entity", "reason", "details")
      SELECT 'staff'::"ActorType", ${options.audit.actorId}, 'work.list', 'case', ${options.audit.route},
             ${JSON.stringify(options.audit.details)}::jsonb || jsonb_build_object('caseIds', COALESCE(
               (SELECT jsonb_agg(f.case_id ORDER BY f.first) FROM (
                  SELECT n.case_id, min(n.at) AS first
                    FROM (SELECT case_id, row_number() OVER (ORDER BY sort_at, item_id) AS at FROM page) n
                   WHERE n.at <= ${options.limit} GROUP BY n.case_id) f),
               '[]'::jsonb))
      RETURNING 1)`
    : empty;
  return sql`
    WITH listed AS MATERIALIZED (${pages.length ? unionAll(pages) : sql`SELECT NULL::text AS kind, NULL::text AS item_id, NULL::text AS step, NULL::timestamptz AS due_at, NULL::timestamptz AS opened_at, NULL::boolean AS overdue, NULL::timestamptz AS sort_at, NULL::text AS case_id, NULL::text AS step_record_id, NULL::text AS subject_id, NULL::text AS escalation_id, NULL::int AS level WHERE false`}),
    page AS (SELECT * FROM listed u ORDER BY u.sort_at, u.item_id LIMIT ${options.limit + 1})${audited}
    SELECT
      (SELECT json_agg(json_build_object(
                'kind', p.kind, 'item_id', p.item_id, 'step', p.step, 'due_at', p.due_at, 'opened_at', p.opened_at,
                'case_id', p.case_id, 'step_record_id', p.step_record_id, 'subject_id', p.subject_id,
                'escalation_id', p.escalation_id, 'level', p.level, 'overdue', p.overdue, 'sort_at', p.sort_at,
                'reference', c."reference", 'province', c."province_code", 'risk', c."risk", 'assignee_id', c."assignee_id",
                'referral_id', r."id", 'partner_id', r."partner_id", 'service_type', r."service_type",
                'child_id', lp."child_id", 'pathway_id', lp."id", 'transfer_id', t."id",
                'max_level', (SELECT max(x."level") FROM "escalations" x WHERE x."step_record_id" = p.step_record_id)
              ) ORDER BY p.sort_at, p.item_id)
         FROM page p
         JOIN "cases" c ON c."id" = p.case_id
         LEFT JOIN "referrals" r ON r."id" = p.subject_id
         LEFT JOIN "leaving_care_pathways" lp ON lp."id" = p.subject_id
         LEFT JOIN "transfers" t ON t."id" = p.subject_id) AS page,
      (SELECT json_agg(t ORDER BY t.kind) FROM (
         SELECT kind, count(*)::int AS total, (count(*) FILTER (WHERE overdue))::int AS overdue
           FROM listed GROUP BY kind) t) AS tally,
      ${countAll ? sql`(SELECT json_agg(c) FROM (${countsQuery(sources, options.now)}) c)` : sql`NULL::json`} AS counts,
      ${matchedSql} AS matched`;
}

// Protocol versions are immutable once used: each case (and leaving-care pathway) pins the hash of
// the resolved rules it started under, a copy of those rules is kept in protocol_versions, and worker
// and API refuse to start when the files on disk no longer give a pinned hash.

import type { Prisma, PrismaClient } from '../generated/prisma/client';
import {
  describeChanges,
  loadProtocol,
  protocolHash,
  rulesDifference,
  type ProtocolDefinition,
  type RulesChange,
} from '../protocol';

type Db = PrismaClient | Prisma.TransactionClient;

// The loader caches each definition, so its hash is computed once per object (hashing the whole
// rules was the costliest part of a case start).
const hashes = new WeakMap<ProtocolDefinition, string>();
const hashOf = (rules: ProtocolDefinition) => {
  let hash = hashes.get(rules);
  if (hash === undefined) hashes.set(rules, (hash = protocolHash(rules)));
  return hash;
};
/** Pins this process has seen committed: a copy of those rules is in protocol_versions. */
const committedPins = new Set<string>();

/**
 * For a writer that pins in its own statement: the hash, whether this process already saw those
 * rules pinned (then the copy need not be sent again), and `done()` to call once the statement
 * that pinned them has committed.
 */
export function rulesPin(
  rules: ProtocolDefinition,
  province: string,
): { hash: string; pinned: boolean; done(): void } {
  const hash = hashOf(rules);
  const key = `${hash}\n${province}`;
  return { hash, pinned: committedPins.has(key), done: () => void committedPins.add(key) };
}

/** Records the rules a case or pathway starts under (once per hash) and answers their hash. */
export async function pinRules(db: Db, rules: ProtocolDefinition, province: string): Promise<string> {
  const hash = hashOf(rules);
  await db.protocolVersion.createMany({
    data: [
      {
        hash,
        version: rules.version,
        provinceCode: province,
        rules: rules as unknown as Prisma.InputJsonValue,
      },
    ],
    skipDuplicates: true,
  });
  return hash;
}

export interface ChangedRules {
  version: number;
  province: string;
  /** How many cases and pathways run under the pinned rules. */
  cases: number;
  pathways: number;
  pinnedHash: string;
  currentHash: string;
  /** Empty when no copy of the pinned rules was kept (the difference cannot be named). */
  changes: RulesChange[];
}

export class ProtocolPinError extends Error {
  constructor(readonly changed: ChangedRules[]) {
    super(
      [
        'protocol files changed under rules that running cases pinned; a used version is never edited ' +
          '(add versions/v<N+1>.json or provinces/<code>.v<N+1>.json with an effectiveFrom, and restore these):',
        ...changed.map((c) => {
          const where = `protocol version ${c.version}, province ${c.province} (${c.cases} case(s), ${c.pathways} pathway(s) pinned ${c.pinnedHash.slice(0, 12)}, files now give ${c.currentHash.slice(0, 12)})`;
          const lines = c.changes.length
            ? describeChanges(c.changes).map((l) => `    ${l}`)
            : ['    (no copy of the pinned rules was kept: the difference cannot be named)'];
          return [`  ${where}:`, ...lines].join('\n');
        }),
      ].join('\n'),
    );
    this.name = 'ProtocolPinError';
  }
}

export interface PinnedGroup {
  version: number;
  province: string;
  hash: string | null;
  cases: number;
  pathways: number;
}

/** Every (version, province, pinned hash) a case or pathway in the database uses. */
export async function pinnedGroups(prisma: PrismaClient): Promise<PinnedGroup[]> {
  const rows = await prisma.$queryRaw<
    { version: number; province: string; hash: string | null; cases: bigint; pathways: bigint }[]
  >`
    SELECT version, province, hash, SUM(cases)::bigint AS cases, SUM(pathways)::bigint AS pathways FROM (
      SELECT protocol_version AS version, province_code AS province, protocol_hash AS hash,
             COUNT(*) AS cases, 0 AS pathways
        FROM cases GROUP BY 1, 2, 3
      UNION ALL
      SELECT protocol_version, province_code, protocol_hash, 0, COUNT(*)
        FROM leaving_care_pathways GROUP BY 1, 2, 3
    ) used GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
  return rows.map((r) => ({ ...r, cases: Number(r.cases), pathways: Number(r.pathways) }));
}

/**
 * The start-up check of worker and API. For every (version, province) a case or pathway uses, the
 * rules are read again from disk (past the cache) and hashed; a pinned hash the files no longer give
 * throws ProtocolPinError naming the version, the province and each changed path with its old and new
 * value. Rows from before pinning existed are pinned here, to the files as they are now.
 */
export async function checkProtocolPins(
  prisma: PrismaClient,
  options: { dir?: string } = {},
): Promise<{ pairs: number }> {
  const groups = await pinnedGroups(prisma);
  const changed: ChangedRules[] = [];
  const pairs = new Set<string>();
  for (const g of groups) {
    pairs.add(`${g.version}/${g.province}`);
    const current = loadProtocol({ version: g.version, province: g.province, dir: options.dir, fresh: true });
    const currentHash = protocolHash(current);
    if (g.hash === null) {
      const hash = await pinRules(prisma, current, g.province);
      await prisma.$executeRaw`UPDATE cases SET protocol_hash = ${hash}
        WHERE protocol_version = ${g.version} AND province_code = ${g.province} AND protocol_hash IS NULL`;
      await prisma.$executeRaw`UPDATE leaving_care_pathways SET protocol_hash = ${hash}
        WHERE protocol_version = ${g.version} AND province_code = ${g.province} AND protocol_hash IS NULL`;
      continue;
    }
    if (g.hash === currentHash) continue;
    const kept = await prisma.protocolVersion.findUnique({
      where: { hash: g.hash },
      select: { rules: true },
    });
    changed.push({
      version: g.version,
      province: g.province,
      cases: g.cases,
      pathways: g.pathways,
      pinnedHash: g.hash,
      currentHash,
      changes: kept ? rulesDifference(kept.rules, current) : [],
    });
  }
  if (changed.length) throw new ProtocolPinError(changed);
  return { pairs: pairs.size };
}

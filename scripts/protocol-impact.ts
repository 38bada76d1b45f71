/**
 * `npm run protocol:impact -- <file>`: before deploying a new protocol version (versions/v<N>.json), a
 * province override (provinces/<code>.json or <code>.v<N>.json) or a holiday calendar (calendar/<year>.json),
 * lists from the case database what it would move: for rules, that running cases keep theirs (or that
 * start-up would refuse a used file edited in place) and what new cases get from its effectiveFrom,
 * step by step; for a calendar, every open working-day deadline that moves, old due → new due.
 * Reads the case database at DATABASE_URL; changes nothing.
 */
import { createPrismaClient } from '../lib/db';
import { protocolImpact } from '../lib/protocol-impact';

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file)
    throw new Error(
      'usage: npm run protocol:impact -- <versions/vN.json | provinces/<code>.json | calendar/<year>.json>',
    );
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: the case database to read (postgresql://…)');
  const prisma = createPrismaClient(url, 2);
  try {
    for (const line of await protocolImpact(prisma, file)) console.log(line);
  } finally {
    await prisma.$disconnect();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});

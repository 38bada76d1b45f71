/**
 * `npm run token -- <staff id> [--ttl <seconds>]`: prints a bearer token for a staff member
 * (e.g. the seeded `staff-demo-handler`), signed with JWT_SECRET (the development default unless
 * set). When DATABASE_URL is set, refuses a staff id that is unknown or inactive.
 */
import { loadConfig } from '../../lib/config';
import { createPrismaClient } from '../../lib/db';
import { generateEncryptionKey } from '../../lib/payload-codec';
import { isDatabaseUnavailable } from '../http/errors';
import { signToken } from './token';

function parseArgs(argv: string[]): { staffId: string | undefined; ttl: number } {
  const positional: string[] = [];
  let ttl = 12 * 3600;
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--ttl') ttl = Number(argv[(i += 1)]);
    else positional.push(argv[i] ?? '');
  }
  return { staffId: positional[0], ttl };
}

async function checkStaff(databaseUrl: string, staffId: string): Promise<void> {
  const prisma = createPrismaClient(databaseUrl, 1);
  try {
    const staff = await prisma.staff.findUnique({
      where: { id: staffId },
      select: { role: true, active: true },
    });
    if (!staff) throw new Error(`no staff member '${staffId}' in the database`);
    if (!staff.active) throw new Error(`staff member '${staffId}' is not active`);
    console.error(`${staffId} (${staff.role})`);
  } catch (err) {
    if (!isDatabaseUnavailable(err)) throw err;
    console.error('warning: the database is unreachable; the staff id was not checked');
  } finally {
    await prisma.$disconnect();
  }
}

async function main(): Promise<void> {
  const { staffId, ttl } = parseArgs(process.argv.slice(2));
  if (!staffId || !Number.isInteger(ttl) || ttl <= 0) {
    console.error('usage: npm run token -- <staff id> [--ttl <seconds>]   (e.g. staff-demo-handler)');
    process.exit(2);
  }
  // Only JWT_SECRET matters here; the other required settings get placeholders.
  const config = loadConfig({
    DATABASE_URL: 'postgresql://unused',
    PAYLOAD_ENCRYPTION_KEYS: generateEncryptionKey('unused'),
    ...process.env,
  });
  if (config.NODE_ENV === 'production') {
    throw new Error(
      'development tokens are refused when NODE_ENV=production: log in through the identity provider',
    );
  }
  if (process.env.DATABASE_URL) await checkStaff(process.env.DATABASE_URL, staffId);
  console.log(await signToken(config, staffId, ttl));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

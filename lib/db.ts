import { createHash } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

export type { PrismaClient } from '../generated/prisma/client';

/**
 * Statements with more parameters than this (bulk inserts, whose text changes with the row count)
 * are not kept prepared: each connection would hold one per batch size.
 */
const MAX_PREPARED_PARAMETERS = 64;

/**
 * A statement's name from its text: the same statement is parsed and planned once per connection,
 * then executed. The case file and the work list are single large statements whose planning cost
 * more than their execution (`npm run bench`, line (f)).
 */
const statementName = (query: { sql: string; args: unknown[] }): string =>
  // The adapter sends no name (an unnamed statement) for undefined, whatever its declared type.
  query.args.length > MAX_PREPARED_PARAMETERS
    ? (undefined as unknown as string)
    : `s${createHash('sha1').update(query.sql).digest('base64url').slice(0, 20)}`;

/**
 * Prisma 7 without Rust engines: queries go through node-postgres. `preparedStatements: false`
 * for a connection pooler in transaction mode that does not carry prepared statements
 * (DATABASE_PREPARED_STATEMENTS=false).
 */
export function createPrismaClient(
  databaseUrl: string,
  poolSize = 10,
  options: { preparedStatements?: boolean } = {},
): PrismaClient {
  return new PrismaClient({
    adapter: new PrismaPg(
      { connectionString: databaseUrl, max: poolSize },
      options.preparedStatements === false ? {} : { statementNameGenerator: statementName },
    ),
  });
}

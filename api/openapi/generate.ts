/**
 * The OpenAPI document from the API's code, without starting anything: the app is built with
 * dependencies that are never called while routes register (a call would throw), and the
 * document comes from the same registry GET /openapi.json serves. The desk's typed client is
 * generated from it (scripts/desk-build.ts), so client and API cannot drift.
 */
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { loadConfig } from '../../lib/config';
import { createApp } from '../app';
import type { ApiDeps } from '../deps';

const unused = (name: string) =>
  new Proxy(
    {},
    {
      get(_target, prop) {
        if (prop === 'then') return undefined;
        throw new Error(`document generation must not use ${name}.${String(prop)}`);
      },
    },
  );

export function openApiDocument(): Record<string, unknown> {
  const config = loadConfig({
    DATABASE_URL: 'postgresql://document.invalid/none',
    PAYLOAD_ENCRYPTION_KEYS: `doc:${randomBytes(32).toString('base64')}`,
    LOG_LEVEL: 'silent',
  });
  const app = createApp({
    prisma: unused('prisma') as ApiDeps['prisma'],
    temporal: unused('temporal') as ApiDeps['temporal'],
    mailer: unused('mailer') as ApiDeps['mailer'],
    config,
    logger: pino({ level: 'silent' }),
  });
  return (app.locals.openApiDocument as () => Record<string, unknown>)();
}

/** The OpenAPI 3.1 document, generated from the routes' zod schemas (nothing written by hand). */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';

export function createRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'HS256 token whose subject is a staff id; `npm run token -- staff-demo-handler` prints one. ' +
      'The staff row gives the role, province, unit and partner the request acts as.',
  });
  registry.registerComponent('securitySchemes', 'deskSession', {
    type: 'apiKey',
    in: 'cookie',
    name: 'cpe_session',
    description:
      "The desk's session (HttpOnly, SameSite=Lax), opened by a login (POST /session/development in " +
      "development). A POST made with it also needs the session's CSRF token in X-CSRF-Token (GET /session).",
  });
  registry.registerComponent('securitySchemes', 'codecSession', {
    type: 'apiKey',
    in: 'cookie',
    name: 'cpe_codec_session',
    description:
      'The /codec routes only: the HttpOnly cookie POST /codec/session sets, so the Temporal UI in a ' +
      'browser can call the codec without a bearer token of ours.',
  });
  return registry;
}

export function buildDocument(registry: OpenAPIRegistry, version: string) {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Child-protection case API',
      version,
      description:
        'Case handlers, supervisors and partners drive the provincial child-protection circuit ' +
        '(report, screening, assessment, plan, referrals, follow-up, closure). Errors are ' +
        '`application/problem+json`; every POST accepts an `Idempotency-Key`.',
    },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }, { deskSession: [] }],
  });
}

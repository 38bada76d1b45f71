/**
 * The Express app, built from injected dependencies (so tests build it against their own
 * Temporal, PostgreSQL and SMTP servers): request ids and logs, metrics, security headers, rate
 * limit, JSON body limit, the routes of each domain, problem+json errors.
 */
import express, { type Express } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { authenticate } from './auth/authenticate';
import type { Actor } from './auth/policy';
import { caseRoutes } from './cases/routes';
import { rectificationRoutes } from './cases/rectification';
import { calendarRoutes } from './calendar/routes';
import { codecMiddleware, codecRoutes } from './codec/routes';
import { deskRoutes } from './desk/routes';
import type { ApiDeps } from './deps';
import { healthRoutes } from './health/routes';
import { registerCaseMetrics } from './health/case-metrics';
import { createMetrics } from './health/metrics';
import { errorHandler, notFoundHandler } from './http/errors';
import { idempotency } from './http/idempotency';
import { leavingCareRoutes } from './leaving-care/routes';
import { requestLogger } from './http/logging';
import { ProblemError } from './http/problem';
import { createRoutes } from './http/route';
import { buildDocument, createRegistry } from './openapi/document';
import { openApiRoutes } from './openapi/routes';
import { referralRoutes } from './referrals/routes';
import { reportRoutes } from './reports/routes';
import { oidcLoginRoutes } from './session/oidc-routes';
import { workCounts } from './work/counts';
import { workRoutes } from './work/routes';
import { organisationRoutes } from './organisation/routes';
import { sessionRoutes } from './session/routes';

export const API_VERSION = '1.0.0';
const UNLIMITED = new Set(['/healthz', '/readyz', '/metrics']);

export function createApp(deps: ApiDeps): Express {
  const metrics = deps.metrics ?? createMetrics();
  registerCaseMetrics(metrics.registry, deps.prisma);
  const app = express();
  app.disable('x-powered-by');
  // Behind a reverse proxy, the client's address comes from X-Forwarded-For — from the proxies
  // named here only (API_TRUST_PROXY), so rate limits and logs see the client, not the proxy.
  app.set('trust proxy', deps.config.API_TRUST_PROXY);
  app.use(requestLogger(deps.logger));
  app.use(metrics.middleware);
  // Default security headers; no upgrade-insecure-requests, which would send the docs page's
  // assets to https:// on a plain-http deployment (TLS is the reverse proxy's business).
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  app.use(
    rateLimit({
      windowMs: 60_000,
      limit: deps.config.API_RATE_LIMIT_PER_MINUTE,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      // The codec has its own, higher limit (codecMiddleware): the UI decodes event by event.
      skip: (req) =>
        UNLIMITED.has(req.path) || req.path.startsWith('/codec/') || req.path.startsWith('/desk/assets/'),
      handler: (_req, _res, next) => {
        next(
          new ProblemError('rateLimited', 'too many requests from this client; slow down', undefined, {
            'Retry-After': '60',
          }),
        );
      },
    }),
  );
  // The Temporal UI's codec calls: CORS (with preflight) and larger bodies, before the general parser.
  app.use('/codec', ...codecMiddleware(deps));
  app.use(express.json({ limit: `${deps.config.API_BODY_LIMIT_KB}kb` }));
  app.use((req, _res, next) => {
    // A body in another format would be silently ignored by the JSON parser: refuse it instead.
    // An empty one (a POST without body, as browsers send it: Content-Length 0) is no body at all.
    if (req.is('application/json') === false && req.get('content-length') !== '0') {
      next(new ProblemError('unsupportedMediaType', 'send request bodies as application/json'));
      return;
    }
    next();
  });

  // A person's own change makes their next work list counted again (api/work/counts.ts).
  const counts = workCounts(deps.config.WORK_COUNTS_TTL_MS);
  app.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS') {
      res.on('finish', () => {
        const actor = res.locals.actor as Actor | undefined;
        if (actor && res.statusCode < 400) counts.forget(actor.id);
      });
    }
    next();
  });

  const router = express.Router();
  const registry = createRegistry();
  const routes = createRoutes(router, registry, {
    authenticate: authenticate(deps.prisma, deps.config),
    idempotency: idempotency(deps.prisma, deps.logger, {
      claimLeaseMs: deps.config.API_IDEMPOTENCY_LEASE_MS,
    }),
  });
  healthRoutes(routes, deps, metrics);
  openApiRoutes(router, routes, registry, API_VERSION);
  caseRoutes(routes, deps);
  rectificationRoutes(routes, deps);
  referralRoutes(routes, deps);
  reportRoutes(routes, deps);
  codecRoutes(routes, deps);
  leavingCareRoutes(routes, deps);
  workRoutes(routes, deps, counts);
  organisationRoutes(routes, deps);
  sessionRoutes(routes, deps);
  oidcLoginRoutes(routes, deps);
  calendarRoutes(routes, deps);
  app.use(deskRoutes(deps.deskDir));
  app.use(router);
  // The OpenAPI document without a request (scripts/desk-build.ts generates the desk's client from it).
  app.locals.openApiDocument = () => buildDocument(registry, API_VERSION);

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}

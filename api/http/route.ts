/**
 * Routes are declared once: the same declaration mounts the Express handler (authentication,
 * Idempotency-Key, zod validation, answer) and registers the operation in the OpenAPI document,
 * with the request and response schemas the handler is typed by.
 */
import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { Request, RequestHandler, Response, Router } from 'express';
import type { ZodType } from 'zod';
import type { Actor } from '../auth/policy';
import { actorOf } from '../auth/authenticate';
import { z } from '../openapi/zod';
import { IDEMPOTENCY_HEADER } from './idempotency';
import { PROBLEMS, ProblemSchema } from './problem';
import { parseRequest, type Parsed, type RequestSchemas } from './validate';

export interface Reply {
  status?: number;
  body: unknown;
  /** For answers that are not JSON (HTML, Prometheus text). */
  contentType?: string;
  headers?: Record<string, string>;
  /** Send the browser on (a page's navigation, e.g. the login's redirects): `Location`, no body. */
  redirect?: string;
  /** The handler answered by itself (the login flow sets its cookie and redirects). */
  answered?: true;
}

interface BaseSpec<S extends RequestSchemas> {
  method: 'get' | 'post' | 'patch';
  /** OpenAPI style: `/cases/{caseId}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  request?: S;
  /** Success answers, by status; `alternatives`: the same answer in other media types (content negotiation). */
  responses: Record<
    number,
    { description: string; schema?: ZodType; contentType?: string; alternatives?: Record<string, ZodType> }
  >;
  /** Extra error answers to document (e.g. 409 for a step the workflow rejects), by status. */
  problems?: Partial<Record<number, string>>;
  /** Another way in than the bearer token (e.g. the codec's session cookie), and its OpenAPI security. */
  auth?: { middleware: RequestHandler; security: Record<string, string[]>[] };
  /** False for a POST whose answer must not be stored for replay (Idempotency-Key not honoured). */
  idempotencyKey?: boolean;
}

export interface RouteSpec<S extends RequestSchemas> extends BaseSpec<S> {
  handle(input: Parsed<S> & { actor: Actor; req: Request; res: Response }): Promise<Reply>;
}
export interface PublicRouteSpec<S extends RequestSchemas> extends BaseSpec<S> {
  handle(input: Parsed<S> & { req: Request; res: Response }): Promise<Reply>;
}

export interface RouteMiddleware {
  authenticate: RequestHandler;
  idempotency: RequestHandler;
}

/** Every authenticated route takes a bearer token or the desk's session cookie (api/session). */
export const DEFAULT_SECURITY: Record<string, string[]>[] = [{ bearerAuth: [] }, { deskSession: [] }];

export const expressPath = (openApiPath: string) => openApiPath.replace(/\{(\w+)\}/g, ':$1');

const IdempotencyKeyHeader = z
  .string()
  .min(1)
  .max(255)
  .openapi({
    param: { name: IDEMPOTENCY_HEADER, in: 'header', required: false },
    description:
      'Makes the POST safe to retry: the same key with the same body replays the first answer ' +
      'without doing anything again; the same key with another body is refused (422).',
    example: '5f0c7c1e-0d7b-4e36-9a57-6f0b8a3d9a11',
  });

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

const honoursIdempotencyKey = (spec: BaseSpec<RequestSchemas>) =>
  spec.method === 'post' && spec.idempotencyKey !== false;

function documentedProblems(spec: BaseSpec<RequestSchemas>, isPublic: boolean): Record<number, string> {
  const out: Record<number, string> = {};
  const has = (k: keyof RequestSchemas) => spec.request?.[k] !== undefined;
  if (has('params') || has('query') || has('body'))
    out[400] = 'invalid input; `errors` lists every bad field';
  if (!isPublic) {
    out[401] = 'missing, invalid or expired bearer token, or inactive staff member';
    out[403] = 'the role may not do this here (protocol.md §2)';
    out[429] = PROBLEMS.rateLimited.title;
  }
  if (spec.path.includes('{')) out[404] = 'unknown, or not visible to this role';
  if (spec.method !== 'get' && !isPublic) {
    out[413] = 'body larger than the configured limit';
    if (has('body')) out[415] = 'the body is not application/json';
    if (honoursIdempotencyKey(spec)) {
      out[409] = 'a request with the same Idempotency-Key is still running';
      out[422] = 'Idempotency-Key already used with a different body';
    }
  }
  if (!isPublic) out[503] = 'Temporal or the case database is unreachable';
  for (const [status, description] of Object.entries(spec.problems ?? {})) {
    if (!description) continue;
    const code = Number(status);
    out[code] = out[code] ? `${description}; or ${out[code]}` : description;
  }
  return out;
}

function openApiOperation(spec: BaseSpec<RequestSchemas>, isPublic: boolean): RouteConfig {
  const responses: RouteConfig['responses'] = {};
  for (const [status, r] of Object.entries(spec.responses)) {
    responses[status] = r.schema
      ? {
          description: r.description,
          content: {
            [r.contentType ?? 'application/json']: { schema: r.schema },
            ...Object.fromEntries(
              Object.entries(r.alternatives ?? {}).map(([type, schema]) => [type, { schema }]),
            ),
          },
        }
      : { description: r.description };
  }
  for (const [status, description] of Object.entries(documentedProblems(spec, isPublic))) {
    responses[status] = problemResponse(description);
  }
  const body = spec.request?.body;
  return {
    method: spec.method,
    path: spec.path,
    operationId: spec.operationId,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: [spec.tag],
    security: isPublic ? [] : (spec.auth?.security ?? DEFAULT_SECURITY),
    request: {
      ...(spec.request?.params ? { params: spec.request.params as z.ZodObject } : {}),
      ...(spec.request?.query ? { query: spec.request.query as z.ZodObject } : {}),
      ...(body ? { body: { required: true, content: { 'application/json': { schema: body } } } } : {}),
      ...(honoursIdempotencyKey(spec) && !isPublic ? { headers: [IdempotencyKeyHeader] } : {}),
    },
    responses,
  };
}

function send(res: Response, reply: Reply, fallbackStatus: number): void {
  if (reply.answered) return;
  if (reply.redirect !== undefined) {
    if (reply.headers) res.set(reply.headers);
    res.redirect(reply.status ?? fallbackStatus, reply.redirect);
    return;
  }
  res.status(reply.status ?? fallbackStatus);
  if (reply.headers) res.set(reply.headers);
  if (reply.contentType) res.type(reply.contentType).send(reply.body);
  else res.json(reply.body);
}

/** Binds `route` / `publicRoute` to an Express router and an OpenAPI registry. */
export function createRoutes(router: Router, registry: OpenAPIRegistry, middleware: RouteMiddleware) {
  const mount = (
    spec: BaseSpec<RequestSchemas>,
    isPublic: boolean,
    handle: (req: Request, res: Response) => Promise<Reply>,
  ) => {
    registry.registerPath(openApiOperation(spec, isPublic));
    // The route template labels metrics and logs, whatever the outcome (401s included).
    const chain: RequestHandler[] = [
      (_req, res, next) => {
        res.locals.route = spec.path;
        next();
      },
    ];
    if (!isPublic) chain.push(spec.auth?.middleware ?? middleware.authenticate);
    if (!isPublic && honoursIdempotencyKey(spec)) chain.push(middleware.idempotency);
    const fallback = Number(Object.keys(spec.responses)[0] ?? 200);
    chain.push(async (req, res) => {
      send(res, await handle(req, res), fallback);
    });
    router[spec.method](expressPath(spec.path), ...chain);
  };
  return {
    route<S extends RequestSchemas>(spec: RouteSpec<S>): void {
      mount(spec, false, (req, res) =>
        spec.handle({ ...parseRequest(spec.request ?? ({} as S), req), actor: actorOf(res), req, res }),
      );
    },
    publicRoute<S extends RequestSchemas>(spec: PublicRouteSpec<S>): void {
      mount(spec, true, (req, res) =>
        spec.handle({ ...parseRequest(spec.request ?? ({} as S), req), req, res }),
      );
    },
  };
}

export type Routes = ReturnType<typeof createRoutes>;

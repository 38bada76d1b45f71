/**
 * The desk's only way to the API: openapi-fetch typed by the types generated from the API's own
 * OpenAPI document (desk/generated/api.ts) — no request or response shape is written by hand.
 * Same origin, the session cookie travels by itself; every unsafe request carries the session's
 * CSRF token.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from '../../generated/api';

export type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];

let csrfToken: string | null = null;
export const setCsrfToken = (token: string | null) => {
  csrfToken = token;
};

export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });
api.use({
  onRequest({ request }) {
    if (request.method !== 'GET' && request.method !== 'HEAD' && csrfToken) {
      request.headers.set('X-CSRF-Token', csrfToken);
    }
    return request;
  },
});

/** Why a request did not give its answer. */
export type Failure =
  /** No answer at all (network down, server stopped), or 502/503/504: worth retrying as is. */
  | { kind: 'unreachable'; status: number | null; problem?: Problem }
  /** The API answered with a problem document (400, 401, 403, 404, 409, 422…). */
  | { kind: 'problem'; status: number; problem: Problem };

export type Result<T> = { ok: true; data: T; status: number } | { ok: false; failure: Failure };

const RETRYABLE = new Set([502, 503, 504]);

function asProblem(status: number, error: unknown): Problem {
  if (error && typeof error === 'object' && 'status' in error && 'title' in error) return error as Problem;
  return {
    type: 'about:blank',
    title: String(status),
    status,
    detail: typeof error === 'string' ? error : '',
    instance: '',
  };
}

/** Runs one openapi-fetch call and sorts its outcome. */
export async function call<T>(
  request: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<Result<T>> {
  let outcome: { data?: T; error?: unknown; response: Response };
  try {
    outcome = await request;
  } catch {
    return { ok: false, failure: { kind: 'unreachable', status: null } };
  }
  const { response } = outcome;
  if (response.ok) return { ok: true, data: outcome.data as T, status: response.status };
  const problem = asProblem(response.status, outcome.error);
  if (RETRYABLE.has(response.status))
    return { ok: false, failure: { kind: 'unreachable', status: response.status, problem } };
  return { ok: false, failure: { kind: 'problem', status: response.status, problem } };
}

export const newIdempotencyKey = () => crypto.randomUUID();

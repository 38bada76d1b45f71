/**
 * RFC 9457 problem details: every error the API answers is `application/problem+json` with a
 * title and a detail written for the person at the keyboard — never a stack trace, never child data.
 */
import { z } from '../openapi/zod';
import { fieldReasonOf, reasonOf, type ReasonParams } from './reasons';

export const PROBLEM_TYPE_BASE = 'https://child-protection.local/problems/';

export const FieldErrorSchema = z
  .object({
    path: z.string().openapi({ example: 'body.child.birthDate' }),
    message: z.string().openapi({ example: 'must not be in the future' }),
  })
  .openapi('FieldError');

const ReasonParamsSchema = z
  .record(z.string(), z.union([z.string(), z.number(), z.array(z.string())]))
  .openapi('ReasonParams', {
    description: 'the values the reason names (codes, identifiers, numbers, instants; never child data)',
    example: { step: 'planApproval', expected: ['assessment'] },
  });

export const FieldErrorCodeSchema = z
  .object({
    path: z.string().openapi({ example: 'body.child.birthDate' }),
    code: z.string().openapi({
      description:
        "a stable code for the message (zod's kind of issue, or the API's own check): required, tooShort, tooLong, tooFew, tooMany, tooSmall, tooLarge, invalidType, invalidFormat, invalidOption, unknownField, future, unknownPartner, …",
      example: 'future',
    }),
    params: ReasonParamsSchema.optional(),
  })
  .openapi('FieldErrorCode');

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: `${PROBLEM_TYPE_BASE}validation` }),
    title: z.string().openapi({ example: 'Invalid request' }),
    status: z.number().int().openapi({ example: 400 }),
    detail: z.string().openapi({ example: '2 fields are invalid' }),
    instance: z.string().openapi({ example: '/cases' }),
    errors: z.array(FieldErrorSchema).optional(),
    childId: z
      .string()
      .optional()
      .openapi({ description: 'on a 409 for a report: the known child to report about (as `childId`)' }),
    code: z
      .string()
      .optional()
      .openapi({
        description:
          'a stable code for the reason in `detail` (api/http/reasons.ts), for clients that say it in the ' +
          "person's language; absent for a reason without one (then say `detail`)",
        example: 'case.wrongStep',
      }),
    params: ReasonParamsSchema.optional(),
    errorCodes: z.array(FieldErrorCodeSchema).optional().openapi({
      description: "one per entry of `errors`, in the same order: the code of that field's message",
    }),
  })
  .openapi('Problem');

/** A field error as the API builds it: its code travels in the problem's `errorCodes`. */
export type FieldError = z.infer<typeof FieldErrorSchema> & { code?: string; params?: ReasonParams };
export type Problem = z.infer<typeof ProblemSchema>;

/** The problems the API knows: status, a stable type slug and a title. */
export const PROBLEMS = {
  validation: { status: 400, title: 'Invalid request' },
  malformedJson: { status: 400, title: 'Malformed JSON body' },
  unauthenticated: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Not allowed' },
  notFound: { status: 404, title: 'Not found' },
  conflict: { status: 409, title: 'Conflict' },
  stepRejected: { status: 409, title: 'Step rejected' },
  idempotencyInFlight: { status: 409, title: 'Request still in progress' },
  tooLarge: { status: 413, title: 'Body too large' },
  unsupportedMediaType: { status: 415, title: 'Unsupported media type' },
  idempotencyMismatch: { status: 422, title: 'Idempotency-Key reused' },
  rateLimited: { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Internal error' },
  unavailable: { status: 503, title: 'Service unavailable' },
} as const;

export type ProblemKind = keyof typeof PROBLEMS;

/** Thrown anywhere in a request; the error handler answers it as a problem document. */
export class ProblemError extends Error {
  override name = 'ProblemError';
  constructor(
    readonly kind: ProblemKind,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
    /** Extension members of the problem document (RFC 9457 §3.2), IDs only. */
    readonly extensions: { childId?: string } = {},
  ) {
    super(detail);
  }
  get status(): number {
    return PROBLEMS[this.kind].status;
  }
}

export function problemBody(
  kind: ProblemKind,
  detail: string,
  instance: string,
  errors?: FieldError[],
  extensions: { childId?: string } = {},
): Problem {
  const { status, title } = PROBLEMS[kind];
  const reason = kind === 'validation' ? undefined : reasonOf(detail);
  return {
    type: `${PROBLEM_TYPE_BASE}${kind}`,
    title,
    status,
    detail,
    instance,
    ...(errors && errors.length > 0
      ? {
          errors: errors.map((e) => ({ path: e.path, message: e.message })),
          errorCodes: errors.map((e) => {
            const known = e.code ? { code: e.code, params: e.params } : fieldReasonOf(e.message);
            const params = known?.params && Object.keys(known.params).length > 0 ? known.params : undefined;
            return { path: e.path, code: known?.code ?? 'invalid', ...(params ? { params } : {}) };
          }),
        }
      : {}),
    ...extensions,
    ...(reason
      ? { code: reason.code, ...(Object.keys(reason.params).length > 0 ? { params: reason.params } : {}) }
      : {}),
  };
}

/** A 400 naming one field (for checks zod cannot make alone, e.g. against the database). */
export function invalidField(path: string, message: string): ProblemError {
  return new ProblemError('validation', `${path}: ${message}`, [{ path, message }]);
}

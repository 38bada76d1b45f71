/** Request validation: params, query and body checked together, so a 400 lists every bad field. */
import type { Request } from 'express';
import type { ZodType, z } from 'zod';
import { ProblemError, type FieldError } from './problem';

export interface RequestSchemas {
  params?: ZodType;
  query?: ZodType;
  body?: ZodType;
}

type Out<S> = S extends ZodType ? z.output<S> : undefined;
export interface Parsed<S extends RequestSchemas> {
  params: Out<S['params']>;
  query: Out<S['query']>;
  body: Out<S['body']>;
}

/** `body.items[0].serviceType`: where the field is, in the shape the client sent. */
export function fieldPath(location: string, path: readonly PropertyKey[]): string {
  let out = location;
  for (const segment of path) out += typeof segment === 'number' ? `[${segment}]` : `.${String(segment)}`;
  return out;
}

type Issue = z.core.$ZodIssue;
const SIZE: Record<string, [small: string, big: string]> = {
  string: ['tooShort', 'tooLong'],
  array: ['tooFew', 'tooMany'],
  set: ['tooFew', 'tooMany'],
  file: ['tooSmall', 'tooLarge'],
};

/** A stable code for a zod issue (and the values it names), so a client can say it in its language. */
export function issueCode(issue: Issue, missing: boolean): Pick<FieldError, 'code' | 'params'> {
  switch (issue.code) {
    case 'invalid_type':
      return missing ? { code: 'required' } : { code: 'invalidType', params: { expected: issue.expected } };
    case 'too_small':
      return {
        code: SIZE[issue.origin]?.[0] ?? 'tooSmall',
        params: {
          minimum: Number(issue.minimum),
          ...(issue.inclusive === false ? { exclusive: 'true' } : {}),
        },
      };
    case 'too_big':
      return {
        code: SIZE[issue.origin]?.[1] ?? 'tooLarge',
        params: {
          maximum: Number(issue.maximum),
          ...(issue.inclusive === false ? { exclusive: 'true' } : {}),
        },
      };
    case 'invalid_format':
      return { code: 'invalidFormat', params: { format: issue.format } };
    case 'invalid_value':
      return { code: 'invalidOption', params: { values: issue.values.map(String) } };
    case 'not_multiple_of':
      return { code: 'notMultipleOf', params: { divisor: Number(issue.divisor) } };
    case 'unrecognized_keys':
      return { code: 'unknownField' };
    case 'custom':
      // A refinement's message says it; its code comes from the known forms (api/http/reasons.ts).
      return {};
    default:
      return { code: 'invalid' };
  }
}

/** zod's issues as field errors; unknown keys become one error per key. Messages never echo input. */
export function fieldErrors(location: string, error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: fieldPath(location, [...issue.path, key]),
        message: 'unknown field',
        code: 'unknownField',
      }));
    }
    const missing = issue.code === 'invalid_type' && / received undefined$/.test(issue.message);
    return [
      {
        path: fieldPath(location, issue.path),
        message: missing ? 'required' : issue.message,
        ...issueCode(issue as Issue, missing),
      },
    ];
  });
}

export function parseRequest<S extends RequestSchemas>(schemas: S, req: Request): Parsed<S> {
  const errors: FieldError[] = [];
  const out: Record<string, unknown> = {};
  for (const location of ['params', 'query', 'body'] as const) {
    const schema = schemas[location];
    if (!schema) continue;
    const input: unknown = location === 'body' ? (req.body ?? {}) : req[location];
    const result = schema.safeParse(input);
    if (result.success) out[location] = result.data;
    else errors.push(...fieldErrors(location, result.error));
  }
  if (errors.length > 0) {
    const detail =
      errors.length === 1
        ? `${errors[0]?.path}: ${errors[0]?.message}`
        : `${errors.length} fields are invalid: ${errors.map((e) => e.path).join(', ')}`;
    throw new ProblemError('validation', detail, errors);
  }
  return out as unknown as Parsed<S>;
}

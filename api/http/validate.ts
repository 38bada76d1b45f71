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

/** zod's issues as field errors; unknown keys become one error per key. Messages never echo input. */
export function fieldErrors(location: string, error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: fieldPath(location, [...issue.path, key]),
        message: 'unknown field',
      }));
    }
    const missing = issue.code === 'invalid_type' && / received undefined$/.test(issue.message);
    return [{ path: fieldPath(location, issue.path), message: missing ? 'required' : issue.message }];
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

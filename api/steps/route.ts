/**
 * One builder for every human step's route — a case's, a leaving-care pathway's, a referral's:
 * authenticate and validate (the route), load the subject under the policy, prepare the update's
 * input (IDs and codes) and the rows the step writes, run the update with those rows as its
 * pending writes (lib/step-writes.ts), answer the subject as the workflow now sees it.
 */
import type { UpdateDefinition } from '@temporalio/common';
import type { WorkflowHandle } from '@temporalio/client';
import type { StepWrite } from '../../lib/step-writes';
import type { Action, Actor } from '../auth/policy';
import { runStep, type ApiDeps } from '../deps';
import { requestIdentity, type RequestIdentity } from '../http/idempotency';
import type { Routes } from '../http/route';
import type { z } from '../openapi/zod';

/** What a family of step routes shares: where they hang, whose workflow they reach, what they answer. */
export interface StepSubject<P extends z.ZodType, S, C, V> {
  /** The subject's path, e.g. `/cases/{caseId}`; each step adds its own. */
  base: string;
  tag: string;
  params: P;
  /** The answer when a step documents none of its own. */
  result: { schema: z.ZodType; description: string };
  /** What a 409 means for this family. */
  conflict: string;
  /** Loads the subject under the policy for this action (404 or 403 as for a read), or refuses it. */
  load(actor: Actor, params: z.output<P>, action: Action): Promise<S>;
  /** What a step's `prepare` gets to know about the subject (`{ kase }`, `{ pathway }`, …). */
  context(subject: S): C;
  workflow(subject: S): WorkflowHandle;
  /** The case whose rows a step's pending writes are. */
  caseIdOf(subject: S): string;
  /** The answer's body, from the workflow's view after the step. */
  answer(view: V): Record<string, unknown>;
}

export type StepContext<C> = C & { deps: ApiDeps; actor: Actor; ids: RequestIdentity };

/** One step: its route, the policy's action, the body, the update, and how the body becomes its input. */
export interface StepSpec<C, B extends z.ZodType, I, V> {
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  action: Action;
  body: B;
  update: UpdateDefinition<V, [I], string>;
  /** The update's input (IDs and codes) and the rows the step writes once accepted, if any. */
  prepare(
    body: z.output<B>,
    ctx: StepContext<C>,
  ): Promise<{ input: I; write?: StepWrite; extra?: Record<string, unknown> }>;
  result?: z.ZodType;
}

/** The step-route builder of one family: `step({ path, update, prepare, … })` declares a route. */
export function stepRoutes<P extends z.ZodType, S, C, V>(
  routes: Routes,
  deps: ApiDeps,
  subject: StepSubject<P, S, C, V>,
) {
  return <B extends z.ZodType, I>(spec: StepSpec<C, B, I, V>): void =>
    routes.route({
      method: 'post',
      path: `${subject.base}${spec.path}`,
      operationId: spec.operationId,
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      tag: subject.tag,
      request: { params: subject.params, body: spec.body },
      responses: {
        200: { description: subject.result.description, schema: spec.result ?? subject.result.schema },
      },
      problems: { 409: subject.conflict },
      handle: async ({ actor, params, body, res }) => {
        const loaded = await subject.load(actor, params as z.output<P>, spec.action);
        const ids = requestIdentity(res);
        const ctx: StepContext<C> = { ...subject.context(loaded), deps, actor, ids };
        const { input, write, extra } = await spec.prepare(body as z.output<B>, ctx);
        const pending = write ? { caseId: subject.caseIdOf(loaded), writes: [write] } : undefined;
        const view = await runStep(deps, subject.workflow(loaded), spec.update, input, pending, ids.updateId);
        return { body: { ...extra, ...subject.answer(view) } };
      },
    });
}

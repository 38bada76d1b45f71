/**
 * Steps come only through the API (issue 13, item 17). The worker's codec turns every payload not
 * encrypted with our keys into a marker that does not convert (lib/refused-payload.ts). What the
 * SDK does with a payload that does not convert depends on where it is, so each case is handled
 * before the SDK sees it, and none fails the workflow task (which would retry forever and wedge
 * the workflow):
 *
 * - update: the SDK converts the input before acceptance and rejects the update when that fails
 *   (nothing in the history). An update sent with no input at all is given the marker, so it is
 *   rejected the same way — our updates all take one.
 * - signal: the SDK converts the input while running the job and fails the workflow task when that
 *   throws. A signal whose input is refused, or that carries none (every signal of ours carries an
 *   encrypted input), is dropped here, with a warning in the worker's log.
 * - start: arguments that do not convert fail the first workflow task forever. A refused argument
 *   is replaced by a sentinel the `execute` interceptor turns into a failure of the workflow.
 *
 * Dropping or replacing is deterministic: a replay sees the same payloads and does the same.
 */
import {
  ApplicationFailure,
  log,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
  type WorkflowInternalsInterceptor,
} from '@temporalio/workflow';
import { isRefused, REFUSED_ENCODING, refusedPayload, type PayloadLike } from '../lib/refused-payload';

const REFUSED_START = '__refusedPayload';
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** One of our signals or updates: exactly what the API or the worker encrypted. */
const trusted = (input: PayloadLike[] | null | undefined): boolean =>
  !!input && input.length > 0 && !input.some(isRefused);

const refusing: WorkflowInternalsInterceptor = {
  activate(input, next) {
    const jobs = input.activation.jobs ?? [];
    for (let i = jobs.length - 1; i >= 0; i -= 1) {
      const job = jobs[i];
      if (job?.signalWorkflow && !trusted(job.signalWorkflow.input)) {
        log.warn('dropped a signal sent around the API (its input is not encrypted with our keys)', {
          signal: job.signalWorkflow.signalName,
        });
        jobs.splice(i, 1);
      } else if (job?.doUpdate && !trusted(job.doUpdate.input)) {
        job.doUpdate.input = [refusedPayload()];
      } else if (job?.initializeWorkflow?.arguments?.some(isRefused)) {
        job.initializeWorkflow.arguments = [
          {
            metadata: { encoding: ascii('json/plain') },
            data: ascii(JSON.stringify({ [REFUSED_START]: true })),
          },
        ];
      }
    }
    return next(input);
  },
};

const failingRefusedStarts: WorkflowInboundCallsInterceptor = {
  // Async: a rejection fails the workflow, where a synchronous throw would fail the workflow task.
  async execute(input, next) {
    const refused = input.args.some(
      (arg) =>
        typeof arg === 'object' && arg !== null && (arg as Record<string, unknown>)[REFUSED_START] === true,
    );
    if (refused) {
      throw ApplicationFailure.create({
        type: 'RefusedPayload',
        message: `workflow input ${REFUSED_ENCODING}: workflows are started by the API and the worker only`,
        nonRetryable: true,
      });
    }
    return next(input);
  },
};

export const interceptors: WorkflowInterceptorsFactory = () => ({
  internals: [refusing],
  inbound: [failingRefusedStarts],
});

import path from 'node:path';
import { bundleWorkflowCode, type BundleOptions } from '@temporalio/worker';

/**
 * Workflow interceptor modules every bundle of ours must carry: they keep payloads sent around the
 * API (not encrypted with our keys) from changing or wedging a workflow (workflows/interceptors.ts).
 */
export const WORKFLOW_INTERCEPTOR_MODULES = [path.resolve(__dirname, '..', 'workflows', 'interceptors')];

/** The workflow bundle of the worker, the tests and the bench (`workflowsPath` defaults to workflows/). */
export function bundleWorkflows(
  options: Omit<BundleOptions, 'workflowsPath' | 'workflowInterceptorModules'> & {
    workflowsPath?: string;
  } = {},
): Promise<{ code: string }> {
  return bundleWorkflowCode({
    ...options,
    workflowsPath: options.workflowsPath ?? path.resolve(__dirname, '..', 'workflows'),
    workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
  });
}

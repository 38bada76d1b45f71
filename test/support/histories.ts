/** Workflow histories as the server stores them: every payload in them, and their raw bytes. */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export type RawPayload = temporal.api.common.v1.IPayload;
export type History = temporal.api.history.v1.IHistory;

/** Every Payload anywhere in a history (inputs, results, signals, updates, memo, failures' details…). */
export function payloadsOf(value: unknown, out: RawPayload[] = []): RawPayload[] {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return out;
  if (Array.isArray(value)) {
    for (const item of value) payloadsOf(item, out);
    return out;
  }
  const record = value as Record<string, unknown>;
  if (record.metadata && typeof record.metadata === 'object' && 'data' in record) {
    out.push(record as RawPayload);
    return out;
  }
  for (const item of Object.values(record)) payloadsOf(item, out);
  return out;
}

const text = (bytes: Uint8Array | null | undefined) =>
  Buffer.from(bytes ?? new Uint8Array()).toString('utf8');
export const encodingOf = (p: RawPayload) => text(p.metadata?.encoding);
export const keyIdOf = (p: RawPayload) => text(p.metadata?.['encryption-key-id']);

/** A payload in the codec server's JSON (proto3 JSON: bytes as base64). */
export interface PayloadJson {
  metadata: Record<string, string>;
  data: string;
}
export const toCodecJson = (p: RawPayload): PayloadJson => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [
      k,
      Buffer.from(v ?? new Uint8Array()).toString('base64'),
    ]),
  ),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});
export const fromBase64 = (value: string | undefined) => Buffer.from(value ?? '', 'base64').toString('utf8');

/** The history exactly as the server sends it, as protobuf bytes: what a backup would hold. */
export const rawBytes = (history: History): Buffer =>
  Buffer.from(temporal.api.history.v1.History.encode(history).finish());

/**
 * Every run of every workflow whose ID is one of `workflowIds`: continue-as-new gives one ID
 * several runs, found by walking back from the latest run (each run names the one it continues).
 */
export async function historiesOf(
  client: Client,
  workflowIds: string[],
): Promise<{ workflowId: string; runId: string; history: History }[]> {
  const out: { workflowId: string; runId: string; history: History }[] = [];
  for (const workflowId of workflowIds) {
    let runId: string | undefined = (await client.workflow.getHandle(workflowId).describe()).runId;
    while (runId) {
      const history: History = await client.workflow.getHandle(workflowId, runId).fetchHistory();
      out.push({ workflowId, runId, history });
      runId =
        history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
    }
  }
  return out;
}

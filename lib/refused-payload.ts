/**
 * What the worker's codec makes of a payload it will not trust: one that is not encrypted, or that
 * does not decrypt with any key of this service (a forgery claiming `binary/encrypted`). Only the
 * API and the worker hold the keys, so such a payload was sent around the API (e.g. with the
 * `temporal` CLI). The marker's encoding is unknown to every payload converter, so converting it
 * fails with this text in the message: an update carrying it is rejected by the SDK before it is
 * accepted. Signals and starts are handled by the workflow interceptors (workflows/interceptors.ts).
 *
 * No imports: workflow code (the Temporal sandbox) and the codec both use it.
 */
export const REFUSED_ENCODING = 'refused: not encrypted with the keys of this service';

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const REFUSED_BYTES = ascii(REFUSED_ENCODING);

export interface PayloadLike {
  metadata?: Record<string, Uint8Array | null | undefined> | null;
  data?: Uint8Array | null;
}

/** The marker that stands in for a refused payload (its content is never passed on). */
export function refusedPayload(): { metadata: Record<string, Uint8Array>; data: Uint8Array } {
  return { metadata: { encoding: ascii(REFUSED_ENCODING) }, data: new Uint8Array() };
}

export function isRefused(payload: PayloadLike | null | undefined): boolean {
  const encoding = payload?.metadata?.encoding;
  if (!encoding || encoding.length !== REFUSED_BYTES.length) return false;
  return encoding.every((byte, i) => byte === REFUSED_BYTES[i]);
}

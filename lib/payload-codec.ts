/**
 * Encryption of every Temporal payload (workflow inputs, results, signals, updates, queries,
 * activity arguments, memo) with AES-256-GCM, so a history read from the server — or a backup of
 * its database — shows ciphertext. Workflows carry IDs and codes only; this is defence in depth.
 *
 * Keys come from `PAYLOAD_ENCRYPTION_KEYS`: `id:base64key[,id:base64key…]`, 32-byte keys. The first
 * key encrypts; every key decrypts, so a new key is rolled out by putting it first and keeping the
 * old ones until no open history uses them. Each encrypted payload names its key id.
 *
 * Only the API and the worker hold the keys, so a payload that is not encrypted with one of them
 * was sent around the API (the `temporal` CLI sends plain JSON). By default the codec refuses it:
 * decoding gives a marker (lib/refused-payload.ts) instead of the content, never an error — an
 * error thrown while a worker decodes an activation fails the workflow task on every retry, so a
 * forged signal or update would wedge the workflow. The marker does not convert: an update carrying
 * it is rejected by the SDK before it is accepted; the workflow interceptors drop such a signal and
 * fail such a start (workflows/interceptors.ts). Search attributes and headers are never encoded,
 * so they never reach the codec; everything else the worker decodes (inputs, results, memo,
 * schedule arguments, child inputs, continue-as-new) was encoded by this codec on our side.
 * The Temporal UI's remote codec (api/codec) passes plaintext through instead, so an operator sees
 * a forged payload as it was sent.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ValueError, type DataConverter, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { refusedPayload } from './refused-payload';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
const ENCODING_KEY = 'encoding';
const KEY_ID_KEY = 'encryption-key-id';
const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (bytes: Uint8Array | null | undefined) => (bytes ? new TextDecoder().decode(bytes) : undefined);

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

/** Parses `id:base64key,…`; the message names what is wrong without echoing any key material. */
export function parseEncryptionKeys(value: string): EncryptionKey[] {
  const keys = value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part, i) => {
      const sep = part.indexOf(':');
      const id = sep > 0 ? part.slice(0, sep) : '';
      if (!/^[A-Za-z0-9._-]{1,64}$/.test(id)) {
        throw new ValueError(`PAYLOAD_ENCRYPTION_KEYS: entry ${i + 1} must be <id>:<base64 key>`);
      }
      const key = Buffer.from(part.slice(sep + 1), 'base64');
      if (key.length !== 32) {
        throw new ValueError(
          `PAYLOAD_ENCRYPTION_KEYS: key "${id}" must be 32 bytes (base64), got ${key.length}`,
        );
      }
      return { id, key };
    });
  if (keys.length === 0) throw new ValueError('PAYLOAD_ENCRYPTION_KEYS: at least one key is required');
  const ids = new Set<string>();
  for (const { id } of keys) {
    if (ids.has(id)) throw new ValueError(`PAYLOAD_ENCRYPTION_KEYS: key id "${id}" appears twice`);
    ids.add(id);
  }
  return keys;
}

/** A fresh key entry, e.g. for `npm start`'s development key file or a test run. */
export function generateEncryptionKey(id: string): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

export interface EncryptionCodecOptions {
  /**
   * What decoding does with a payload that is not encrypted with a key of ours: `refuse` (the
   * default, every client and worker) gives the refused marker; `pass` returns a plaintext payload
   * as it is and throws on one that does not decrypt (the operators' codec endpoint).
   */
  untrusted?: 'refuse' | 'pass';
}

export class EncryptionCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;
  private readonly active: EncryptionKey;
  private readonly refuse: boolean;

  constructor(keys: EncryptionKey[], options: EncryptionCodecOptions = {}) {
    const [active] = keys;
    if (!active) throw new ValueError('EncryptionCodec needs at least one key');
    this.active = active;
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
    this.refuse = (options.untrusted ?? 'refuse') === 'refuse';
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(CIPHER, this.active.key, iv);
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { [ENCODING_KEY]: utf8(ENCRYPTED_ENCODING), [KEY_ID_KEY]: utf8(this.active.id) },
        data: sealed,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (!this.refuse) return this.decrypt(payload);
      try {
        return this.decrypt(payload, 'refuse');
      } catch {
        return refusedPayload();
      }
    });
  }

  /** Throws on anything that is not a payload encrypted with one of our keys, unless plaintext may pass. */
  private decrypt(payload: Payload, plaintext: 'pass' | 'refuse' = 'pass'): Payload {
    if (text(payload.metadata?.[ENCODING_KEY]) !== ENCRYPTED_ENCODING) {
      if (plaintext === 'pass') return payload;
      throw new ValueError('payload is not encrypted');
    }
    const keyId = text(payload.metadata?.[KEY_ID_KEY]) ?? '';
    const key = this.byId.get(keyId);
    if (!key) throw new ValueError(`payload encrypted with unknown key id "${keyId}"`);
    const sealed = Buffer.from(payload.data ?? new Uint8Array());
    if (sealed.length < IV_BYTES + TAG_BYTES) throw new ValueError('encrypted payload is truncated');
    const decipher = createDecipheriv(CIPHER, key, sealed.subarray(0, IV_BYTES));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    const plain = Buffer.concat([
      decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
      decipher.final(),
    ]);
    return temporal.api.common.v1.Payload.decode(plain);
  }
}

/** The data converter every client and worker of the project uses. */
export function encryptedDataConverter(keys: string | EncryptionKey[]): DataConverter {
  const parsed = typeof keys === 'string' ? parseEncryptionKeys(keys) : keys;
  return { payloadCodecs: [new EncryptionCodec(parsed, { untrusted: 'refuse' })] };
}

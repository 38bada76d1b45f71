/** AES-256-GCM payload codec: round trip, key rotation, tampering, and key errors that leak nothing. */
import { defaultPayloadConverter } from '@temporalio/common';
import { loadConfig } from '../../lib/config';
import {
  EncryptionCodec,
  ENCRYPTED_ENCODING,
  generateEncryptionKey,
  parseEncryptionKeys,
} from '../../lib/payload-codec';
import { isRefused } from '../../lib/refused-payload';

const payload = (value: unknown) => defaultPayloadConverter.toPayload(value);
const decoded = (p: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }) =>
  defaultPayloadConverter.fromPayload(p);
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('latin1');
const decoded1 = (p: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }) =>
  defaultPayloadConverter.fromPayload(p);

describe('payload encryption codec', () => {
  const oldKey = generateEncryptionKey('k2025');
  const newKey = generateEncryptionKey('k2026');

  it('encrypts every payload so that neither data nor metadata shows the value, and decrypts it back', async () => {
    const codec = new EncryptionCodec(parseEncryptionKeys(newKey));
    const value = { caseId: 'case-4711', reference: 'DEMO-2026-000042', categories: ['neglect'] };
    const [sealed] = await codec.encode([payload(value)]);
    expect(text(sealed?.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(sealed?.metadata?.['encryption-key-id'])).toBe('k2026');
    expect(text(sealed?.data)).not.toContain('DEMO-2026-000042');
    expect(text(sealed?.data)).not.toContain('json/plain');
    const [opened] = await codec.decode([sealed!]);
    expect(decoded(opened!)).toEqual(value);
  });

  it('uses a fresh IV per payload: the same value never encrypts to the same bytes', async () => {
    const codec = new EncryptionCodec(parseEncryptionKeys(newKey));
    const [a, b] = await codec.encode([payload('same'), payload('same')]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('rotates keys: the first key encrypts, older keys still decrypt', async () => {
    const before = new EncryptionCodec(parseEncryptionKeys(oldKey));
    const after = new EncryptionCodec(parseEncryptionKeys(`${newKey},${oldKey}`));
    const [old] = await before.encode([payload('written in 2025')]);
    expect(decoded((await after.decode([old!]))[0]!)).toBe('written in 2025');
    const [fresh] = await after.encode([payload('written in 2026')]);
    expect(text(fresh?.metadata?.['encryption-key-id'])).toBe('k2026');
    const operators = new EncryptionCodec(parseEncryptionKeys(oldKey), { untrusted: 'pass' });
    await expect(operators.decode([fresh!])).rejects.toThrow('payload encrypted with unknown key id "k2026"');
    // A worker without the key refuses the payload instead of failing (see below).
    const [refused] = await before.decode([fresh!]);
    expect(isRefused(refused)).toBe(true);
  });

  it('refuses a tampered payload (GCM authentication)', async () => {
    const codec = new EncryptionCodec(parseEncryptionKeys(newKey), { untrusted: 'pass' });
    const [sealed] = await codec.encode([payload({ risk: 'HIGH' })]);
    const data = Buffer.from(sealed!.data!);
    data[20] = (data[20] ?? 0) ^ 0xff;
    await expect(codec.decode([{ ...sealed!, data }])).rejects.toThrow();
    const [refused] = await new EncryptionCodec(parseEncryptionKeys(newKey)).decode([{ ...sealed!, data }]);
    expect(isRefused(refused)).toBe(true);
  });

  it('item 17: refuses what was not encrypted with its keys, by a marker that never converts', async () => {
    const codec = new EncryptionCodec(parseEncryptionKeys(newKey));
    const forged = [
      payload({ actorId: 'someone-forged', risk: 'LOW' }),
      { metadata: { encoding: Buffer.from('binary/encrypted'), 'encryption-key-id': Buffer.from('k2026') }, data: Buffer.from('{"risk":"LOW"}') },
      { metadata: { encoding: Buffer.from('binary/encrypted'), 'encryption-key-id': Buffer.from('nope') }, data: Buffer.alloc(40) },
      { metadata: { encoding: Buffer.from('binary/encrypted'), 'encryption-key-id': Buffer.from('k2026') }, data: Buffer.alloc(3) },
    ]; // prettier-ignore
    const decoded = await codec.decode(forged);
    expect(decoded.map((p) => text(p.metadata?.encoding))).toEqual(
      Array(4).fill('refused: not encrypted with the keys of this service'),
    );
    // The content never travels on, and no converter takes the marker.
    expect(decoded.map((p) => p.data?.length)).toEqual([0, 0, 0, 0]);
    expect(() => decoded.map(decoded1)).toThrow(
      'Unknown encoding: refused: not encrypted with the keys of this service',
    );
    // What the codec itself encrypted still decodes.
    const [sealed] = await codec.encode([payload({ caseId: 'c1' })]);
    expect(decoded1((await codec.decode([sealed!]))[0]!)).toEqual({ caseId: 'c1' });
  });

  it('passes plaintext through for the operators’ codec endpoint (they see a forged payload as sent)', async () => {
    const codec = new EncryptionCodec(parseEncryptionKeys(newKey), { untrusted: 'pass' });
    const plain = payload({ caseId: 'c1' });
    expect(await codec.decode([plain])).toEqual([plain]);
  });

  it('names a malformed key setting without echoing key material', () => {
    expect(() => parseEncryptionKeys('nokey')).toThrow('entry 1 must be <id>:<base64 key>');
    expect(() => parseEncryptionKeys('k1:c2hvcnQ=')).toThrow('key "k1" must be 32 bytes (base64), got 5');
    expect(() => parseEncryptionKeys(`${newKey},${newKey}`)).toThrow('key id "k2026" appears twice');
    expect(() => parseEncryptionKeys(' , ')).toThrow('at least one key is required');
    const secret = 'k1:c2VjcmV0LXNob3J0LWtleQ==';
    try {
      loadConfig({ DATABASE_URL: 'postgresql://x/y', PAYLOAD_ENCRYPTION_KEYS: secret });
      throw new Error('accepted a short key');
    } catch (err) {
      expect((err as Error).message).toContain('PAYLOAD_ENCRYPTION_KEYS: key "k1" must be 32 bytes');
      expect((err as Error).message).not.toContain('c2VjcmV0');
    }
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { generateEncryptionKey } from '../lib/payload-codec';

/**
 * The payload encryption key of the development stack: made once, kept (owner-only) next to the
 * stack's data so that a restart can still read every open workflow. Production sets
 * PAYLOAD_ENCRYPTION_KEYS from its secret store instead.
 */
export function developmentKeys(file: string): string {
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const keys = generateEncryptionKey(`dev-${new Date().toISOString().slice(0, 10)}`);
  fs.writeFileSync(file, `${keys}\n`, { mode: 0o600 });
  return keys;
}

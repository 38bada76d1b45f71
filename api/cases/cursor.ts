/** Opaque page cursors: the sort key of the last item, base64url-encoded. */
import { invalidField } from '../http/problem';

export function encodeCursor(key: { at: Date; id: string }): string {
  return Buffer.from(JSON.stringify([key.at.toISOString(), key.id])).toString('base64url');
}

export function decodeCursor(cursor: string, path: string): { at: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof at === 'string' && typeof id === 'string' && !Number.isNaN(Date.parse(at))) {
      return { at: new Date(at), id };
    }
  } catch {
    // fall through: any undecodable cursor is the same client error
  }
  throw invalidField(path, 'not a cursor returned by this API');
}

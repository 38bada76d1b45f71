/** Opaque page cursors: the sort key of the last item, base64url-encoded. */
import { invalidField } from '../http/problem';

export function encodeCursor(key: { at: Date; id: string }): string {
  return Buffer.from(JSON.stringify([key.at.toISOString(), key.id])).toString('base64url');
}

export function isCursor(cursor: string): boolean {
  return parse(cursor) !== undefined;
}

function parse(cursor: string): { at: Date; id: string } | undefined {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof at === 'string' && typeof id === 'string' && !Number.isNaN(Date.parse(at))) {
      return { at: new Date(at), id };
    }
  } catch {
    // any undecodable cursor is the same client error
  }
  return undefined;
}

export function decodeCursor(cursor: string, path: string): { at: Date; id: string } {
  const key = parse(cursor);
  if (!key) throw invalidField(path, 'not a cursor returned by this API');
  return key;
}

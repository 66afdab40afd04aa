/**
 * Keyset cursors: the key of a page's last row, base64url-encoded so clients treat it as opaque.
 * One codec for every paged list (a station's readings, the stations list).
 */

export class InvalidCursorError extends Error {
  override name = 'InvalidCursorError';
}

export const encodeCursor = (key: string) => Buffer.from(key, 'utf8').toString('base64url');

/**
 * The key inside `cursor`, or InvalidCursorError. Node's base64url decoder skips invalid
 * characters, so a cursor must also re-encode to itself; `isKey` checks what it decodes to.
 */
export function decodeCursor(cursor: string, isKey: (key: string) => boolean): string {
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (key === '' || encodeCursor(key) !== cursor || !isKey(key)) {
    throw new InvalidCursorError(
      'invalid cursor: it must be the next_cursor of a previous page, passed unchanged',
    );
  }
  return key;
}

/**
 * A page of `rows` fetched with one row more than `limit`: the extra row, when present, proves
 * another page exists, and the last kept row's key becomes the next cursor.
 */
export function pageOf<T>(rows: T[], limit: number, keyOf: (row: T) => string) {
  const kept = rows.slice(0, limit);
  const last = kept.at(-1);
  const next_cursor = rows.length > limit && last ? encodeCursor(keyOf(last)) : null;
  return { rows: kept, next_cursor };
}

export function requirePositiveLimit(limit: number) {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`limit must be a positive integer, got ${limit}`);
  }
}

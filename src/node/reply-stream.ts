// Replies that grow with the store (listings, lookups, sync pages), made a piece at a time: JSON text is
// produced lazily, about CHUNK_BYTES per piece, and the server writes one piece per turn of the event loop
// and only while the socket drains. A reply then holds one piece and a cursor in memory, never the whole
// listing, and no single reply keeps the event loop busy for long.

/** About how much JSON text one piece of a reply holds. */
export const CHUNK_BYTES = 64 * 1024;

/** `head`, the items' JSON joined by commas, then `tail()` (called at the end: it may sum up the items). */
export function* jsonChunks<T>(
  head: string,
  items: Iterable<T>,
  encode: (item: T) => string,
  tail: () => string,
): Generator<string, void, undefined> {
  let chunk = head;
  let first = true;
  for (const item of items) {
    chunk += first ? encode(item) : `,${encode(item)}`;
    first = false;
    if (chunk.length >= CHUNK_BYTES) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk + tail();
}

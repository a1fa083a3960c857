// Message ids in the reference form `<text>_<origin time in ns since the epoch>`.

/** Longest origin-time suffix: 20 digits hold any 64-bit nanosecond count. */
const MAX_NS_DIGITS = 20;

export interface ParsedMessageId {
  text: string;
  originNs: bigint;
}

export function formatMessageId(text: string, originNs: bigint): string {
  return `${text}_${originNs}`;
}

/**
 * Where the text of a well-formed id ends (its LAST underscore, as the reference client splits), or -1.
 * A scan without regex or BigInt: it runs on every relay line a node receives.
 */
export function messageIdTextEnd(id: string): number {
  const at = id.lastIndexOf('_');
  const digits = id.length - at - 1;
  if (at < 1 || digits < 1 || digits > MAX_NS_DIGITS) return -1;
  for (let index = at + 1; index < id.length; index += 1) {
    const code = id.charCodeAt(index);
    if (code < 48 || code > 57) return -1;
  }
  return at;
}

/** Splits at the LAST underscore, as the reference client does, so texts may contain underscores. */
export function parseMessageId(id: string): ParsedMessageId | undefined {
  const at = messageIdTextEnd(id);
  if (at === -1) return undefined;
  return { text: id.slice(0, at), originNs: BigInt(id.slice(at + 1)) };
}

/** Origin time in ms since the epoch (µs precision), from the ns in an id. */
export function originNsToMs(originNs: bigint): number {
  return Number(originNs / 1000n) / 1000;
}

/** Orders ids by origin time, then by id, so every listing is stable. */
export function compareMessageIds(a: string, b: string): number {
  const pa = parseMessageId(a)?.originNs ?? 0n;
  const pb = parseMessageId(b)?.originNs ?? 0n;
  if (pa !== pb) return pa < pb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

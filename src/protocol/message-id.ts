// Message ids in the reference form `<text>_<origin time in ns since the epoch>`.

const ID_PATTERN = /^([\s\S]+)_(\d{1,20})$/;

export interface ParsedMessageId {
  text: string;
  originNs: bigint;
}

export function formatMessageId(text: string, originNs: bigint): string {
  return `${text}_${originNs}`;
}

/** Splits at the LAST underscore, as the reference client does, so texts may contain underscores. */
export function parseMessageId(id: string): ParsedMessageId | undefined {
  const match = ID_PATTERN.exec(id);
  if (match === null) return undefined;
  const [, text, ns] = match;
  if (text === undefined || ns === undefined) return undefined;
  return { text, originNs: BigInt(ns) };
}

/** Orders ids by origin time, then by id, so every listing is stable. */
export function compareMessageIds(a: string, b: string): number {
  const pa = parseMessageId(a)?.originNs ?? 0n;
  const pb = parseMessageId(b)?.originNs ?? 0n;
  if (pa !== pb) return pa < pb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

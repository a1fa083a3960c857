// Encodes the lines one node sends another. Built once per relay decision and written to every target.

export function encodeRelay(relays: number, id: string, path: readonly number[]): string {
  return `/RELAY:${relays}|${JSON.stringify([id, path])}\n`;
}

/** First line on a peer link: tells the peer who we are, so it can dial us back at once. */
export function encodeHello(nodeId: number): string {
  return `/HELLO:${nodeId}\n`;
}

export function encodeNew(relays: number, text: string): string {
  return `/NEW:${relays}|${text}\n`;
}

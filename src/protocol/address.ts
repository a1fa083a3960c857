// A node's address on the wire: `<id>@<host>:<port>` in peer lists, `<host>:<port>` in HELLO and WALK.

export interface PeerAddress {
  readonly id: number;
  readonly host: string;
  readonly port: number;
}

export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

const HOST_PORT = /^(\[[^\]]+\]|[^:@\s[\]]+):(\d{1,5})$/;

export function parseHostPort(text: string): { host: string; port: number } | undefined {
  const match = HOST_PORT.exec(text.trim());
  const port = Number(match?.[2]);
  if (match === null || !Number.isInteger(port) || port < 1 || port > 65_535) return undefined;
  return { host: (match[1] ?? '').replace(/^\[|\]$/g, ''), port };
}

/** An IPv4 or IPv6 literal (a cheap test: no regular expression over a whole IPv6 grammar). */
function isIpLiteral(host: string): boolean {
  return host.includes(':') || /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
}

/**
 * Whether two addresses may name the same listener: the same port, and the same host or a host given by name
 * on either side (`localhost` and `127.0.0.1`, a compose service name and its IP: nothing is resolved here, so
 * a name never contradicts an address).
 */
export function mayBeSameAddress(
  a: { host: string; port: number },
  b: { host: string; port: number },
): boolean {
  return a.port === b.port && (a.host === b.host || !isIpLiteral(a.host) || !isIpLiteral(b.host));
}

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

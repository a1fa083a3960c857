// `--hosts`: one address per node, as separate hosts would be. Accepts a range of IPv4 addresses
// (`127.0.0.2-127.0.0.17`) or a comma-separated list (`10.0.0.5,10.0.0.9,node3`).

import net from 'node:net';
import { GossipError } from '../errors.js';

/** Most addresses a range may expand to. */
const MAX_HOSTS = 1000;

export function parseHosts(text: string): string[] {
  const range = /^(\d+\.\d+\.\d+\.\d+)-(\d+\.\d+\.\d+\.\d+)$/.exec(text.trim());
  if (range !== null) {
    const first = ipv4ToNumber(range[1] ?? '');
    const last = ipv4ToNumber(range[2] ?? '');
    if (first === undefined || last === undefined || last < first || last - first >= MAX_HOSTS) {
      throw badHosts(
        text,
        `a range runs from a lower to a higher IPv4 address, at most ${MAX_HOSTS} of them`,
      );
    }
    return Array.from({ length: last - first + 1 }, (_, index) => numberToIpv4(first + index));
  }
  const hosts = text.split(',').map((host) => host.trim());
  if (hosts.some((host) => host === '' || (/[\s:@]/.test(host) && net.isIP(host) !== 6))) {
    throw badHosts(text, 'give a range like 127.0.0.2-127.0.0.17 or a list like 10.0.0.5,10.0.0.6');
  }
  if (new Set(hosts).size !== hosts.length) throw badHosts(text, 'an address is listed twice');
  return hosts;
}

/** The address after the highest IPv4 address in use, for a node added to a --hosts network. */
export function nextHost(hosts: readonly string[]): string | undefined {
  const numbers = hosts.map(ipv4ToNumber).filter((value) => value !== undefined);
  return numbers.length === hosts.length && numbers.length > 0
    ? numberToIpv4(Math.max(...numbers) + 1)
    : undefined;
}

function ipv4ToNumber(text: string): number | undefined {
  if (net.isIPv4(text) === false) return undefined;
  return text.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
}

function numberToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

function badHosts(text: string, why: string): GossipError {
  return new GossipError('GOSSIP_ERR_BAD_ARGUMENT', `--hosts "${text}" is not usable: ${why}`);
}

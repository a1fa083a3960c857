// node:tls, loaded on first use: a node without certificates never loads it (measured: ~0.4 MiB less resident
// memory per idle node, docs/BENCHMARKS.md). Types come from a type-only import, which loads nothing.

import { createRequire } from 'node:module';
import type * as Tls from 'node:tls';

let loaded: typeof Tls | undefined;

export function nodeTls(): typeof Tls {
  loaded ??= createRequire(import.meta.url)('node:tls') as typeof Tls;
  return loaded;
}

/** Whether TLS was ever used in this process: before that, no socket can be a TLS socket. */
export function tlsLoaded(): typeof Tls | undefined {
  return loaded;
}

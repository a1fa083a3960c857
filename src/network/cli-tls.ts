// Which certificate the CLI dials a network's nodes with: the client certificate recorded in the state
// file of a network started with --tls, else GOSSIP_TLS_CERT, GOSSIP_TLS_KEY and GOSSIP_TLS_CA (--via, in a
// container, or nodes started by hand), else none (plain TCP). Checked before anything is dialled.

import { loadTlsMaterial, type TlsFiles, tlsFilesFromEnv } from '../tls/material.js';
import { type ClientTls, clientTls } from '../tls/secure-context.js';
import type { HomePaths } from './home.js';
import { clientTlsFiles } from './network-tls.js';
import { readState } from './state.js';

export async function cliTlsFiles(
  paths: HomePaths,
  options: { via: boolean; env?: NodeJS.ProcessEnv | undefined },
): Promise<TlsFiles | undefined> {
  // --via names nodes through a node's member table, not this home's state: those nodes are elsewhere.
  const state = options.via ? undefined : await readState(paths).catch(() => undefined);
  if (state?.tls !== undefined) return clientTlsFiles(state.tls);
  return tlsFilesFromEnv(options.env ?? process.env);
}

export async function cliTls(
  paths: HomePaths,
  options: { via: boolean; env?: NodeJS.ProcessEnv | undefined },
): Promise<ClientTls | undefined> {
  const files = await cliTlsFiles(paths, options);
  return files === undefined ? undefined : clientTls(loadTlsMaterial(files));
}

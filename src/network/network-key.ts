// The cluster key of a network, for the commands that must authenticate to its nodes (remove-node): the
// key file recorded at start-network, else GOSSIP_CLUSTER_KEY_FILE or GOSSIP_CLUSTER_KEY, else none.

import type { RequestAuth } from '../client/request.js';
import { loadClusterKey } from '../cluster-key.js';
import type { NetworkState } from './state.js';

/** The name the CLI authenticates as; nodes log it. */
const CLI_IDENTITY = 'cli';

export function networkKey(state: Pick<NetworkState, 'clusterKeyFile'>): Buffer | undefined {
  if (state.clusterKeyFile !== undefined) return loadClusterKey({ file: state.clusterKeyFile });
  // No state file (--via, in a container): the key the environment gives nodes there.
  const file = process.env.GOSSIP_CLUSTER_KEY_FILE;
  return loadClusterKey({ file: file === '' ? undefined : file, value: process.env.GOSSIP_CLUSTER_KEY });
}

/** How the CLI authenticates to node `to`, if the network has a key. */
export function cliAuth(key: Buffer | undefined, to: number): RequestAuth | undefined {
  return key === undefined ? undefined : { key, who: CLI_IDENTITY, to };
}

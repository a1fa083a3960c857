// Before a command that talks to a network's nodes: dial them with the network's client certificate, if
// it has one (see network/cli-tls.ts for where it comes from).

import { useClientTls } from '../client/client-tls.js';
import { cliTls } from '../network/cli-tls.js';
import { homePaths, resolveHome } from '../network/home.js';

export async function useNetworkTls(options: { home: unknown; via: boolean }): Promise<void> {
  useClientTls(await cliTls(homePaths(resolveHome(options.home)), { via: options.via }));
}

// Which certificate the CLI dials with: the client certificate a --tls network recorded in its state, else
// GOSSIP_TLS_* (always with --via, which reads no state file), else none.

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliTlsFiles } from '../../src/network/cli-tls.js';
import { homePaths } from '../../src/network/home.js';
import { networkTlsPaths } from '../../src/network/network-tls.js';
import { type NetworkState, writeState } from '../../src/network/state.js';

let dir: string;
const env = { GOSSIP_TLS_CERT: '/env/c.crt', GOSSIP_TLS_KEY: '/env/c.key', GOSSIP_TLS_CA: '/env/ca.crt' };

function state(tls: NetworkState['tls']): NetworkState {
  return {
    version: 1,
    startedAt: new Date(0).toISOString(),
    topology: { description: 'ring', seed: 1, maxPeers: 3, edges: [], diameter: null },
    relays: 1,
    basePort: 7000,
    hostsMode: false,
    logLevel: 'info',
    insecure: false,
    ...(tls === undefined ? {} : { tls }),
    nodes: [],
  };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'gossip-cli-tls-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('cliTlsFiles', () => {
  it('takes the client certificate a --tls network recorded, over the environment', async () => {
    const paths = homePaths(path.join(dir, 'tls-home'));
    await writeState(paths, state(networkTlsPaths(paths.tlsDir)));
    expect(await cliTlsFiles(paths, { via: false, env })).toEqual({
      cert: path.join(paths.tlsDir, 'client.crt'),
      key: path.join(paths.tlsDir, 'client.key'),
      ca: path.join(paths.tlsDir, 'ca.crt'),
    });
    // --via names nodes elsewhere: the environment's certificate, not this home's.
    expect(await cliTlsFiles(paths, { via: true, env })).toEqual({
      cert: '/env/c.crt',
      key: '/env/c.key',
      ca: '/env/ca.crt',
    });
  });

  it('takes GOSSIP_TLS_* without a state file or with a plain network, and none without them', async () => {
    const none = homePaths(path.join(dir, 'no-home'));
    expect(await cliTlsFiles(none, { via: false, env })).toMatchObject({ cert: '/env/c.crt' });
    expect(await cliTlsFiles(none, { via: false, env: {} })).toBeUndefined();
    const plain = homePaths(path.join(dir, 'plain-home'));
    await writeState(plain, state(undefined));
    expect(await cliTlsFiles(plain, { via: false, env: {} })).toBeUndefined();
    await expect(cliTlsFiles(plain, { via: false, env: { GOSSIP_TLS_KEY: '/k' } })).rejects.toThrow(
      'GOSSIP_TLS_CERT and GOSSIP_TLS_CA are not set',
    );
  });
});

// The default fsync policy (interval) against a crash: a node acknowledges /NEW once the record is written,
// before any fdatasync; killed with SIGKILL right after the last acknowledgement, it restarts with every
// acknowledged message (a process crash keeps what the kernel was given; only power loss would not).

import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchMessages } from '../../src/client/node-client.js';
import { DaemonPool } from '../helpers/daemons.js';
import { allocatePortRange } from '../helpers/ports.js';
import { RawClient } from '../helpers/wire.js';

const pool = new DaemonPool();
afterEach(() => pool.cleanup());

describe('acknowledged messages under --fsync interval', () => {
  it('all survive a kill -9 right after the last acknowledgement', async () => {
    const port = (await allocatePortRange(1)) + 1;
    const dataDir = path.join(await pool.tempDir(), 'data');
    // A long interval: the kill comes before any fdatasync could have run.
    const args = ['--data-dir', dataDir, '--fsync', 'interval', '--fsync-interval-ms', '60000'];
    const node = await pool.start({ id: 1, port, peers: [], extraArgs: args });
    const client = await RawClient.connect(port);
    await client.write(Array.from({ length: 300 }, (_, index) => `/NEW:1|acked ${index}\n`).join(''));
    const replies = await client.waitLines(300, 20_000);
    node.kill('SIGKILL');
    await node.exited;
    const acked = replies.map((reply) => reply.id as string);
    expect(acked.every((id) => typeof id === 'string')).toBe(true);

    const again = await pool.start({ id: 1, port, peers: [], extraArgs: args });
    const listing = await fetchMessages({ host: '127.0.0.1', port: again.port }, 'all', 'all');
    expect(listing.messages.map((message) => message.id).sort()).toEqual([...acked].sort());
    client.destroy();
  });
});

// The acknowledgement of /NEW waits for the journal: whatever the fsync policy makes appendDurable wait
// for, the reply line is not made before it resolves, and says so when it fails. A real GossipNode and the
// real request handler; the journal is a stand-in whose promise the test settles.

import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Persistence } from '../../src/node/delivery.js';
import type { GossipNode } from '../../src/node/gossip-node.js';
import { handleRequest, type Reply } from '../../src/node/handle-request.js';
import type { InboundConnection } from '../../src/node/inbound-links.js';
import { Journal } from '../../src/node/journal.js';
import { unstartedNode } from '../helpers/lone-node.js';

const nodeWith = (persistence: Persistence): GossipNode => unstartedNode({ persistence });

const client: InboundConnection = {
  peerId: undefined,
  authenticated: false,
  keyedAs: undefined,
  fromLoopback: true,
  becamePeer: () => {},
  destroy: () => {},
};

describe('the /NEW acknowledgement', () => {
  it('is made only once the journal kept the record', async () => {
    const durable: string[] = [];
    let keep: (() => void) | undefined;
    const node = nodeWith({
      appendLine: () => {},
      appendArrival: () => {},
      appendDurableLine: (line) => {
        durable.push(line);
        return new Promise<void>((resolve) => {
          keep = resolve;
        });
      },
    });
    let replied: Reply | undefined;
    const reply = handleRequest(node, { type: 'new', relays: 1, text: 'kept first' }, client);
    expect(reply).toBeInstanceOf(Promise);
    void (reply as Promise<Reply>).then((ready) => {
      replied = ready;
    });
    // The record went to the journal at once, the message is held, and still no acknowledgement.
    expect(durable.map((line) => JSON.parse(line).k)).toEqual(['m']);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(replied).toBeUndefined();
    keep?.();
    await reply;
    expect(JSON.parse(replied?.text ?? '{}')).toMatchObject({
      id: expect.stringMatching(/^kept first_\d+$/),
      node: 1,
    });
  });

  it('is made in the same call when the journal wrote the record at once (interval, never)', async () => {
    for (const fsync of ['interval', 'never'] as const) {
      const directory = await mkdtemp(path.join(os.tmpdir(), 'gossip-ack-'));
      try {
        const file = path.join(directory, 'journal.ndjson');
        const { journal } = await Journal.open(file, { fsync });
        const node = nodeWith(journal);
        const reply = handleRequest(node, { type: 'new', relays: 1, text: `at once ${fsync}` }, client);
        expect(reply).not.toBeInstanceOf(Promise);
        const { id } = JSON.parse((reply as Reply).text) as { id: string };
        // Already in the file when the acknowledgement is made.
        expect(readFileSync(file, 'utf8')).toContain(JSON.stringify(id));
        await journal.close();
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    }
  });

  it('says the message was relayed but not kept when the journal fails', async () => {
    const node = nodeWith({
      appendLine: () => {},
      appendArrival: () => {},
      appendDurableLine: () => Promise.reject(new Error('disk full')),
    });
    const reply = await (handleRequest(
      node,
      { type: 'new', relays: 1, text: 'lost' },
      client,
    ) as Promise<Reply>);
    expect(JSON.parse(reply.text)).toMatchObject({
      code: 'UNAVAILABLE',
      error: expect.stringMatching(/disk full/),
    });
  });
});

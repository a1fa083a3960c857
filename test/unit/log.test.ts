// The node's logger: what it logged before stopping reaches the file, in the order it was logged.

import { pbkdf2 } from 'node:crypto';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { waitFor } from '../helpers/wait-for.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

const linesOf = async (file: string): Promise<Array<{ msg: string; nodeId: number }>> =>
  (await readFile(file, 'utf8'))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { msg: string; nodeId: number });

describe('createLogger', () => {
  it('writes every line, in order, when closed while a write is still waiting for the disk', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gossip-log-'));
    const file = path.join(dir, 'node.log');
    const log = createLogger({ file, level: 'info', nodeId: 7 });
    await waitFor(() => access(file).then(() => true), { what: 'the log file to be opened' });
    // libuv's thread pool kept busy: the log's asynchronous write waits in its queue, as on a loaded machine.
    const busy = Array.from(
      { length: 8 },
      () => new Promise((resolve) => pbkdf2('x', 'y', 200_000, 32, 'sha256', resolve)),
    );
    log.logger.info('node.stopping');
    log.logger.info('node.stopped');
    await log.close();
    // A late event after the close is dropped, never a throw out of an event handler.
    expect(() => log.logger.info('too late')).not.toThrow();
    await Promise.all(busy);
    const lines = await waitFor(
      async () => {
        const got = await linesOf(file);
        return got.length >= 2 ? got : undefined;
      },
      { what: 'both lines in the file' },
    );
    expect(lines.map((line) => line.msg)).toEqual(['node.stopping', 'node.stopped']);
    expect(lines.every((line) => line.nodeId === 7)).toBe(true);
  });
});

// `gossip logs <node> [-f]`: the node's NDJSON log, pretty-printed; -f follows it until interrupted.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { GossipError } from '../../errors.js';
import { homePaths, resolveHome } from '../../network/home.js';
import { resolveNode } from '../../network/resolve-node.js';
import { prettyLogLine } from '../format/log-line.js';

const FOLLOW_POLL_MS = 200;

export async function logsCommand(node: string, options: Record<string, unknown>): Promise<void> {
  const target = await resolveNode(homePaths(resolveHome(options.home)), node);
  const file = target.entry?.logFile;
  if (file === undefined)
    throw new GossipError('GOSSIP_ERR_UNKNOWN_NODE', `logs needs a node of this network, not ${node}`);
  const size = await stat(file).then(
    (info) => info.size,
    () => {
      throw new GossipError('GOSSIP_ERR_STATE', `no log file yet at ${file}`);
    },
  );
  const print = (line: string): void => {
    if (line !== '') process.stdout.write(`${options.json === true ? line : prettyLogLine(line)}\n`);
  };
  let offset = await printRange(file, 0, size, print);
  if (options.follow !== true) return;
  let stop = false;
  process.once('SIGINT', () => {
    stop = true;
  });
  while (!stop) {
    await sleep(FOLLOW_POLL_MS);
    const current = await stat(file).then(
      (info) => info.size,
      () => offset,
    );
    if (current < offset) offset = 0; // the log was replaced by a new network
    if (current > offset) offset = await printRange(file, offset, current, print);
  }
}

/** Prints whole lines between two byte offsets; returns the offset after the last whole line. */
async function printRange(
  file: string,
  start: number,
  end: number,
  print: (line: string) => void,
): Promise<number> {
  if (end <= start) return start;
  let carry = '';
  let consumed = start;
  for await (const chunk of createReadStream(file, { start, end: end - 1, encoding: 'utf8' })) {
    const text = carry + (chunk as string);
    const lines = text.split('\n');
    carry = lines.pop() ?? '';
    for (const line of lines) {
      print(line);
      consumed += Buffer.byteLength(line) + 1;
    }
  }
  return consumed;
}

// The dashboard's event log: every event of every node, one JSON line each, in the network's logs
// directory (a new network starts a new log). It is what lets a past message be replayed later.
// Lines read back are validated like network input: the file may be cut short or edited.

import { createReadStream, createWriteStream, openSync, renameSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { z } from 'zod';
import type { Arrival } from '../propagation/tree.js';
import { type FeedEvent, feedEventSchema } from './model/feed-events.js';

/** Past this size the log moves to `<file>.1` (replacing an older one) and a new one starts. */
export const MAX_EVENT_LOG_BYTES = 256 * 1024 * 1024;

const headerSchema = z.object({ event: z.literal('log.opened'), network: z.string() });

export class EventLog {
  private stream: Writable;
  private bytes: number;
  /** Settles once the stream of the rotated file wrote everything it held. */
  private rotated: Promise<void> = Promise.resolve();

  private constructor(
    readonly file: string,
    private readonly network: string,
    bytes: number,
    private readonly maxBytes: number,
  ) {
    this.bytes = bytes;
    this.stream = this.openStream(bytes === 0);
  }

  /** Opens the log of `network` (its start time): appends to it, or starts afresh if it is another's. */
  static async open(file: string, network: string, maxBytes = MAX_EVENT_LOG_BYTES): Promise<EventLog> {
    const header = headerSchema.safeParse(safeJson(await readFirstLine(file)));
    const ours = header.success && header.data.network === network;
    const bytes = ours ? await stat(file).then((info) => info.size) : 0;
    return new EventLog(file, network, bytes, maxBytes);
  }

  append(event: FeedEvent): void {
    this.write(`${JSON.stringify(event)}\n`);
  }

  /**
   * Every event in the log (the rotated part first), skipping lines that are not events. With `mentions`, only
   * lines holding that text are parsed at all (a line names an id as JSON does, so pass JSON.stringify(id)).
   */
  async *read(mentions?: string): AsyncGenerator<FeedEvent> {
    await this.rotated;
    await new Promise<void>((resolve) => this.stream.write('', () => resolve()));
    for (const file of [`${this.file}.1`, this.file]) {
      const input = createReadStream(file, { encoding: 'utf8' });
      const opened = await new Promise<boolean>((resolve) => {
        input.once('ready', () => resolve(true));
        input.once('error', () => resolve(false));
      });
      if (!opened) continue;
      for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
        if (mentions !== undefined && !line.includes(mentions)) continue;
        const parsed = feedEventSchema.safeParse(safeJson(line));
        if (parsed.success) yield parsed.data;
      }
    }
  }

  /** The arrivals of one message recorded in the log. */
  async arrivals(id: string): Promise<Arrival[]> {
    const arrivals: Arrival[] = [];
    for await (const event of this.read(JSON.stringify(id))) {
      if (event.event === 'message.delivered' && event.id === id)
        arrivals.push({ node: event.node, path: event.path, atMs: event.atMs, via: event.via });
    }
    return arrivals;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(() => resolve()));
  }

  private write(line: string): void {
    const size = Buffer.byteLength(line);
    if (this.bytes + size > this.maxBytes) this.rotate();
    this.stream.write(line);
    this.bytes += size;
  }

  /** Renaming an open file is safe: what the old stream still holds goes to the rotated file. */
  private rotate(): void {
    try {
      renameSync(this.file, `${this.file}.1`);
    } catch {
      // Nothing to rotate (the file was deleted): start afresh all the same.
    }
    const old = this.stream;
    this.rotated = new Promise((resolve) => old.end(() => resolve()));
    this.bytes = 0;
    this.stream = this.openStream(true);
  }

  /** Opened synchronously, so a rotation's rename always moves a file that its stream already holds. */
  private openStream(fresh: boolean): Writable {
    let stream: Writable;
    try {
      const fd = openSync(this.file, fresh ? 'w' : 'a');
      stream = createWriteStream(this.file, { fd });
    } catch {
      // A log that cannot be written (home deleted, disk full) must not stop the dashboard.
      stream = new Writable({ write: (_chunk, _encoding, done) => done() });
    }
    stream.on('error', () => {});
    if (fresh) {
      const header = `${JSON.stringify({ event: 'log.opened', network: this.network, atMs: Date.now() })}\n`;
      stream.write(header);
      this.bytes += Buffer.byteLength(header);
    }
    return stream;
  }
}

/** The header line is short: the first 4 KiB hold it (a log of another kind does not matter). */
async function readFirstLine(file: string): Promise<string> {
  const handle = await open(file, 'r').catch(() => undefined);
  if (handle === undefined) return '';
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8');
    return text.slice(0, text.indexOf('\n') + 1);
  } finally {
    await handle.close();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

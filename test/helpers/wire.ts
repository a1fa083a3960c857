// A raw client that keeps its connection and everything the node says on it, for tests that talk to a node
// the way hostile or broken clients do (pipelined, slow, never reading, closing halfway), and the node's
// memory as the kernel sees it.

import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { waitFor } from './wait-for.js';

export interface WireReply {
  error?: string;
  code?: string;
  [key: string]: unknown;
}

export class RawClient {
  readonly socket: net.Socket;
  /** Every complete line the node sent, in order. */
  readonly lines: string[] = [];
  /** Resolves once the node (or we) closed the connection. */
  readonly closed: Promise<void>;
  private partial = '';
  private ended = false;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      const parts = (this.partial + chunk.toString('utf8')).split('\n');
      this.partial = parts.pop() ?? '';
      this.lines.push(...parts);
    });
    socket.on('error', () => {
      // A reset is one way for the node to close; `closed` reports it.
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.ended = true;
        resolve();
      }),
    );
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      socket.once('connect', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  get isClosed(): boolean {
    return this.ended;
  }

  /** Whatever arrived after the last newline (a reference reply, or a line cut short). */
  get rest(): string {
    return this.partial;
  }

  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) resolve();
      else this.socket.write(data, () => resolve());
    });
  }

  /** The parsed reply lines. */
  replies(): WireReply[] {
    return this.lines.map((line) => JSON.parse(line) as WireReply);
  }

  /** Waits until at least `count` lines arrived. */
  async waitLines(count: number, timeoutMs = 10_000): Promise<WireReply[]> {
    await waitFor(() => this.lines.length >= count || undefined, {
      timeoutMs,
      what: `${count} reply lines (got ${this.lines.length})`,
    });
    return this.replies();
  }

  /** Waits for the node to close the connection. */
  async waitClosed(timeoutMs = 10_000): Promise<void> {
    await waitFor(() => this.ended || undefined, { timeoutMs, what: 'the node to close the connection' });
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Resident memory of a process, from /proc. */
export async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) * 1024;
}

/** The error codes among reply lines, in order. */
export function errorCodes(replies: readonly WireReply[]): string[] {
  return replies.flatMap((reply) => (typeof reply.code === 'string' ? [reply.code] : []));
}

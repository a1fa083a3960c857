// Writes one connection's replies: in request order, even when one waits for the disk (/NEW); a reply that
// grows with the store a piece at a time, one piece per turn of the event loop and only while the socket
// drains (see reply-stream.ts). While the client has not read what it was sent (more than maxBufferBytes
// waiting) or a long reply is being written, the connection's next lines must wait: `holding` says so, and
// `release` runs when they may go on.

import type net from 'node:net';
import type { Reply } from './handle-request.js';

export interface ReplyWriterOptions {
  /** Unread reply bytes past which the connection's lines wait (the node stops reading from it). */
  maxBufferBytes: number;
  /** Called in request order just before a reply is written (subscriptions, refusal logs). */
  onWrite(reply: Reply): void;
  /** Writes a one-line reply (through a link fault, on a peer's link). */
  transmit(text: string, write: (text: string) => void): void;
  /** The client stopped reading: lines wait until it reads. */
  onFull(): void;
  /** The client read some of what it was sent. */
  onDrain(): void;
  /** Lines may be handled again. */
  release(): void;
}

export class ReplyWriter {
  /** Settles once every reply handed over so far has been written. */
  private outbox: Promise<void> | undefined;
  private full = false;
  private pumping = false;
  private closingValue = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly options: ReplyWriterOptions,
  ) {
    socket.on('drain', () => {
      options.onDrain();
      if (!this.full) return;
      this.full = false;
      if (!this.pumping) options.release();
    });
  }

  /** Lines wait: the client is behind, or a long reply is being written. */
  get holding(): boolean {
    return this.full || this.pumping;
  }

  /** A reply closed the connection (or is about to, once it is written). */
  get closing(): boolean {
    return this.closingValue;
  }

  send(reply: Reply | Promise<Reply>): void {
    if (this.outbox === undefined && !(reply instanceof Promise)) {
      const writing = this.write(reply);
      if (writing !== undefined) this.track(writing);
      return;
    }
    const previous = this.outbox ?? Promise.resolve();
    this.track(previous.then(() => reply).then((ready) => this.write(ready)));
  }

  private track(writing: Promise<void>): void {
    this.outbox = writing;
    void writing.finally(() => {
      if (this.outbox === writing) this.outbox = undefined;
    });
  }

  /** Writes a reply; a promise while the rest of a long one is still being written. */
  private write(reply: Reply): Promise<void> | undefined {
    const { socket } = this;
    if (this.closingValue || socket.destroyed) return undefined;
    this.options.onWrite(reply);
    if (reply.rest !== undefined) {
      if (reply.text !== '') socket.write(reply.text);
      return this.pump(reply.rest, reply.close, reply.after);
    }
    if (reply.close) {
      this.closingValue = true;
      socket.end(reply.text, reply.after);
      return undefined;
    }
    this.options.transmit(reply.text, (text) => {
      if (socket.destroyed) return;
      socket.write(text, reply.after);
      this.checkFull();
    });
    return undefined;
  }

  private pump(rest: Iterator<string>, close: boolean, after: (() => void) | undefined): Promise<void> {
    const { socket } = this;
    this.pumping = true;
    return new Promise((resolve) => {
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        socket.off('close', finish);
        this.pumping = false;
        if (close && !socket.destroyed) {
          this.closingValue = true;
          socket.end(after);
        } else after?.();
        resolve();
        this.checkFull();
        if (!this.full) this.options.release();
      };
      const step = (): void => {
        if (done) return;
        if (socket.writableLength > this.options.maxBufferBytes && !socket.destroyed) {
          socket.once('drain', step);
          return;
        }
        const next = socket.destroyed ? undefined : rest.next();
        if (next === undefined || next.done === true) {
          finish();
          return;
        }
        socket.write(next.value);
        setImmediate(step);
      };
      // A client that goes away mid-reply ends it: no 'drain' will come.
      socket.once('close', finish);
      step();
    });
  }

  private checkFull(): void {
    if (this.full || this.socket.writableLength <= this.options.maxBufferBytes) return;
    this.full = true;
    this.options.onFull();
  }
}

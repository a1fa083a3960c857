// The live feed to open pages, as Server-Sent Events: the state first, then events in batches (a busy
// network makes thousands a second; a page wants a few updates a second), and the counters each second.
// A page that stops reading is cut off past a backlog cap; its browser reconnects and starts from the state.

import type { ServerResponse } from 'node:http';
import type { FeedEvent } from './model/feed-events.js';

/** Events reach the pages in batches this often. */
export const PAGE_FLUSH_MS = 100;
/** A page whose unread backlog passes this is disconnected (its EventSource reconnects and resyncs). */
export const MAX_PAGE_BACKLOG_BYTES = 8 * 1024 * 1024;
/** A batch longer than this is not sent: the pages are disconnected, and reconnect to a fresh state. */
export const MAX_BATCH_EVENTS = 20_000;
/** How soon a browser reconnects after losing the stream. */
const RECONNECT_MS = 500;

export class PageStreams {
  private readonly pages = new Set<ServerResponse>();
  private batch: FeedEvent[] = [];
  private overflowed = false;
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.timer = setInterval(() => this.flush(), PAGE_FLUSH_MS);
  }

  get size(): number {
    return this.pages.size;
  }

  /** Starts an event stream on a response, with the current state as its first message. */
  open(response: ServerResponse, state: unknown): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    response.write(`retry: ${RECONNECT_MS}\n\n`);
    response.write(message('state', state));
    this.pages.add(response);
    response.on('close', () => this.pages.delete(response));
  }

  push(event: FeedEvent): void {
    if (this.pages.size === 0) return;
    if (this.batch.length >= MAX_BATCH_EVENTS) {
      this.overflowed = true;
      this.batch = [];
    }
    if (!this.overflowed) this.batch.push(event);
  }

  /** Sends a message of its own kind to every page now (counters, a network reset). */
  broadcast(kind: string, data: unknown): void {
    if (this.pages.size === 0) return;
    this.send(message(kind, data));
  }

  close(): void {
    clearInterval(this.timer);
    for (const page of this.pages) page.end();
    this.pages.clear();
  }

  private flush(): void {
    if (this.overflowed) {
      this.overflowed = false;
      for (const page of this.pages) page.end();
      this.pages.clear();
      return;
    }
    if (this.batch.length === 0) return;
    const text = message('events', this.batch);
    this.batch = [];
    this.send(text);
  }

  private send(text: string): void {
    for (const page of this.pages) {
      if (page.writableLength > MAX_PAGE_BACKLOG_BYTES) page.destroy();
      else page.write(text);
    }
  }
}

function message(kind: string, data: unknown): string {
  return `event: ${kind}\ndata: ${JSON.stringify(data)}\n\n`;
}

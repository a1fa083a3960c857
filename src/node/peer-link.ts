// One persistent outbound TCP link to a peer. A new connection first says its greeting (HELLO) and is up
// only once the peer accepted it (accept()), so the peer never sees a relay before it has checked who we
// are. Lines sent in the same tick are joined into one string and written once when the tick ends (nothing
// waits for a later loop phase, and the socket sees one write instead of one per line); while the peer is
// down, not yet accepting or congested they wait in a bounded queue; a lost link is re-dialled with capped
// exponential backoff plus jitter.

import net from 'node:net';
import { formatHostPort, type PeerAddress } from '../protocol/address.js';
import { LineSplitter } from '../protocol/framing.js';
import { type DialOptions, readyEvent } from '../tls/dial.js';

export type { PeerAddress };

export type LinkState = 'connecting' | 'up' | 'down';

export interface PeerLinkOptions {
  /** The first line(s) written on every new connection (our /AUTH, if keyed, and /HELLO), made afresh each time. */
  greeting: () => string;
  /** Most lines held for a peer that is down or congested; beyond it lines are dropped and counted. */
  maxQueue: number;
  /** Most bytes held for it, likewise (default DEFAULT_MAX_QUEUE_BYTES). */
  maxQueueBytes?: number | undefined;
  backoffMinMs: number;
  backoffMaxMs: number;
  /** A connect that has not completed in this time is abandoned and retried (a cut link drops SYNs). */
  connectTimeoutMs: number;
  /** A connection the peer has not accepted in this time is abandoned and retried (default HANDSHAKE_TIMEOUT_MS). */
  handshakeTimeoutMs?: number | undefined;
  /** Connect from this local address (the node's own host), so links leave from where the node lives. */
  localAddress?: string | undefined;
  /** Opens the connection (over TLS with the node's certificate, on a TLS node); default: plain TCP. */
  dial?: ((options: DialOptions) => net.Socket) | undefined;
  random: () => number;
  /**
   * Link faults (faults/): every line written on the link passes here and is delivered now, later or never.
   * Absent: lines go straight to the socket.
   */
  shape?: ((line: string, deliver: (line: string) => void) => void) | undefined;
}

export interface PeerLinkHooks {
  up(peer: PeerAddress): void;
  down(peer: PeerAddress, reason: string, wasUp: boolean): void;
  overflow(peer: PeerAddress, dropped: number): void;
  /** A line the peer sent back on our link (an error reply to something we sent). */
  reply(peer: PeerAddress, line: string): void;
}

/** Default bound of a peer's outbound queue, in lines. */
export const DEFAULT_MAX_QUEUE = 100_000;
/** Default bound of a peer's outbound queue, in bytes; the socket may hold as much again once it drains. */
export const DEFAULT_MAX_QUEUE_BYTES = 32 * 1024 * 1024;
/** First reconnect delay; doubled per failed attempt up to the cap. */
export const RECONNECT_MIN_MS = 50;
/** Cap on the reconnect delay, so a peer that comes back is reached within about this long. */
export const RECONNECT_MAX_MS = 2_000;
/** How long a connect may take before it is abandoned and retried. */
export const CONNECT_TIMEOUT_MS = 1_000;
/** How long the peer may take to accept a connection (it checks our HELLO back first). */
export const HANDSHAKE_TIMEOUT_MS = 3_000;
/** Most /PROVE answers one connection writes: a handshake needs one, a stranger's /VERIFY lines get no more. */
const MAX_PROOFS_PER_CONNECTION = 4;
/** Replies on a link (sync pages) may be larger than a request line. */
const MAX_REPLY_LINE_BYTES = 8 * 1024 * 1024;

export class PeerLink {
  private stateValue: LinkState = 'down';
  private socket: net.Socket | undefined;
  private queue: string[] = [];
  private queueBytes = 0;
  /** Lines sent this tick, written together when it ends. */
  private pending = '';
  private congested = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** The connection that completed its TCP connect and awaits accept(), with the proofs it has written. */
  private greeted: { socket: net.Socket; proofs: number } | undefined;

  constructor(
    readonly peer: PeerAddress,
    private readonly options: PeerLinkOptions,
    private readonly hooks: PeerLinkHooks,
  ) {}

  get state(): LinkState {
    return this.stateValue;
  }

  get address(): string {
    return formatHostPort(this.peer.host, this.peer.port);
  }

  /** Lines waiting for the peer (down or congested). */
  get queued(): number {
    return this.queue.length;
  }

  start(): void {
    this.connect();
  }

  /** The peer accepted our HELLO on the current connection: the link is up and what waited is sent. */
  accept(): void {
    const greeted = this.greeted;
    if (greeted === undefined || greeted.socket !== this.socket) return;
    this.greeted = undefined;
    greeted.socket.setTimeout(0);
    this.stateValue = 'up';
    this.attempt = 0;
    this.hooks.up(this.peer);
    this.drainQueue();
  }

  /** Writes a handshake line at once on a connection that awaits acceptance; false when there is none. */
  prove(line: string): boolean {
    const greeted = this.greeted;
    if (greeted === undefined || greeted.proofs >= MAX_PROOFS_PER_CONNECTION) return false;
    greeted.proofs += 1;
    this.writeNow(greeted.socket, line);
    return true;
  }

  send(line: string): void {
    if (this.stateValue === 'up' && !this.congested && this.socket !== undefined) {
      this.emit(this.socket, line);
      return;
    }
    // Counted by length: what a queued line holds in memory (lines are ASCII but for a message's text), and
    // no pass over a line that has not been made flat yet.
    const bytes = line.length;
    if (
      this.queue.length >= this.options.maxQueue ||
      this.queueBytes + bytes > (this.options.maxQueueBytes ?? DEFAULT_MAX_QUEUE_BYTES)
    ) {
      this.hooks.overflow(this.peer, 1);
      return;
    }
    this.queue.push(line);
    this.queueBytes += bytes;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.queue = [];
    this.queueBytes = 0;
    // What was sent this tick still goes (a parting /REMOVE, say), ahead of the end.
    this.socket?.end(this.pending);
    this.pending = '';
    this.socket?.destroy();
    this.socket = undefined;
    this.greeted = undefined;
    this.stateValue = 'down';
  }

  private connect(): void {
    if (this.closed) return;
    this.stateValue = 'connecting';
    const { localAddress } = this.options;
    const socket = (this.options.dial ?? net.connect)({
      host: this.peer.host,
      port: this.peer.port,
      // A peer given by name resolves in the family of the address we send from.
      // (An IP literal with a colon is IPv6; net.isIPv6 would cost a slow regex on every connect.)
      ...(localAddress === undefined ? {} : { localAddress, family: localAddress.includes(':') ? 6 : 4 }),
    });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.setTimeout(this.options.connectTimeoutMs, () => socket.destroy());
    const replies = new LineSplitter(MAX_REPLY_LINE_BYTES, {
      onLine: (line) => this.hooks.reply(this.peer, line),
      onOversize: () => this.hooks.reply(this.peer, '{"error":"oversize reply","code":"LINE_TOO_LONG"}'),
    });
    socket.on(readyEvent(socket), () => {
      // Now the peer checks our HELLO; a peer that never accepts is given up like one that never answers.
      socket.setTimeout(this.options.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS, () => socket.destroy());
      this.congested = false;
      this.greeted = { socket, proofs: 0 };
      this.writeNow(socket, this.options.greeting());
    });
    socket.on('data', (chunk) => replies.push(chunk));
    socket.on('drain', () => {
      this.congested = false;
      this.drainQueue();
    });
    let failure = '';
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // 'close' follows and handles the failure.
      failure = error.code ?? error.message;
    });
    socket.on('close', () => this.onClose(socket, failure));
  }

  private onClose(socket: net.Socket, failure: string): void {
    if (socket !== this.socket) return;
    const wasUp = this.stateValue === 'up';
    const greeted = this.greeted !== undefined;
    this.socket = undefined;
    this.greeted = undefined;
    this.stateValue = 'down';
    // What the socket had accepted is lost with the connection (catch-up repairs that); the queue waits.
    if (this.closed) return;
    const reason = wasUp ? 'connection closed' : greeted ? 'not accepted' : 'connect failed';
    this.hooks.down(this.peer, failure === '' ? reason : `${reason} (${failure})`, wasUp);
    const delay = Math.min(this.options.backoffMaxMs, this.options.backoffMinMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    this.retryTimer = setTimeout(() => this.connect(), delay * (0.5 + this.options.random() * 0.5));
  }

  private drainQueue(): void {
    if (this.queue.length === 0 || this.socket === undefined) return;
    const lines = this.queue;
    this.queue = [];
    this.queueBytes = 0;
    if (this.options.shape === undefined) this.write(this.socket, lines.join(''));
    else for (const line of lines) this.emit(this.socket, line);
  }

  /** A line for this tick's write, through the link's fault if it has one. */
  private emit(socket: net.Socket, line: string): void {
    const { shape } = this.options;
    if (shape === undefined) this.write(socket, line);
    else shape(line, (shaped) => this.write(socket, shaped));
  }

  /** A handshake line, written at once (through the link's fault if it has one). */
  private writeNow(socket: net.Socket, line: string): void {
    const { shape } = this.options;
    if (shape === undefined) socket.write(line);
    else shape(line, (shaped) => socket.destroyed || socket.write(shaped));
  }

  private write(socket: net.Socket, data: string): void {
    if (this.pending === '') process.nextTick(() => this.flush(socket));
    this.pending += data;
  }

  private flush(socket: net.Socket): void {
    const data = this.pending;
    this.pending = '';
    // Lines for a socket that closed meanwhile are lost with it, like what it had accepted (catch-up repairs).
    if (socket === this.socket && !socket.write(data)) this.congested = true;
  }
}

// pino logger factory: NDJSON with the event name in `msg`, written to a file or stdout (no transports, no
// worker threads inside daemons). The lines of one turn of the event loop are handed over together when the
// turn ends: a line logged while a request is handled goes out after its reply (a /NEW's acknowledgement
// does not wait behind a hand-off of its log line to the thread pool), and a busy node hands its log over
// once a turn, not once a line.

import { type Logger, pino } from 'pino';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerHandle {
  logger: Logger;
  /** Writes out everything logged, in order, and closes the log: the last call before the process exits. */
  close(): Promise<void>;
}

export function createLogger(options: {
  file?: string | undefined;
  level: LogLevel;
  nodeId: number;
}): LoggerHandle {
  const destination = pino.destination({
    dest: options.file ?? 1,
    mkdir: true,
    sync: false,
    minLength: 0,
  });
  // A log that cannot be written (disk full, stdout closed) must never take the node down with it.
  let warned = false;
  destination.on('error', (error: Error) => {
    if (warned) return;
    warned = true;
    process.stderr.write(`warning: cannot write the log (${error.message}); the node keeps running\n`);
  });
  const turn = new TurnBuffer((text) => destination.write(text));
  const logger = pino({ level: options.level, base: { nodeId: options.nodeId } }, turn);
  let closing: Promise<void> | undefined;
  return {
    logger,
    // Not flushSync(): while an asynchronous write is on its way it writes the lines after it first, so a
    // node's last lines could land out of order ('node.stopped' before 'node.stopping'). end() waits for it.
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        // A late event logged after this is dropped; a write to the ended stream would throw.
        logger.level = 'silent';
        turn.flush();
        destination.once('close', () => resolve());
        destination.once('error', () => resolve());
        destination.end();
      });
      return closing;
    },
  };
}

/** Collects what is written during one turn of the event loop and passes it on in one piece when it ends. */
class TurnBuffer {
  private pending = '';
  private scheduled = false;

  constructor(private readonly passOn: (text: string) => void) {}

  write(text: string): boolean {
    this.pending += text;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return true;
  }

  flush(): void {
    this.scheduled = false;
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.passOn(text);
  }
}

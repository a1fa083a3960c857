// Splits a byte stream into lines, enforcing a byte cap BEFORE anything is decoded or parsed.
// A line longer than the cap is discarded up to its newline and reported once, so memory stays bounded.

/** Default cap on one line's bytes (without the newline). */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export interface LineHandlers {
  onLine(line: string): void;
  /** A line exceeded the cap; `bytes` is how many bytes of it were seen (at least cap + 1). */
  onOversize(bytes: number): void;
}

export class LineSplitter {
  private readonly chunks: Buffer[] = [];
  private pendingBytes = 0;
  /** While > 0 we are skipping the rest of an oversize line; counts the bytes skipped so far. */
  private discarded = 0;

  constructor(
    private readonly maxLineBytes: number,
    private readonly handlers: LineHandlers,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline !== -1 && this.pendingBytes === 0 && this.discarded === 0) {
        // The whole line is in this chunk (the common case): decode it in place, without a Buffer view.
        this.emit(chunk, start, newline);
      } else {
        this.take(chunk.subarray(start, newline === -1 ? chunk.length : newline));
        if (newline === -1) return;
        this.finishLine();
      }
      start = newline + 1;
    }
  }

  /** The stream ended: a final line without a newline still counts (the reference client sends /NEW so). */
  end(): void {
    if (this.pendingBytes > 0 || this.discarded > 0) this.finishLine();
  }

  private take(part: Buffer): void {
    if (part.length === 0) return;
    if (this.discarded > 0) {
      this.discarded += part.length;
      return;
    }
    // One byte of slack for a `\r` before the newline, which does not count toward the cap.
    if (this.pendingBytes + part.length > this.maxLineBytes + 1) {
      this.discarded = this.pendingBytes + part.length;
      this.chunks.length = 0;
      this.pendingBytes = 0;
      return;
    }
    this.chunks.push(part);
    this.pendingBytes += part.length;
  }

  private finishLine(): void {
    if (this.discarded > 0) {
      const bytes = this.discarded;
      this.discarded = 0;
      this.handlers.onOversize(bytes);
      return;
    }
    const first = this.chunks[0];
    const bytes =
      first !== undefined && this.chunks.length === 1 ? first : Buffer.concat(this.chunks, this.pendingBytes);
    this.chunks.length = 0;
    this.pendingBytes = 0;
    this.emit(bytes, 0, bytes.length);
  }

  /** Hands on bytes[start, end), a line without its newline: minus a final `\r`, checked against the cap. */
  private emit(bytes: Buffer, start: number, end: number): void {
    const last = end > start && bytes[end - 1] === CARRIAGE_RETURN ? end - 1 : end;
    if (last - start > this.maxLineBytes) {
      this.handlers.onOversize(last - start);
      return;
    }
    if (last > start) this.handlers.onLine(bytes.toString('utf8', start, last));
  }
}

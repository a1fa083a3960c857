// A growable byte buffer for the journal's batches: each record's text is copied in as UTF-8 when it is
// appended, so a record waiting for its write is bytes outside the JavaScript heap, not a string (or an
// object) the young-generation collector copies; the buffer is reused batch after batch.

import type { LineSink } from './journal-codec.js';

/** First size of a batch's buffer; it doubles while a batch needs more. */
const INITIAL_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

export class BatchBytes implements LineSink {
  private buffer = Buffer.allocUnsafe(INITIAL_BYTES);
  /** One byte kept free at the front, for the newline that ends a line a failed write left ragged. */
  private length = 1;

  add(text: string): void {
    // A UTF-8 unit takes at most 3 bytes per UTF-16 unit; most texts are sized by their length alone.
    const most = text.length * 3;
    if (this.length + most > this.buffer.length) this.grow(Buffer.byteLength(text));
    this.length += this.buffer.write(text, this.length, 'utf8');
  }

  /** add() of text the caller knows is ASCII: copied unit by unit (a short piece costs no call into C++). */
  addAscii(text: string): void {
    if (this.length + text.length > this.buffer.length) this.grow(text.length);
    const { buffer } = this;
    let at = this.length;
    for (let index = 0; index < text.length; index += 1) buffer[at++] = text.charCodeAt(index);
    this.length = at;
  }

  /** The bytes added, led by a newline when the file's last line is ragged. A view: valid until clear(). */
  take(ragged: boolean): Buffer {
    if (!ragged) return this.buffer.subarray(1, this.length);
    this.buffer[0] = NEWLINE;
    return this.buffer.subarray(0, this.length);
  }

  clear(): void {
    this.length = 1;
  }

  private grow(needed: number): void {
    let size = this.buffer.length;
    while (this.length + needed > size) size *= 2;
    if (size === this.buffer.length) return;
    const grown = Buffer.allocUnsafe(size);
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}

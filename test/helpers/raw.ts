// Raw TCP conversations with a node, byte for byte, as the reference client and hostile clients speak.

import net from 'node:net';

export interface RawOptions {
  host?: string;
  /**
   * 'open' (default): write and keep our side open: the node must close (a reference /GET or /PEERS).
   * 'half': write then half-close (FIN), as the reference client does, and read until the node closes.
   * 'full-close': write then drop the connection at once (a client that vanishes).
   */
  mode?: 'half' | 'open' | 'full-close';
  /** A deadline, not a read window: the node not closing by then is an error. */
  timeoutMs?: number;
}

/** Sends bytes and resolves with every byte the node sent back, once the node has closed the connection. */
export function talkBytes(port: number, data: string | Buffer, options: RawOptions = {}): Promise<Buffer> {
  const { host = '127.0.0.1', mode = 'open', timeoutMs = 15_000 } = options;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      const got = Buffer.concat(chunks).toString('utf8').slice(0, 200);
      reject(
        new Error(
          `port ${port} did not close the connection within ${timeoutMs} ms (got ${JSON.stringify(got)})`,
        ),
      );
    }, timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks));
    };
    socket.on('connect', () => {
      if (mode === 'half') socket.end(data);
      else if (mode === 'full-close') socket.write(data, () => socket.destroy());
      else socket.write(data);
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', done);
    socket.on('error', (error) => {
      if (mode === 'full-close') done();
      else {
        clearTimeout(timer);
        reject(error);
      }
    });
  });
}

/** talkBytes, decoded as UTF-8. */
export async function talk(port: number, data: string | Buffer, options: RawOptions = {}): Promise<string> {
  return (await talkBytes(port, data, options)).toString('utf8');
}

/** Sends one line and resolves with the first reply line (our own commands answer one JSON line). */
export async function askLine(port: number, line: string, host = '127.0.0.1'): Promise<unknown> {
  const socket = net.connect({ host, port });
  return firstReplyLine(socket, 'connect', line, `port ${port}`, 15_000);
}

/**
 * Writes `line` once the socket is `ready` (connect, or secureConnect for TLS) and resolves with the first
 * reply line, parsed; rejects on an error or after `timeoutMs`.
 */
export function firstReplyLine(
  socket: net.Socket,
  ready: 'connect' | 'secureConnect',
  line: string,
  where: string,
  timeoutMs: number,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no reply to ${line.slice(0, 40)} from ${where} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on(ready, () => socket.write(line.endsWith('\n') ? line : `${line}\n`));
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const newline = text.indexOf('\n');
      if (newline === -1) return;
      clearTimeout(timer);
      socket.destroy();
      resolve(JSON.parse(text.slice(0, newline)));
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

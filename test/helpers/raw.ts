// Raw TCP conversations with a node, byte for byte, as the reference client and hostile clients speak.

import net from 'node:net';

export interface RawOptions {
  host?: string;
  /** 'half': write then half-close (FIN) and read until the server closes; 'open': keep writing side open. */
  mode?: 'half' | 'open' | 'full-close';
  /** Stop reading after this many ms (for connections the server keeps open). */
  readMs?: number;
}

/** Sends bytes and collects whatever comes back until the server closes or readMs passes. */
export function talk(port: number, data: string | Buffer, options: RawOptions = {}): Promise<string> {
  const { host = '127.0.0.1', mode = 'open', readMs = 500 } = options;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ host, port });
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const timer = setTimeout(done, readMs);
    socket.on('connect', () => {
      if (mode === 'half') socket.end(data);
      else if (mode === 'full-close') socket.write(data, () => socket.destroy());
      else socket.write(data);
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', done);
    socket.on('error', (error) => {
      if (mode === 'full-close') done();
      else reject(error);
    });
  });
}

/** Sends one line and resolves with the first reply line (our own commands answer one JSON line). */
export async function askLine(port: number, line: string, host = '127.0.0.1'): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = net.connect({ host, port }, () => socket.write(line.endsWith('\n') ? line : `${line}\n`));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no reply to ${line.slice(0, 40)} from port ${port}`));
    }, 5_000);
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const newline = text.indexOf('\n');
      if (newline !== -1) {
        clearTimeout(timer);
        socket.destroy();
        resolve(JSON.parse(text.slice(0, newline)));
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

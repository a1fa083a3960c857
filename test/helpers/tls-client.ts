// A TLS client for tests, with whatever certificate a test gives it: asks one line of a TLS node, or
// finds out how the node refused it.

import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import type { TlsFiles } from '../../src/tls/material.js';
import { firstReplyLine } from './raw.js';

function connect(port: number, files: TlsFiles): tls.TLSSocket {
  return tls.connect({
    host: '127.0.0.1',
    port,
    cert: readFileSync(files.cert),
    key: readFileSync(files.key),
    ca: readFileSync(files.ca),
    minVersion: 'TLSv1.3',
  });
}

/** One request line over TLS; resolves with the first reply line, parsed. */
export function askTls(port: number, line: string, files: TlsFiles, timeoutMs = 15_000): Promise<unknown> {
  return firstReplyLine(connect(port, files), 'secureConnect', line, `port ${port}`, timeoutMs);
}

/**
 * Connects with `files` and asks for /HEALTH: resolves with how it ended when the node did not answer
 * (an error code, or 'closed'); rejects if the node answered, i.e. took the certificate.
 */
export function refusal(port: number, files: TlsFiles, timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, files);
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`port ${port} neither answered nor refused within ${timeoutMs} ms`));
    }, timeoutMs);
    const end = (how: string): void => {
      clearTimeout(timer);
      if (text.includes('\n')) reject(new Error(`the node answered: ${text}`));
      else resolve(how);
    };
    socket.on('secureConnect', () => socket.write('/HEALTH:\n'));
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => end(error.code ?? error.message));
    socket.on('close', () => end('closed'));
  });
}

/** Writes `data` and half-closes at once, as the reference client does; resolves with all the node sent back. */
export function talkTlsHalfClosed(
  port: number,
  data: string,
  files: TlsFiles,
  timeoutMs = 15_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, files);
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`port ${port} did not close within ${timeoutMs} ms (got ${JSON.stringify(text)})`));
    }, timeoutMs);
    socket.on('secureConnect', () => socket.end(data));
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

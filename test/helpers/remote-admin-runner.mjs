// Runs inside a private network namespace (`unshare -rn node remote-admin-runner.mjs`): a node listens on
// 10.77.0.1 (an address of this namespace's own, not loopback; --insecure: no key) and takes fault
// requests; administrative requests that come from 10.77.0.1 must be refused, read-only ones answered.
// Prints one JSON line with the replies, and stops the node it started.
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const HOST = '10.77.0.1';
const PORT = 9100;
const bin = fileURLToPath(new URL('../../bin/gossip.js', import.meta.url));

function ask(line) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: HOST, port: PORT, localAddress: HOST }, () => socket.write(line));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      text += chunk;
      if (text.includes('\n')) {
        socket.destroy();
        resolve(JSON.parse(text.slice(0, text.indexOf('\n'))));
      }
    });
    socket.on('error', reject);
    setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer to ${line.trim()}`));
    }, 5_000);
  });
}

async function main() {
  execFileSync('ip', ['link', 'set', 'lo', 'up']);
  execFileSync('ip', ['addr', 'add', `${HOST}/32`, 'dev', 'lo']);
  const child = execa(
    process.execPath,
    [bin, 'node', '--id', '1', '--host', HOST, '--port', String(PORT), '--insecure', '--allow-faults'],
    { reject: false },
  );
  try {
    let health;
    for (let tries = 0; tries < 100 && health === undefined; tries += 1) {
      health = await ask('/HEALTH:\n').catch(() => undefined);
      if (health === undefined) await sleep(100);
    }
    const fault = await ask('/FAULT:*|delay=10\n');
    const partition = await ask('/PARTITION:2\n');
    const leave = await ask('/LEAVE:\n');
    const faults = await ask('/FAULTS:\n');
    const stillUp = await ask('/HEALTH:\n');
    process.stdout.write(`${JSON.stringify({ health, fault, partition, leave, faults, stillUp })}\n`);
  } finally {
    child.kill('SIGKILL');
    await child;
  }
}

main().catch((error) => {
  process.stdout.write(`${JSON.stringify({ error: String(error) })}\n`);
});

#!/usr/bin/env node
// `npm run pictures`: makes the documentation's pictures again from a real run, so nobody draws them by hand.
//   docs/images/dashboard.png   the dashboard in Debian's Chromium (playwright-core), mid-replay of a message
//   docs/images/experiment.svg  the chart of `gossip experiment --compare ... --svg`
// `node scripts/pictures.js dashboard` or `... experiment` makes one of them. Everything runs on free ports
// away from 7001-7016 in a temporary home, and every process this script starts is stopped by its pid.

import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = path.join(ROOT, 'bin/gossip.js');
const IMAGES = path.join(ROOT, 'docs/images');
const NODES = 16;
/** The replay step the screenshot shows: about half of a message's 49 arrivals on the default network. */
const REPLAY_STEP = 22;

const gossip = (args, home) =>
  execa(process.execPath, [BIN, ...args], { env: { GOSSIP_HOME: home }, reject: false, timeout: 180_000 });

async function main() {
  const which = process.argv[2] ?? 'all';
  if (!['all', 'dashboard', 'experiment'].includes(which)) {
    process.stderr.write('usage: node scripts/pictures.js [all | dashboard | experiment]\n');
    process.exit(2);
  }
  await mkdir(IMAGES, { recursive: true });
  if (which !== 'experiment') await dashboardPicture();
  if (which !== 'dashboard') await experimentPicture();
}

/** A 16-node network, its dashboard in headless Chromium, a message sent from the page, replayed halfway. */
async function dashboardPicture() {
  const chromiumPath = findChromium();
  const { chromium } = await import('playwright-core');
  const home = await mkdtemp(path.join(os.tmpdir(), 'gossip-pictures-'));
  let dashboard;
  let browser;
  try {
    const base = await freePortRange(NODES);
    const started = await gossip(['start-network', '--seed', '42', '--base-port', String(base)], home);
    if (started.exitCode !== 0) throw new Error(`start-network failed: ${started.stderr}`);
    process.stdout.write(`network: 16 nodes on 127.0.0.1:${base + 1}-${base + NODES} in ${home}\n`);

    dashboard = execa(process.execPath, [BIN, 'dashboard', '--port', '0', '--json'], {
      env: { GOSSIP_HOME: home },
      reject: false,
    });
    const { url } = await firstJson(dashboard);
    process.stdout.write(`dashboard: ${url} (pid ${dashboard.pid})\n`);

    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 820 } });
    await page.goto(url);
    await until('16 nodes up', async () => {
      const nodes = await page.evaluate(() => globalThis.dashboard.graph().nodes).catch(() => []);
      return nodes.length === NODES && nodes.every((node) => node.classes.includes('up'));
    });

    await page.selectOption('#send-node', '1');
    await page.fill('#send-text', 'Hello World');
    await page.click('#send-button');
    await until('every node reached, and the live spread played', async () => {
      const nodes = await page.evaluate(() => globalThis.dashboard.graph().nodes);
      const player = await page.evaluate(() => globalThis.dashboard.player());
      return nodes.filter((node) => node.classes.includes('reached')).length === NODES && !player.playing;
    });
    // The live counters settle once the spread is over (48 relay lines per message on this network).
    await until('the counters', async () => /\d/.test((await page.locator('#c-relays').textContent()) ?? ''));

    // Back to the submission, then forward one arrival at a time to the middle of the spread.
    await page.click('#r-start');
    const { steps } = await page.evaluate(() => globalThis.dashboard.player());
    const target = Math.min(REPLAY_STEP, steps);
    for (let done = 1; done < target; done += 1) await page.click('#r-forward');
    const readout = await page.locator('#r-readout').textContent();
    const file = path.join(IMAGES, 'dashboard.png');
    await page.screenshot({ path: file });
    process.stdout.write(`wrote ${path.relative(ROOT, file)} (${readout}; ${await kib(file)})\n`);
  } finally {
    await browser?.close();
    if (dashboard?.pid !== undefined && dashboard.exitCode === null) {
      process.kill(dashboard.pid, 'SIGTERM');
      await dashboard;
    }
    await gossip(['stop-network'], home);
    await rm(home, { recursive: true, force: true });
  }
}

/** Five strategies on a fresh network (the experiment picks free ports in 20000-32000 and its own temp home). */
async function experimentPicture() {
  const file = path.join(IMAGES, 'experiment.svg');
  const args = [
    'experiment',
    '--compare',
    'push,pull,push-pull,anti-entropy,flood',
    '-n',
    '32',
    '--fanout',
    '2',
    '--messages',
    '3',
    '--seed',
    '11',
    '--svg',
    file,
  ];
  process.stdout.write(`$ gossip ${args.join(' ').replace(ROOT, '')}\n`);
  const home = await mkdtemp(path.join(os.tmpdir(), 'gossip-pictures-'));
  try {
    const result = await execa(process.execPath, [BIN, ...args], {
      env: { GOSSIP_HOME: home },
      reject: false,
      stdout: 'inherit',
      stderr: 'inherit',
      timeout: 600_000,
    });
    if (result.exitCode !== 0) throw new Error(`gossip experiment exited ${result.exitCode}`);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
  process.stdout.write(`wrote ${path.relative(ROOT, file)} (${await kib(file)})\n`);
}

function findChromium() {
  try {
    const found = execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
    if (found !== '') return found;
  } catch {
    // Not installed: said below.
  }
  throw new Error(
    'chromium is not installed: apt-get install --no-install-recommends chromium (no browser is downloaded)',
  );
}

/** The dashboard's --json line: its address and event log. */
function firstJson(child) {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`the dashboard did not start: ${text}`)), 30_000);
    child.stdout.on('data', (chunk) => {
      text += chunk.toString('utf8');
      try {
        const parsed = JSON.parse(text);
        clearTimeout(timer);
        resolve(parsed);
      } catch {
        // Not all of it yet.
      }
    });
    child.then((result) => {
      clearTimeout(timer);
      reject(new Error(`the dashboard exited ${result.exitCode}: ${result.stderr}`));
    });
  });
}

/** A base port such that base+1 .. base+count are free, in 10000-32000 (never the default 7001-7016). */
async function freePortRange(count) {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = 10_000 + Math.floor(Math.random() * (22_000 - count - 1));
    const free = await Promise.all(Array.from({ length: count }, (_, i) => canBind(base + 1 + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no free range of ${count} ports found`);
}

function canBind(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

async function until(what, probe, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function kib(file) {
  return `${Math.round((await stat(file)).size / 1024)} KiB`;
}

await main().catch((error) => {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});

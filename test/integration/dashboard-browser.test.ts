// The dashboard as a person uses it, in headless Chromium (Debian's, driven by playwright-core): a
// 16-node network, a message sent from the page reaching every node, a step-by-step replay, a node's
// details, a removal, a faulted link and a partition. Screenshots go to test-results/dashboard*.png.

import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { gossip } from '../helpers/cli.js';
import { DashboardPool } from '../helpers/dashboard.js';
import { NetworkPool } from '../helpers/network.js';

const CHROMIUM = findChromium();
// Missing chromium fails this test: .ci/run installs it, and a developer is told how to. It is never skipped.
const SHOTS = new URL('../../test-results/', import.meta.url).pathname;

function findChromium(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

interface GraphNode {
  id: number;
  classes: string[];
  badge: string;
  at: { x: number; y: number };
}

const networks = new NetworkPool();
const dashboards = new DashboardPool();
let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
  await dashboards.cleanup();
  await networks.cleanup();
});

interface GraphLink {
  key: string;
  classes: string[];
  fault: string;
}

/** The page's debugging handle (window.dashboard), evaluated in the browser. */
interface PageHandle {
  dashboard: {
    graph(): { nodes: GraphNode[]; links: GraphLink[] };
    player(): { steps: number; done: number; playing: boolean };
  };
}
const graphNodes = (page: Page): Promise<GraphNode[]> =>
  page.evaluate(() => (globalThis as unknown as PageHandle).dashboard.graph().nodes);
const graphLinks = (page: Page): Promise<GraphLink[]> =>
  page.evaluate(() => (globalThis as unknown as PageHandle).dashboard.graph().links);
const banner = async (page: Page): Promise<string | undefined> =>
  (await page.locator('#faults').isHidden())
    ? undefined
    : ((await page.locator('#faults').textContent()) ?? '');
const player = (page: Page): Promise<{ steps: number; done: number; playing: boolean }> =>
  page.evaluate(() => (globalThis as unknown as PageHandle).dashboard.player());
const reachedCount = async (page: Page): Promise<number> =>
  (await graphNodes(page)).filter((node) => node.classes.includes('reached')).length;

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the dashboard in headless Chromium', () => {
  it('shows 16 nodes, spreads a message sent from the page to all of them, replays it, shows removal, faults and a partition', async () => {
    if (CHROMIUM === undefined)
      throw new Error(
        'chromium is not installed: apt-get install --no-install-recommends chromium (.ci/run does)',
      );
    await mkdir(SHOTS, { recursive: true });
    const network = await networks.start(['--seed', '42']);
    const dashboard = await dashboards.start(network.home);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(dashboard.url);

    // 16 nodes, all up, with the network's description in the header.
    await until('16 nodes up', async () => {
      const nodes = await graphNodes(page).catch(() => []);
      return nodes.length === 16 && nodes.every((node) => node.classes.includes('up'));
    });
    await expect(page.locator('#network').textContent()).resolves.toContain('16/16 nodes up');
    await expect(page.locator('#connection').textContent()).resolves.toBe('live');

    // Send from the page; its spread plays as it happens, until every node is marked reached.
    await page.selectOption('#send-node', '5');
    await page.fill('#send-text', 'Hello from Chromium');
    await page.click('#send-button');
    await until('the send to be acknowledged', async () =>
      ((await page.locator('#send-status').textContent()) ?? '').startsWith(
        'sent to node 5: Hello from Chromium_',
      ),
    );
    await until('all 16 nodes reached', async () => (await reachedCount(page)) === 16);
    const reached = await graphNodes(page);
    expect(reached.find((node) => node.id === 5)?.classes).toContain('origin');
    for (const node of reached) expect(node.badge, `node ${node.id}`).toMatch(/^\+\d+\.\d\d ms$/);
    await expect(page.locator('#tree .entry').count()).resolves.toBe(16);
    await expect(page.locator('#messages li').first().textContent()).resolves.toContain(
      'Hello from Chromium',
    );
    await until(
      'the counters',
      async () => ((await page.locator('#c-relays').textContent()) ?? '') === '48.0',
    );

    // Replay it step by step: back to the submission (only the origin reached), then forward.
    await until('the live spread to finish playing', async () => !(await player(page)).playing);
    await page.click('#r-start');
    expect(await player(page)).toMatchObject({ done: 1, steps: 49 });
    expect(await reachedCount(page)).toBe(1);
    for (let i = 0; i < 3; i += 1) await page.click('#r-forward');
    expect((await player(page)).done).toBe(4);
    await expect(page.locator('#r-readout').textContent()).resolves.toMatch(/^step 4\/49 · /);
    await expect(page.locator('#r-step').textContent()).resolves.toMatch(
      /^hop \d+: \d+ → \d+ at \+\d+\.\d\d ms/,
    );
    await page.screenshot({ path: `${SHOTS}dashboard-replay-step.png` });

    // ... and at an adjustable speed: slow motion (1 ms of gossip lasts 0.1 s), then the whole spread in 4 s.
    await page.selectOption('#r-speed', '100');
    await page.click('#r-play');
    await until('the replay to move on', async () => (await player(page)).done > 4);
    await page.selectOption('#r-speed', 'fit');
    await until('the replay to play to the end', async () => {
      const state = await player(page);
      return !state.playing && state.done === 49;
    });
    expect(await reachedCount(page)).toBe(16);
    await page.screenshot({ path: `${SHOTS}dashboard.png` });

    // A node's details: its peers and every path of its messages.
    const nine = (await graphNodes(page)).find((node) => node.id === 9);
    const box = await page.locator('#graph').boundingBox();
    if (nine === undefined || box === null) throw new Error('node 9 is not drawn');
    await page.mouse.click(box.x + nine.at.x, box.y + nine.at.y);
    await until('the node panel', async () =>
      ((await page.locator('#node-panel').textContent()) ?? '').includes('Hello from Chromium'),
    );
    await expect(page.locator('#node-panel h2').textContent()).resolves.toContain('Node 9');
    await expect(page.locator('#node-panel .peer-list li').count()).resolves.toBe(3);
    await expect(page.locator('#node-panel .path').count()).resolves.toBe(3);
    await page.screenshot({ path: `${SHOTS}dashboard-node.png` });
    await page.click('#node-panel .close');

    // Removing a node shows at once; its former peers drop it.
    expect((await gossip(['remove-node', '12'], network.home)).exitCode).toBe(0);
    await until('node 12 shown removed', async () =>
      (await graphNodes(page)).some((node) => node.id === 12 && node.classes.includes('removed')),
    );
    await until('15/15 nodes up', async () =>
      ((await page.locator('#network').textContent()) ?? '').includes('15/15 nodes up · 1 removed'),
    );
    await page.click('#r-end');
    await page.screenshot({ path: `${SHOTS}dashboard-removed.png` });

    // A faulted link is drawn dashed in the colour of its fault, described on the link and in the banner.
    const [a, b] = network.edges.find((edge) => !edge.includes(12)) ?? [0, 0];
    const key = `${Math.min(a, b)}-${Math.max(a, b)}`;
    expect((await gossip(['link', String(a), String(b), '--loss', '30'], network.home)).exitCode).toBe(0);
    // Each end publishes its own direction: the label is whole once both have been heard.
    await until('the faulted link drawn', async () => {
      const link = (await graphLinks(page)).find((candidate) => candidate.key === key);
      return (
        link?.classes.includes('faulted') === true &&
        link.classes.includes('fault-loss') &&
        link.fault === 'loss 30%'
      );
    });
    const faulted = (await graphLinks(page)).find((candidate) => candidate.key === key);
    expect(faulted?.fault).toBe('loss 30%');
    expect((await graphLinks(page)).filter((link) => link.classes.includes('faulted'))).toHaveLength(1);
    expect(await banner(page)).toBe(`1 faulted link: ${key} loss 30%`);

    // A partition: the links across go, the banner names the sides, each side is tinted.
    expect((await gossip(['partition', '1-8'], network.home)).exitCode).toBe(0);
    await until('the partition banner', async () =>
      ((await banner(page)) ?? '').startsWith(
        'partition {1,2,3,4,5,6,7,8} | {9,10,11,13,14,15,16}: links across are cut',
      ),
    );
    await until('the links across gone', async () =>
      (await graphLinks(page)).every((link) => {
        const [x, y] = link.key.split('-').map(Number);
        return (x ?? 0) <= 8 === (y ?? 0) <= 8;
      }),
    );
    const sides = await graphNodes(page);
    for (const node of sides.filter((candidate) => candidate.id !== 12))
      expect(node.classes, `node ${node.id}`).toContain(node.id <= 8 ? 'side-0' : 'side-1');
    await page.screenshot({ path: `${SHOTS}dashboard-partition.png` });

    // Healed: no banner, no faulted link, no tint.
    expect((await gossip(['heal'], network.home)).exitCode).toBe(0);
    await until('the banner gone', async () => (await banner(page)) === undefined);
    expect((await graphLinks(page)).filter((link) => link.classes.includes('faulted'))).toEqual([]);
    expect(
      (await graphNodes(page)).filter((node) => node.classes.some((name) => name.startsWith('side-'))),
    ).toEqual([]);
    expect(errors).toEqual([]);
  });
});

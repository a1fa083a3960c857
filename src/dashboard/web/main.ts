// The dashboard page: keeps the same models as the server (topology, message summaries) from the event
// stream, draws them, and replays the focused message. Everything it needs is bundled; nothing is fetched
// from the internet.

import './app.css';
import { replayFrame } from '../../propagation/replay.js';
import type { Arrival } from '../../propagation/tree.js';
import { buildPropagationTree, type PropagationTree } from '../../propagation/tree.js';
import { originNsToMs, parseMessageId } from '../../protocol/message-id.js';
import type { DashboardState, NetworkInfo, NodeDetails } from '../model/dashboard-state.js';
import type { FeedEvent } from '../model/feed-events.js';
import type { CounterValues } from '../model/live-counters.js';
import { MessageIndex, type MessageSummary } from '../model/message-index.js';
import { TopologyView } from '../model/topology-view.js';
import { fetchNode, fetchReplay, sendMessage } from './api.js';
import { byId, h, ms } from './dom.js';
import { GraphView } from './graph.js';
import { type Connection, renderCounters, renderFaults, renderHeader, renderMessages } from './lists.js';
import { renderNodePanel } from './node-panel.js';
import { type PlayerState, ReplayPlayer } from './player.js';
import { renderTree } from './tree-panel.js';

/** Messages listed on the page. */
const LISTED = 50;

interface Focus {
  id: string;
  text: string;
  /** Fed by the live events (a message sent now) rather than loaded once. */
  live: boolean;
  arrivals: Arrival[];
  tree: PropagationTree;
  source: string;
}

const app = {
  network: null as NetworkInfo | null,
  view: new TopologyView(),
  positions: {} as DashboardState['positions'],
  index: new MessageIndex(),
  earlier: [] as MessageSummary[],
  counters: undefined as CounterValues | undefined,
  connection: 'connecting' as Connection,
  focus: undefined as Focus | undefined,
  node: undefined as number | undefined,
  details: undefined as NodeDetails | 'loading' | undefined,
  /** The replay step the graph and tree show (focus:done:steps), and its frame, rebuilt only when it changes. */
  painted: '',
  frame: replayFrame([], 0),
};

const graph = new GraphView(byId('graph'), (id) => void selectNode(id));
const player = new ReplayPlayer((state) => showPlayer(state));

function connect(): void {
  const source = new EventSource('/api/events');
  source.addEventListener('state', (event) => reset(JSON.parse(event.data) as DashboardState));
  source.addEventListener('events', (event) => applyEvents(JSON.parse(event.data) as FeedEvent[]));
  source.addEventListener('counters', (event) => {
    app.counters = JSON.parse(event.data) as CounterValues;
    renderCounters(app.counters);
  });
  source.addEventListener('network', (event) => {
    const network = JSON.parse(event.data) as NetworkInfo | null;
    if (network?.startedAt === app.network?.startedAt) return;
    // Another network: start over from its state.
    source.close();
    connect();
  });
  source.onopen = () => setConnection('live');
  source.onerror = () => setConnection('connecting');
}

function setConnection(connection: Connection): void {
  app.connection = connection;
  renderHeader(app.network, app.view, connection);
}

function reset(state: DashboardState): void {
  app.network = state.network;
  app.view = TopologyView.from(state.topology);
  app.positions = state.positions;
  app.index = new MessageIndex();
  app.earlier = state.messages;
  app.counters = state.counters;
  app.connection = 'live';
  const relays = byId<HTMLInputElement>('send-relays');
  if (state.network !== null && relays.dataset.touched !== 'yes') relays.value = String(state.network.relays);
  redraw();
}

function applyEvents(events: readonly FeedEvent[]): void {
  let focusChanged = false;
  for (const event of events) {
    app.view.apply(event);
    app.index.observe(event);
    if (event.event === 'message.accepted' && shouldFollow(event.id)) {
      focusLive(event.id);
      focusChanged = false;
    }
    if (event.event === 'message.delivered' && event.id === app.focus?.id) focusChanged = true;
  }
  if (focusChanged) refreshLiveFocus();
  redraw();
}

function shouldFollow(id: string): boolean {
  if (!byId<HTMLInputElement>('follow').checked || id === app.focus?.id) return false;
  return app.focus === undefined || !player.state().playing;
}

function redraw(): void {
  renderHeader(app.network, app.view, app.connection);
  renderFaults(app.view);
  graph.sync(app.view, app.positions);
  if (app.counters !== undefined) renderCounters(app.counters);
  renderMessages(byId('messages'), listed(), app.focus?.id, (id) => void focusMessage(id));
  renderSendTargets();
  renderNodePanel(
    byId('node-panel'),
    app.node === undefined ? undefined : app.view.get(app.node),
    app.details,
    closeNode,
  );
}

/** Messages seen live, then those the server listed at start, newest first. */
function listed(): MessageSummary[] {
  const live = app.index.recent(LISTED);
  const seen = new Set(live.map((message) => message.id));
  return [...live, ...app.earlier.filter((message) => !seen.has(message.id))]
    .sort((a, b) => b.submittedAtMs - a.submittedAtMs)
    .slice(0, LISTED);
}

function treeOf(id: string, arrivals: readonly Arrival[], origin: number): PropagationTree {
  const parsed = parseMessageId(id);
  const submittedAtMs = parsed === undefined ? 0 : originNsToMs(parsed.originNs);
  return buildPropagationTree(arrivals, { origin, submittedAtMs });
}

/** Follows a message as its events come in (sent from the page, or a new one while following). */
function focusLive(id: string): void {
  const arrivals = [...(app.index.arrivals(id) ?? [])];
  const origin = app.index.get(id)?.origin ?? 0;
  const text = parseMessageId(id)?.text ?? id;
  app.focus = { id, text, live: true, arrivals, tree: treeOf(id, arrivals, origin), source: 'live' };
  app.painted = '';
  player.load(arrivals, app.focus.tree.submittedAtMs, arrivals.length > 0);
}

function refreshLiveFocus(): void {
  const focus = app.focus;
  if (focus === undefined || !focus.live) return;
  const first = focus.arrivals.length === 0;
  focus.arrivals = [...(app.index.arrivals(focus.id) ?? [])];
  focus.tree = treeOf(focus.id, focus.arrivals, app.index.get(focus.id)?.origin ?? 0);
  if (first) player.load(focus.arrivals, focus.tree.submittedAtMs, true);
  else player.update(focus.arrivals, focus.tree.submittedAtMs);
}

/**
 * A message picked in the list, or asked for by id or text: from the page's memory, else from the
 * dashboard (its event log, or the nodes themselves).
 */
async function focusMessage(query: string): Promise<void> {
  const known = app.index.arrivals(query);
  if (known !== undefined && known.length > 0) {
    focusLive(query);
    player.play();
    return;
  }
  try {
    const replay = await fetchReplay(query);
    const id = replay.id;
    const tree = buildPropagationTree(replay.arrivals, {
      origin: replay.origin,
      submittedAtMs: replay.submittedAtMs,
    });
    app.focus = {
      id,
      text: replay.text,
      live: false,
      arrivals: replay.arrivals,
      tree,
      source: replay.source,
    };
    app.painted = '';
    player.load(replay.arrivals, tree.submittedAtMs, true);
  } catch (error) {
    byId('r-readout').textContent = `cannot replay “${query}”: ${(error as Error).message}`;
  }
  redraw();
}

function showPlayer(state: PlayerState): void {
  const focus = app.focus;
  const title = byId('replay-title');
  if (focus === undefined) return;
  title.textContent = `“${focus.text}” from node ${focus.tree.origin} (${focus.source})`;
  title.title = focus.id;
  byId('r-play').textContent = state.playing ? '❚❚ pause' : '▶ play';
  const slider = byId<HTMLInputElement>('r-position');
  slider.value = String(state.spanMs === 0 ? 0 : Math.round((state.positionMs / state.spanMs) * 1000));
  // The player calls this on every animation frame; a frame changes only when a step is taken.
  const key = `${focus.id}:${state.done}:${state.steps.length}`;
  const fresh = key !== app.painted;
  if (fresh) {
    app.painted = key;
    app.frame = replayFrame(state.steps, state.done);
  }
  const { frame } = app;
  byId('r-readout').textContent =
    `step ${state.done}/${state.steps.length} · +${ms(state.positionMs)} of ${ms(state.spanMs)} · ${frame.reached.size}/${focus.tree.reached} nodes reached`;
  const step = frame.current;
  byId('r-step').textContent =
    step === undefined
      ? ''
      : step.from === undefined
        ? `submitted at node ${step.node}`
        : `hop ${step.hop}: ${step.from} → ${step.node} at +${ms(step.afterMs)} (${step.first ? 'first copy' : 'redundant copy'}${step.via === 'catch-up' ? ', by catch-up' : ''})`;
  if (!fresh) return;
  graph.showReplay(frame, focus.tree.origin, app.view);
  renderTree(byId('tree'), focus.tree, frame);
}

async function selectNode(id: number): Promise<void> {
  app.node = id;
  app.details = 'loading';
  graph.select(id);
  redraw();
  const details = await fetchNode(id).catch(
    (error: Error): NodeDetails => ({ id, stats: null, messages: null, error: error.message }),
  );
  if (app.node !== id) return;
  app.details = details;
  redraw();
}

function closeNode(): void {
  app.node = undefined;
  app.details = undefined;
  graph.select(undefined);
  redraw();
}

function renderSendTargets(): void {
  const select = byId<HTMLSelectElement>('send-node');
  const ids = app.view
    .list()
    .filter((node) => node.status !== 'removed')
    .map((node) => String(node.id));
  if (select.dataset.ids === ids.join(',')) return;
  const chosen = select.value;
  select.replaceChildren(...ids.map((id) => h('option', { text: id }, [])));
  for (const option of select.options) option.value = option.text;
  select.value = ids.includes(chosen) ? chosen : (ids[0] ?? '');
  select.dataset.ids = ids.join(',');
}

function wireControls(): void {
  const form = byId<HTMLFormElement>('send');
  const status = byId('send-status');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = byId<HTMLInputElement>('send-text').value;
    const node = Number(byId<HTMLSelectElement>('send-node').value);
    const relays = Number(byId<HTMLInputElement>('send-relays').value);
    const button = byId<HTMLButtonElement>('send-button');
    button.disabled = true;
    status.className = 'status';
    status.textContent = `sending to node ${node}…`;
    sendMessage(node, text, relays)
      .then((reply) => {
        status.textContent = `sent to node ${reply.node}: ${reply.id}`;
        focusLive(reply.id);
        redraw();
      })
      .catch((error: Error) => {
        status.className = 'status error';
        status.textContent = error.message;
      })
      .finally(() => {
        button.disabled = false;
      });
  });
  byId<HTMLFormElement>('find').addEventListener('submit', (event) => {
    event.preventDefault();
    void focusMessage(byId<HTMLInputElement>('find-text').value);
  });
  byId('send-relays').addEventListener('change', (event) => {
    (event.target as HTMLInputElement).dataset.touched = 'yes';
  });
  byId('r-play').addEventListener('click', () => player.toggle());
  byId('r-forward').addEventListener('click', () => player.stepForward());
  byId('r-back').addEventListener('click', () => player.stepBack());
  byId('r-start').addEventListener('click', () => player.restart());
  byId('r-end').addEventListener('click', () => player.end());
  byId<HTMLInputElement>('r-redundant').addEventListener('change', (event) => {
    graph.showRedundant((event.target as HTMLInputElement).checked, app.view);
  });
  byId<HTMLSelectElement>('r-speed').addEventListener('change', (event) => {
    const value = (event.target as HTMLSelectElement).value;
    player.setSpeed(value === 'fit' ? 'fit' : Number(value));
  });
  byId<HTMLInputElement>('r-position').addEventListener('input', (event) => {
    const state = player.state();
    player.pause();
    player.seek((Number((event.target as HTMLInputElement).value) / 1000) * state.spanMs);
  });
}

/** For tests and the curious: what the page shows, from the browser console. */
Object.assign(window, {
  dashboard: {
    graph: () => graph.snapshot(),
    player: () => ({ ...player.state(), steps: player.state().steps.length }),
    focus: () => app.focus?.id,
  },
});

wireControls();
connect();

// The page's calls to the dashboard server. Errors come back as `{ "error": "..." }` and are thrown as Error.

import type { MessageReplay, NodeDetails } from '../model/dashboard-state.js';

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(path, init);
  const body = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `${response.status} ${response.statusText}`);
  return body;
}

export function sendMessage(
  node: number,
  text: string,
  relays: number,
): Promise<{ id: string; node: number }> {
  return call('/api/messages', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ node, text, relays }),
  });
}

export function fetchReplay(id: string): Promise<MessageReplay> {
  return call(`/api/messages/${encodeURIComponent(id)}`);
}

export function fetchNode(id: number): Promise<NodeDetails> {
  return call(`/api/nodes/${id}`);
}

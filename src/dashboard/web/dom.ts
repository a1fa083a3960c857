// Small DOM helpers for the page: find an element, build one, format times.

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no #${id}`);
  return element as T;
}

interface Props {
  class?: string;
  text?: string;
  title?: string;
  data?: Record<string, string>;
  onClick?: (event: Event) => void;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  children: ReadonlyArray<Node | string> = [],
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.class !== undefined) element.className = props.class;
  if (props.text !== undefined) element.textContent = props.text;
  if (props.title !== undefined) element.title = props.title;
  for (const [key, value] of Object.entries(props.data ?? {})) element.dataset[key] = value;
  if (props.onClick !== undefined) element.addEventListener('click', props.onClick);
  element.append(...children);
  return element;
}

/** `2.31 ms`; sub-ms precision is what a local network shows. */
export function ms(value: number): string {
  return `${value.toFixed(2)} ms`;
}

/** The reference arrow notation of a path. */
export function pathText(path: readonly number[]): string {
  return path.join(' ➜ ');
}

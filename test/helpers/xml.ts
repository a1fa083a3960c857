// Reads the SVG our renderers write the way an XML parser would: it must be well-formed (balanced tags, every
// `&` an entity, no raw `<` in text or attribute values), and what comes back is decoded text, so a test checks
// what a viewer shows, not which of the equally valid escapes (`&lt;` or `&#60;`) a renderer chose.

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  /** The element's own text, entities decoded (the text of child elements not included). */
  text: string;
}

const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const TAG = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
const ATTRIBUTE = /([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** Decodes the five named entities and character references; throws on a bare `&` or `<`. */
export function decodeXmlText(raw: string): string {
  if (raw.includes('<')) throw new Error(`raw "<" in XML text: ${JSON.stringify(raw)}`);
  return raw.replace(/&([^;&\s]*);?/g, (whole, name: string) => {
    if (!whole.endsWith(';')) throw new Error(`bare "&" in XML text: ${JSON.stringify(raw)}`);
    if (name in NAMED) return NAMED[name] as string;
    const code = /^#x([0-9a-fA-F]+)$/.exec(name)?.[1] ?? /^#([0-9]+)$/.exec(name)?.[1];
    if (code === undefined) throw new Error(`unknown entity ${whole}`);
    return String.fromCodePoint(Number.parseInt(code, name.startsWith('#x') ? 16 : 10));
  });
}

/** Every element of a well-formed document (no prolog, comments or CDATA: our SVGs have none), in order. */
export function parseXml(xml: string): XmlElement[] {
  const elements: XmlElement[] = [];
  const open: XmlElement[] = [];
  let at = 0;
  while (at < xml.length) {
    const next = xml.indexOf('<', at);
    const text = xml.slice(at, next === -1 ? xml.length : next);
    const decoded = decodeXmlText(text);
    const parent = open.at(-1);
    if (parent !== undefined) parent.text += decoded;
    else if (decoded.trim() !== '') throw new Error(`text outside the root element: ${JSON.stringify(text)}`);
    if (next === -1) break;
    TAG.lastIndex = next;
    const tag = TAG.exec(xml);
    if (tag === null) throw new Error(`not a tag at ${next}: ${JSON.stringify(xml.slice(next, next + 40))}`);
    const [whole, closing, name = '', attributeText = '', selfClosing] = tag;
    if (closing === '/') {
      const top = open.pop();
      if (top?.name !== name) throw new Error(`</${name}> closes <${top?.name ?? 'nothing'}>`);
    } else {
      const attributes: Record<string, string> = {};
      for (const [, key = '', double, single] of attributeText.matchAll(ATTRIBUTE))
        attributes[key] = decodeXmlText(double ?? single ?? '');
      const element = { name, attributes, text: '' };
      elements.push(element);
      if (selfClosing !== '/') open.push(element);
    }
    at = next + whole.length;
  }
  if (open.length > 0) throw new Error(`<${open.at(-1)?.name}> is never closed`);
  return elements;
}

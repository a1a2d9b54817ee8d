/**
 * A tiny, strict XML reader for tests: it throws on anything not well-formed (unclosed or
 * mismatched tags, raw `<` or bare `&` in text or attributes, duplicate attributes) and
 * returns a small tree, so a test can both validate junit.xml and query it.
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;

function decode(raw: string, where: string): string {
  if (/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(raw)) throw new Error(`bare & in ${where}: ${raw.slice(0, 80)}`);
  return raw.replace(ENTITY, (e) => {
    const named: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" };
    if (named[e]) return named[e];
    const hex = e.startsWith('&#x');
    return String.fromCodePoint(parseInt(e.slice(hex ? 3 : 2, -1), hex ? 16 : 10));
  });
}

/** Parses a document, throwing on the first well-formedness error; returns the root element. */
export function parseXml(xml: string): XmlElement {
  let s = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  const tag = /^<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*\s*=\s*"[^"]*")*)\s*(\/?)>/;
  while (s.length > 0) {
    const top = stack[stack.length - 1]!;
    if (s.startsWith('<!--')) {
      const end = s.indexOf('-->');
      if (end < 0) throw new Error('unclosed comment');
      s = s.slice(end + 3);
    } else if (s.startsWith('<')) {
      const m = tag.exec(s);
      if (!m) throw new Error(`malformed tag at: ${s.slice(0, 80)}`);
      const [all, close, name = '', attrText = '', selfClose] = m;
      if (close) {
        if (top.name !== name) throw new Error(`</${name}> closes <${top.name}>`);
        stack.pop();
      } else {
        const attrs: Record<string, string> = {};
        for (const a of attrText.matchAll(/([A-Za-z_][\w.-]*)\s*=\s*"([^"]*)"/g)) {
          const [, k = '', v = ''] = a;
          if (k in attrs) throw new Error(`duplicate attribute ${k} on <${name}>`);
          if (v.includes('<')) throw new Error(`raw < in attribute ${k} of <${name}>`);
          attrs[k] = decode(v, `attribute ${k} of <${name}>`);
        }
        const el: XmlElement = { name, attrs, children: [], text: '' };
        top.children.push(el);
        if (!selfClose) stack.push(el);
      }
      s = s.slice(all.length);
    } else {
      const next = s.indexOf('<');
      const raw = next < 0 ? s : s.slice(0, next);
      if (raw.includes('>') && raw.includes(']]>')) throw new Error(']]> in text');
      top.text += decode(raw, `text of <${top.name}>`);
      s = next < 0 ? '' : s.slice(next);
    }
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]?.name}>`);
  if (root.children.length !== 1 || root.text.trim() !== '') throw new Error('a document has exactly one root element');
  return root.children[0]!;
}

/** Every descendant element with the given name, depth first. */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  return el.children.flatMap((c) => [...(c.name === name ? [c] : []), ...findAll(c, name)]);
}

/**
 * YAML paths as shown to users: `paths.vlan180.rate`, `timeline[1].cut`. A key that is not
 * a plain word is quoted (`hosts["pc1;rm -rf /"]`) so the path stays unambiguous.
 */

export type PathSegment = string | number;
export type YamlPath = readonly PathSegment[];

const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;
/** Keys longer than this are cut in messages: a file that is not a topology must not be echoed back. */
export const MAX_KEY_SHOWN = 40;

/** `key`, or its first 40 characters and `…` when longer. */
export function shortKey(key: string): string {
  return key.length > MAX_KEY_SHOWN ? `${key.slice(0, MAX_KEY_SHOWN)}…` : key;
}

/** Formats path segments as a YAML path: `paths.vlan180.from.pc1.rate`, `timeline[0].at`. */
export function formatYamlPath(path: YamlPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out ? `.${shortKey(seg)}` : shortKey(seg);
    else out += `[${JSON.stringify(shortKey(seg))}]`;
  }
  return out;
}

/** Where topologies live: a bare name means `<repo>/topologies/<name>.yaml`; a path is used as is. */
import { readdirSync } from 'node:fs';
import path from 'node:path';

/** The repository's topologies folder. */
export const TOPOLOGIES_DIR = path.resolve(__dirname, '../../topologies');

/** Whether the argument is a bare topology name rather than a file path. */
export function isBareName(fileOrName: string): boolean {
  return !fileOrName.includes('/') && !fileOrName.includes(path.sep) && !/\.ya?ml$/i.test(fileOrName);
}

/** Absolute path of a topology given by bare name or by path. */
export function topologyPath(fileOrName: string, dir = TOPOLOGIES_DIR): string {
  return isBareName(fileOrName) ? path.join(dir, `${fileOrName}.yaml`) : path.resolve(fileOrName);
}

/** The `*.yaml` files in a folder, sorted by name (absolute paths); empty when the folder is missing. */
export function listTopologyFiles(dir = TOPOLOGIES_DIR): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => n.endsWith('.yaml')).sort().map((n) => path.join(dir, n));
}

/** How a file is named in problems: relative to the working directory when inside it. */
export function displayPath(absolute: string): string {
  const rel = path.relative(process.cwd(), absolute);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : absolute;
}

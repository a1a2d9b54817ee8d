/** Reads a fixture of lab/observe (tests only). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The text of `__fixtures__/<name>`. */
export function fixture(name: string): string {
  return readFileSync(join(__dirname, '__fixtures__', name), 'utf8');
}

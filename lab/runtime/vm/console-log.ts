/** The guest's serial console as kept in the run's folder: its last lines, for error messages. */
import { readFileSync } from 'node:fs';

/** The last `n` non-empty lines of a console log ('' when there is none), carriage returns dropped. */
export function consoleTail(path: string, n = 12): string {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch {
    return '';
  }
  return text.replace(/\r/g, '').split('\n').filter((l) => l.trim()).slice(-n).join('\n');
}

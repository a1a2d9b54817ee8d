/** Option values the commands share. */
import { TopologyError } from '../../model/errors';

/** `--flag value` parsed with `parse`; a parse error is bad input located at `--flag` (exit 2). Undefined when absent. */
export function optionValue<T>(flag: string, raw: string | undefined, parse: (v: string) => T): T | undefined {
  if (raw === undefined) return undefined;
  try {
    return parse(raw);
  } catch (e) {
    throw new TopologyError([{ file: `--${flag}`, path: '', message: (e as Error).message }]);
  }
}

/**
 * Interface names reach tc and nft argv. nft joins its argv into one string and parses it,
 * so a name is checked here rather than trusted. `@ifname:<IPv4>` is the lab agent's
 * placeholder (replaced, as a whole argv element, by the interface holding that address).
 */

const KERNEL_IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;
const AGENT_PLACEHOLDER = /^@ifname:\d{1,3}(?:\.\d{1,3}){3}$/;

/** Throws unless `name` is a kernel interface name or the agent's `@ifname:<IPv4>` placeholder. */
export function assertIfname(name: string): string {
  if (!KERNEL_IFNAME.test(name) && !AGENT_PLACEHOLDER.test(name)) {
    throw new Error(`"${name}" is not an interface name (1-15 of A-Z a-z 0-9 _ . -) nor an @ifname:<IPv4> reference`);
  }
  return name;
}

/** Throws unless `name` is usable as an nft table name. */
export function assertNftName(name: string): string {
  if (!/^[A-Za-z][A-Za-z0-9_]{0,31}$/.test(name)) throw new Error(`"${name}" is not an nft table name (a letter, then letters, digits or _)`);
  return name;
}

/**
 * `ss -tiMn` (iproute2 6.x): each socket is a header line (`tcp ESTAB 0 0 A:P B:Q`) and a
 * tab-indented detail line. An MPTCP connection is an `mptcp` socket whose details carry
 * `token:<hex>` and `subflows:<n>` (the *extra* subflows: the first one is not counted);
 * its TCP subflows are `tcp` sockets with `tcp-ulp-mptcp ... token:<remote>(id:r)/<local>(id:l)`.
 */

export interface SsMptcpConnection {
  state: string;
  local: string;
  peer: string;
  /** The connection's token on this host (hex, as printed). */
  token: string;
  /** ss's `subflows:` (extra subflows, initial one not counted), 0 when absent. */
  extraSubflows: number;
  /** TCP subflows listed with this connection's token (when ss was run with -t). */
  tcpSubflows: Array<{ state: string; local: string; peer: string; localId: number; backup: boolean }>;
  /** ss printed `fallback` (MPTCP_INFO_FLAG_FALLBACK): the connection runs as plain TCP on its one subflow. */
  fallback: boolean;
  /** Every `key:value` of the detail line. */
  fields: Record<string, string>;
}

interface RawSocket {
  netid: string;
  state: string;
  local: string;
  peer: string;
  detail: string;
}

function sockets(text: string): RawSocket[] {
  const out: RawSocket[] = [];
  for (const line of text.split('\n')) {
    const head = /^(tcp|mptcp)\s+(\S+)\s+\d+\s+\d+\s+(\S+)\s+(\S+)/.exec(line);
    if (head) out.push({ netid: head[1]!, state: head[2]!, local: head[3]!, peer: head[4]!, detail: '' });
    else if (/^\s/.test(line) && out.length > 0) out[out.length - 1]!.detail += ` ${line.trim()}`;
  }
  return out;
}

function detailFields(detail: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const word of detail.trim().split(/\s+/)) {
    const colon = word.indexOf(':');
    if (colon > 0) fields[word.slice(0, colon)] = word.slice(colon + 1);
  }
  return fields;
}

/** MPTCP connections in `ss -tiMn` output, each with its subflows. */
export function parseSsMptcp(text: string): SsMptcpConnection[] {
  const all = sockets(text);
  const subflows = all
    .filter((s) => s.netid === 'tcp' && s.detail.includes('tcp-ulp-mptcp'))
    .map((s) => {
      const f = detailFields(s.detail);
      const tok = /^[0-9a-f]+\(id:\d+\)\/([0-9a-f]+)\(id:(\d+)\)$/.exec(f.token ?? '');
      // ss prints subflow flags uppercase for the peer, lowercase for this host: B/b = backup.
      return { s, token: tok?.[1], localId: Number(tok?.[2] ?? -1), backup: /[Bb]/.test(f.flags ?? '') };
    });
  return all
    .filter((s) => s.netid === 'mptcp')
    .map((s) => {
      const fields = detailFields(s.detail);
      const token = fields.token ?? '';
      return {
        state: s.state,
        local: s.local,
        peer: s.peer,
        token,
        extraSubflows: Number(fields.subflows ?? 0),
        tcpSubflows: subflows
          .filter((sf) => sf.token !== undefined && token !== '' && sf.token === token)
          .map((sf) => ({ state: sf.s.state, local: sf.s.local, peer: sf.s.peer, localId: sf.localId, backup: sf.backup })),
        fallback: /(^|\s)fallback(\s|$)/.test(s.detail),
        fields,
      };
    });
}

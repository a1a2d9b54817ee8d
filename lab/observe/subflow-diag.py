#!/usr/bin/env python3
"""Per-subflow TCP state through one sock_diag netlink socket, for lab/observe/subflow-diag.ts.

Run in a lab host's network namespace from the host (`nsenter --target PID --net python3 THIS
PORT DUMP_MS`): the netlink socket is opened there, and only the standard library is used. For
each line on stdin it prints one JSON line: the established TCP sockets on PORT (the MPTCP
subflows of the connection under test) with the tcp_info figures `ss -ti` prints and, for a
subflow, its MPTCP ULP info (tokens, address ids, flags).

Why not ss once per read: ss asks for a dump, and a dump walks the kernel's whole established
hash (262144 buckets here, shared by every namespace): 3-4 ms of kernel time per read, plus a
process start. Once the subflows are known this asks for each one by its exact id (address,
ports, interface and cookie): a hash lookup. It dumps again when asked ("d"), when a known
socket is gone, when none is known, and at least every DUMP_MS (a subflow that joined since).

stdin: "q" (a read) or "d" (a read that dumps). Ends at end of input: a dead lab process
leaves nothing behind.
"""
import json
import socket
import struct
import sys
import time

NETLINK_SOCK_DIAG = 4
SOCK_DIAG_BY_FAMILY = 20
NLMSG_ERROR = 2
NLMSG_DONE = 3
NLM_F_REQUEST = 0x1
NLM_F_DUMP = 0x300
TCP_ESTABLISHED = 1
INET_DIAG_INFO = 2
INET_DIAG_CONG = 4
INET_DIAG_ULP_INFO = 19
INET_ULP_INFO_NAME = 1
INET_ULP_INFO_MPTCP = 3
# MPTCP_SUBFLOW_ATTR_*
TOKEN_REM, TOKEN_LOC, FLAGS, ID_REM, ID_LOC = 1, 2, 8, 9, 10
# MPTCP_SUBFLOW_FLAG_* in the order and letters ss prints them (uppercase: the peer's).
FLAG_LETTERS = [(1, 'M'), (2, 'm'), (4, 'J'), (8, 'j'), (16, 'B'), (32, 'b'), (64, 'e'), (128, 'c'), (256, 'v')]
EXT = (1 << (INET_DIAG_INFO - 1)) | (1 << (INET_DIAG_CONG - 1))
NOCOOKIE = b'\xff' * 8

NLMSGHDR = struct.Struct('=IHHII')
# inet_diag_req_v2: family, protocol, ext, pad, states; then the 48-byte inet_diag_sockid.
REQ = struct.Struct('=BBBBI48s')
# inet_diag_msg: family, state, timer, retrans, sockid (48), expires, rqueue, wqueue, uid, inode.
MSG = struct.Struct('=BBBB48sIIIII')


def attrs(buf, off, end):
    """rtattrs of buf[off:end] as {type: bytes} (the nested flag masked off)."""
    out = {}
    while off + 4 <= end:
        length, kind = struct.unpack_from('=HH', buf, off)
        if length < 4:
            break
        out[kind & 0x3FFF] = buf[off + 4:off + length]
        off += (length + 3) & ~3
    return out


def u32(info, at):
    return struct.unpack_from('=I', info, at)[0] if len(info) >= at + 4 else None


def u64(info, at):
    return struct.unpack_from('=Q', info, at)[0] if len(info) >= at + 8 else None


def endpoint(family, addr, port):
    if family == socket.AF_INET:
        return '%s:%d' % (socket.inet_ntop(socket.AF_INET, addr[:4]), port), 'inet'
    a = socket.inet_ntop(socket.AF_INET6, addr[:16])
    # ss prints a v4-mapped peer of a dual-stack listener as [::ffff:a.b.c.d]; the lab writes IPv4.
    if a.startswith('::ffff:') and '.' in a:
        return '%s:%d' % (a[7:], port), 'inet6'
    return '[%s]:%d' % (a, port), 'inet6'


def stat_of(family, sockid, payload):
    sport, dport = struct.unpack_from('>HH', sockid, 0)
    local, fam = endpoint(family, sockid[4:20], sport)
    remote, _ = endpoint(family, sockid[20:36], dport)
    a = attrs(payload, MSG.size, len(payload))
    info = a.get(INET_DIAG_INFO, b'')
    s = {'local': local, 'remote': remote, 'state': 'ESTAB', 'family': fam}
    if len(info) >= 8:
        s['retransNow'] = u32(info, 36) or 0
        s['backoff'] = info[4]
        rtt, rttvar, ssthresh, cwnd = u32(info, 68), u32(info, 72), u32(info, 76), u32(info, 80)
        s['rtoMs'] = u32(info, 8) / 1000.0
        s['rttMs'] = rtt / 1000.0 if rtt is not None else None
        s['rttVarMs'] = rttvar / 1000.0 if rttvar is not None else None
        s['cwnd'] = cwnd
        # ss prints ssthresh only below 0xFFFF (TCP_INFINITE_SSTHRESH: still in the first slow start).
        if ssthresh is not None and ssthresh < 0xFFFF:
            s['ssthresh'] = ssthresh
        s['unacked'] = u32(info, 24) or 0
        s['lost'] = u32(info, 32) or 0
        s['retrans'] = u32(info, 100) or 0
        s['bytesAcked'] = u64(info, 120) or 0
        s['bytesReceived'] = u64(info, 128) or 0
        rate = u64(info, 160)
        # ss prints delivery_rate only when non-zero.
        s['deliveryRateBps'] = rate * 8 if rate else None
        s['bytesSent'] = u64(info, 200) or 0
        s['bytesRetrans'] = u64(info, 208) or 0
    cong = a.get(INET_DIAG_CONG)
    if cong:
        s['cc'] = cong.split(b'\0', 1)[0].decode()
    ulp = a.get(INET_DIAG_ULP_INFO)
    if ulp is not None:
        u = attrs(ulp, 0, len(ulp))
        if u.get(INET_ULP_INFO_NAME, b'').split(b'\0', 1)[0] == b'mptcp' and INET_ULP_INFO_MPTCP in u:
            m = attrs(u[INET_ULP_INFO_MPTCP], 0, len(u[INET_ULP_INFO_MPTCP]))
            flags = struct.unpack('=I', m[FLAGS][:4])[0] if FLAGS in m else 0
            letters = ''.join(c for bit, c in FLAG_LETTERS if flags & bit)
            s['mptcp'] = {
                'token': '%04x' % struct.unpack('=I', m[TOKEN_LOC][:4])[0] if TOKEN_LOC in m else '',
                'localId': m[ID_LOC][0] if ID_LOC in m else -1,
                'remoteId': m[ID_REM][0] if ID_REM in m else -1,
                'backup': bool(flags & (16 | 32)),
                'flags': letters,
            }
    return s


class Diag:
    def __init__(self, port):
        self.port = port
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, NETLINK_SOCK_DIAG)
        self.sock.bind((0, 0))
        # A reply that never comes fails the read (the caller reports it) instead of hanging the pass.
        self.sock.settimeout(2.0)
        self.seq = 0
        self.known = []  # (family, sockid bytes) of the last read

    def send(self, family, sockid, dump):
        self.seq += 1
        flags = NLM_F_REQUEST | (NLM_F_DUMP if dump else 0)
        req = REQ.pack(family, socket.IPPROTO_TCP, EXT, 0, 1 << TCP_ESTABLISHED, sockid)
        self.sock.send(NLMSGHDR.pack(NLMSGHDR.size + len(req), SOCK_DIAG_BY_FAMILY, flags, self.seq, 0) + req)
        return self.seq

    def replies(self, seq):
        """Yields (family, sockid, payload) of the answer to request seq; raises OSError on a netlink error."""
        while True:
            data = self.sock.recv(65536)
            off = 0
            while off + NLMSGHDR.size <= len(data):
                length, kind, _flags, mseq, _pid = NLMSGHDR.unpack_from(data, off)
                if length < NLMSGHDR.size:
                    return
                body = data[off + NLMSGHDR.size:off + length]
                off += (length + 3) & ~3
                if mseq != seq:
                    continue
                if kind == NLMSG_DONE:
                    return
                if kind == NLMSG_ERROR:
                    err = -struct.unpack_from('=i', body, 0)[0]
                    if err == 0:
                        return
                    raise OSError(err, 'sock_diag: %s' % (errno_name(err)))
                if kind == SOCK_DIAG_BY_FAMILY:
                    family, state, _t, _r, sockid = MSG.unpack_from(body, 0)[:5]
                    # An exact lookup answers whatever the state; like ss's `state established`, only those count.
                    if state == TCP_ESTABLISHED:
                        yield family, sockid, body
                    elif not self.dumping:
                        raise OSError(0, 'the socket left ESTABLISHED')
                    if not self.dumping:
                        return

    def ours(self, sockid):
        sport, dport = struct.unpack_from('>HH', sockid, 0)
        return sport == self.port or dport == self.port

    def dump(self, families):
        found = []
        for family in families:
            self.dumping = True
            seq = self.send(family, bytes(48), True)
            for fam, sockid, body in self.replies(seq):
                if self.ours(sockid):
                    found.append((fam, sockid, body))
        return found

    def lookup(self):
        """Each known socket by its exact id; None when one is gone (then the caller dumps)."""
        found = []
        self.dumping = False
        for family, sockid in self.known:
            try:
                got = list(self.replies(self.send(family, sockid, False)))
            except OSError:
                return None
            if not got:
                return None
            found.extend(got)
        return found


def errno_name(err):
    import errno
    return errno.errorcode.get(err, str(err))


def main():
    port = int(sys.argv[1])
    dump_ms = float(sys.argv[2]) if len(sys.argv) > 2 else 1000.0
    diag = Diag(port)
    last_dump = -1e18
    families = [socket.AF_INET, socket.AF_INET6]
    for line in sys.stdin:
        t0 = time.monotonic()
        try:
            found = None
            dumped = False
            if line.strip() != 'd' and diag.known and (t0 * 1000 - last_dump) < dump_ms:
                found = diag.lookup()
            if found is None:
                found = diag.dump(families)
                dumped = True
                last_dump = t0 * 1000
                seen = sorted({f for f, _, _ in found})
                # Each family is a walk of the whole hash: dump only the subflows' own until none is found.
                families = seen if seen else [socket.AF_INET, socket.AF_INET6]
            diag.known = [(f, sid) for f, sid, _ in found]
            stats = [stat_of(f, sid, body) for f, sid, body in found]
            out = {'ok': True, 'dumped': dumped, 'stats': stats}
        except Exception as e:  # one bad read is reported, the session goes on
            out = {'ok': False, 'error': '%s: %s' % (type(e).__name__, e)}
        sys.stdout.write(json.dumps(out, separators=(',', ':')) + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    main()

/**
 * The two constant scripts the guest runs. /init (busybox, in the initramfs) loads the
 * modules listed in /etc/mlab-modules, mounts the host's root over 9p read-only under a tmpfs
 * overlay and switch_roots into it; stage 2 (the same busybox, copied into the new root)
 * mounts the kernel filesystems and the writable output share, runs the command whose argv
 * the host left one argument per file, records its exit code and powers off. Nothing the
 * caller passes is ever parsed by a shell: values arrive as files, read whole.
 */

/** Kernel command line word that makes /init power off at once (the accelerator probe). */
export const PROBE_ARG = 'mlab.probe=1';
/** What /init prints on the console in probe mode before powering off. */
export const PROBE_MARKER = 'mlab-probe-ok';
/** 9p mount tags: the host's root (read-only) and the run's output directory (writable). */
export const HOSTROOT_TAG = 'hostroot';
export const OUT_TAG = 'labout';
/** Where the output share is mounted in the guest; the command's $MLAB_OUT is its files/ folder. */
export const GUEST_OUT = '/.mlab/out';
/** The control folder inside the output directory: argv/N, envc and cwd from the host; started and exit-code from the guest. */
export const CONTROL_DIR = '.vm-control';
/** The environment the command starts with (plus MLAB_OUT, MLAB_IN_GUEST and the caller's env pairs). */
export const GUEST_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const MSIZE = 262144;

/** /init: busybox sh as PID 1 of the initramfs. */
export const INIT_SCRIPT = `#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s /bin
export PATH=/bin
die() { echo "mlab-init: FAILED: $*"; poweroff -f; sleep 10; }
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "mlab-init: started, kernel $(uname -r)"
if grep -qw ${PROBE_ARG} /proc/cmdline; then echo ${PROBE_MARKER}; poweroff -f; sleep 10; fi
while read -r ko params; do
  [ -n "$ko" ] || continue
  insmod "$ko" $params || echo "mlab-init: insmod $ko failed"
done < /etc/mlab-modules
mkdir -p /lower /upper /newroot
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=${MSIZE} ${HOSTROOT_TAG} /lower || die "mount ${HOSTROOT_TAG} (9p)"
mount -t tmpfs -o mode=0755 tmpfs /upper || die "mount tmpfs"
mkdir -p /upper/u /upper/w
mount -t overlay -o lowerdir=/lower,upperdir=/upper/u,workdir=/upper/w overlay /newroot || die "mount overlay"
mkdir -p /newroot/.mlab/out || die "mkdir /.mlab"
cp /bin/busybox /newroot/.mlab/busybox && cp /stage2 /newroot/.mlab/stage2 || die "copy stage 2"
umount /dev /sys /proc
exec switch_root /newroot /.mlab/busybox sh /.mlab/stage2
die "switch_root"
`;

/**
 * Stage 2: PID 1 in the overlay root, run by the initramfs's busybox. /tmp is not given a tmpfs
 * of its own: the overlay already makes it writable, and a repository cloned under the host's
 * /tmp (as CI may) must stay visible in the guest.
 */
export const STAGE2_SCRIPT = `B=/.mlab/busybox
O=${GUEST_OUT}
C=$O/${CONTROL_DIR}
die() { echo "mlab-stage2: FAILED: $*"; $B poweroff -f; $B sleep 10; }
$B mount -t proc proc /proc || die "mount /proc"
$B mount -t sysfs sysfs /sys
$B mount -t devtmpfs devtmpfs /dev
$B mkdir -p /dev/pts /dev/shm
$B mount -t devpts devpts /dev/pts
$B mount -t tmpfs tmpfs /dev/shm
$B mount -t tmpfs -o mode=0755 tmpfs /run
$B mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
$B mount -t bpf bpf /sys/fs/bpf 2>/dev/null
$B mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
$B mount -t 9p -o trans=virtio,version=9p2000.L,rw,msize=${MSIZE} ${OUT_TAG} $O || die "mount ${OUT_TAG} (9p)"
$B ip link set lo up
$B hostname mlab-vm
$B cat /proc/uptime > $C/started
n=$($B cat $C/envc)
set --
i=0
prog=
while [ -e "$C/argv/$i" ]; do
  a="$($B cat "$C/argv/$i"; echo x)"; a="\${a%x}"
  if [ $i -eq "$n" ]; then
    case "$a" in
      */*) ;;
      *) P=${GUEST_PATH}; IFS=:; for p in $P; do if [ -f "$p/$a" ] && [ -x "$p/$a" ]; then a="$p/$a"; break; fi; done; unset IFS ;;
    esac
    prog=$a
  fi
  set -- "$@" "$a"; i=$((i+1))
done
d=/
if [ -e "$C/cwd" ]; then d="$($B cat "$C/cwd"; echo x)"; d="\${d%x}"; fi
$B mkdir -p $O/files
echo "mlab-stage2: running $prog ($# words), kernel $($B uname -r)"
case "$prog" in
  */*) ;;
  *) echo "mlab-stage2: $prog: not found in ${GUEST_PATH}" >$O/stderr.txt; echo 127 > $C/exit-code.tmp ;;
esac
if [ ! -e $C/exit-code.tmp ]; then
  ( cd "$d" && exec $B env -i PATH=${GUEST_PATH} HOME=/root LANG=C.UTF-8 TERM=dumb MLAB_OUT=$O/files MLAB_IN_GUEST=1 "$@" ) </dev/null >$O/stdout.txt 2>$O/stderr.txt
  echo $? > $C/exit-code.tmp
fi
rc=$($B cat $C/exit-code.tmp)
$B mv $C/exit-code.tmp $C/exit-code
echo "mlab-stage2: exit $rc"
$B sync
$B umount $O
$B poweroff -f
`;

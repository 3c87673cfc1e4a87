#!/bin/bash
# PID 1 of the test guest.  The root is the host's root, read-only over
# virtio-9p; everything the guest writes goes to tmpfs, an overlay on /etc,
# or the 'results' share.  Runs $revoke_run (from the kernel command line),
# prints "@@DONE rc=N" and powers the machine off (QEMU runs -no-reboot).
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=${TERM:-linux} LANG=C.UTF-8

fail() {
	echo "init: $*"
	echo "@@DONE rc=99" >/dev/kmsg
	sleep 1
	echo b >/proc/sysrq-trigger
	sleep 10
}

mount -t proc proc /proc || fail "cannot mount /proc"
mount -t sysfs sysfs /sys || fail "cannot mount /sys"
mount -t devtmpfs devtmpfs /dev || fail "cannot mount devtmpfs"
# What udev would add to devtmpfs; the kselftest runner writes to /dev/stdout.
ln -sfn /proc/self/fd /dev/fd
ln -sfn /proc/self/fd/0 /dev/stdin
ln -sfn /proc/self/fd/1 /dev/stdout
ln -sfn /proc/self/fd/2 /dev/stderr
for arg in $(cat /proc/cmdline); do
	case $arg in
	revoke_top=*) revoke_top=${arg#*=} ;;
	revoke_run=*) revoke_run=${arg#*=} ;;
	esac
done
# The tree may live under a directory covered by tmpfs below (a clone in
# /tmp): keep a bind mount of it on devtmpfs and put it back afterwards.
[ -d "$revoke_top" ] || fail "no $revoke_top in the guest"
mkdir -p /dev/.revoke-top
mount --bind "$revoke_top" /dev/.revoke-top || fail "cannot bind $revoke_top"
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts || fail "devpts"
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t tmpfs -o mode=1777 tmpfs /tmp || fail "tmpfs /tmp"
mount -t tmpfs -o mode=755 tmpfs /run || fail "tmpfs /run"
mount -t tmpfs -o mode=1777 tmpfs /var/tmp
mount -t tmpfs -o mode=755 tmpfs /var/log
mount -t tmpfs -o mode=755 tmpfs /root
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mkdir -p /run/results /run/etc/upper /run/etc/work /run/lock
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 results /run/results ||
	fail "cannot mount the results share"
if ! mount -t overlay overlay -o lowerdir=/etc,upperdir=/run/etc/upper,workdir=/run/etc/work /etc; then
	echo "init: no overlay on /etc; bind-mounting writable copies of the account files"
	for f in passwd group shadow; do
		cp -a "/etc/$f" "/run/etc/$f" && mount --bind "/run/etc/$f" "/etc/$f" ||
			fail "cannot make /etc/$f writable"
	done
fi
: >/run/utmp
echo guest >/proc/sys/kernel/hostname
echo 1 >/proc/sys/kernel/sysrq

# The test account logs in on ttyS1 in the login tests.
echo 'revoke:x:4242:4242:revoke test:/tmp/home-revoke:/bin/bash' >>/etc/passwd
echo 'revoke:x:4242:' >>/etc/group
echo "revoke:$(openssl passwd -6 -salt revoketest revoke):20000:0:99999:7:::" >>/etc/shadow
mkdir -p /tmp/home-revoke && chown 4242:4242 /tmp/home-revoke

if [ ! -d "$revoke_top/scripts/harness" ]; then
	mkdir -p "$revoke_top" && mount --bind /dev/.revoke-top "$revoke_top" ||
		fail "cannot put $revoke_top back"
fi
export REVOKE_TOP=$revoke_top REVOKE_RESULTS=/run/results
cd "$REVOKE_TOP" || fail "no $REVOKE_TOP in the guest"

echo "@@INIT-UP cpus=$(nproc)"
if [ "$revoke_run" = shell ]; then
	setsid -c bash -l </dev/ttyS0 >/dev/ttyS0 2>&1
	rc=$?
else
	"$REVOKE_TOP/$revoke_run"
	rc=$?
fi
sync
# Through printk as well: the console tty may not have drained its buffer
# when the machine resets.
echo "@@DONE rc=$rc"
echo "@@DONE rc=$rc" >/dev/kmsg
sleep 1
echo b >/proc/sysrq-trigger
sleep 10

#!/bin/bash
# The guest half of `make deb-check`, in the kernel booted from the
# linux-image package that deb.sh extracted into build/deb-root: is it the
# packaged kernel, do the package's modules load (modprobe -d), do the
# revoke-tty and revoke-alsa kselftests pass.  One "ok NAME" or "not ok NAME"
# line per check on the console and in the results share (deb-check.txt);
# the kselftest TAP goes there too (kselftest.tap), as with check.sh.
R=$REVOKE_RESULTS
top=$(cd "$(dirname "$0")/../../.." && pwd)
root=$top/build/deb-root
KS=$top/build/kselftest
fails=0

# result STATUS NAME [DETAIL]: ok when STATUS is 0.
result() {
	local line
	if [ "$1" -eq 0 ]; then
		line="ok $2"
	else
		line="not ok $2${3:+ # $3}"
		fails=$((fails + 1))
	fi
	echo "$line"
	echo "$line" >>"$R/deb-check.txt"
}

: >"$R/deb-check.txt"
echo "deb-check: $(nproc) CPUs online, $(uname -r), $(uname -v)"

images=("$root"/boot/vmlinuz-*)
want=${images[0]##*/vmlinuz-}
[ ${#images[@]} -eq 1 ] && [ -f "${images[0]}" ]
result $? "one kernel image in the package" "${images[*]}"
[ "$(uname -r)" = "$want" ]
result $? "uname -r is the packaged release $want" "running $(uname -r)"

# The package's modules, with their dependencies from its modules.dep.
# snd-dummy with real buffers, as in `make check`: its PCM mmaps set
# their PTEs in ->mmap().  snd-usb-audio for QEMU's usb-audio behind xHCI.
load() {
	local mod=$1 out
	shift
	out=$(modprobe -d "$root" "$mod" "$@" 2>&1)
	result $? "modprobe -d build/deb-root $mod" "$out"
}
load snd-dummy fake_buffer=0
load snd-virmidi
load snd-aloop
load xhci-pci
load snd-usb-audio
grep -q ' Dummy ' /proc/asound/cards
result $? "snd-dummy card is up" "$(cat /proc/asound/cards)"
# Modules are signed by the key the build made; an unsigned or badly
# signed module would taint the kernel (E).
taint=$(cat /proc/sys/kernel/tainted)
[ "$taint" = 0 ]
result $? "kernel not tainted after loading the modules" "tainted=$taint"
sleep 2	# let the USB audio device probe before its test

if [ -x "$KS/run_kselftest.sh" ]; then
	cd "$KS" || exit 1
	./run_kselftest.sh -c revoke-tty -c revoke-alsa 2>&1 | tee "$R/kselftest.tap" |
		grep -E '^(not )?ok '
	for t in revoke-tty:hangup_test revoke-alsa:disconnect_test; do
		grep -qE "^ok [0-9]+ selftests: ${t%%:*}: ${t#*:}\$" "$R/kselftest.tap"
		result $? "kselftest ${t%%:*}/${t#*:} passed"
	done
else
	result 1 "kselftests installed" "no $KS/run_kselftest.sh: make selftests"
fi
dmesg >"$R/dmesg.txt"
echo "deb-check: $fails failed"
[ $fails -eq 0 ]

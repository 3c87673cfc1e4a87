#!/bin/bash
# Boot a kernel for `make run`: a shell on the guest console when there is
# a terminal, otherwise a short demonstration that ends by itself.
set -u
. "$(dirname "$0")/lib.sh"

kernel=$1
args=(--kernel "$kernel" --results "$BUILD/results-run" --log "$BUILD/run.log")
if [ -t 0 ] && [ -t 1 ] && [ -z "${CI:-}" ]; then
	step "booting $kernel; the guest's shell is on this terminal (poweroff: 'echo o >/proc/sysrq-trigger', or Ctrl-A X)"
	exec /usr/bin/python3 "$TOP/scripts/harness/qemu-run.py" "${args[@]}"
fi
step "no terminal: running the demonstration (log: build/run.log)"
/usr/bin/python3 "$TOP/scripts/harness/qemu-run.py" "${args[@]}" \
	--run scripts/harness/guest/demo.sh --timeout "${TIMEOUT:-600}"
rc=$?
case $rc in
0) step "demonstration finished" ;;
*) die "the demonstration failed (qemu-run exit $rc; log: build/run.log)" ;;
esac

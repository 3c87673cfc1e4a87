#!/bin/bash
# The patched tree without revoke: a tinyconfig kernel (no tty, no sound,
# so nothing selects CONFIG_REVOKE) must build and link, for the code the
# series adds to the VFS behind IS_ENABLED(CONFIG_REVOKE) and the stubs of
# <linux/revoke.h>.  Prints "ok NAME" or "not ok NAME" like checkpatch.sh;
# the build log is build/obj-src-tiny/build.log.
set -u
. "$(dirname "$0")/lib.sh"

name="tinyconfig: the patched tree builds and links without CONFIG_REVOKE"
src=$BUILD/src obj=$BUILD/obj-src-tiny
log=$obj/build.log
mkdir -p "$obj"
kbuild_env
if ! kmake tinyconfig >"$log" 2>&1; then
	echo "not ok $name: make tinyconfig failed (build/obj-src-tiny/build.log)"
	exit 0
fi
if grep -q '^CONFIG_REVOKE=y' "$obj/.config"; then
	echo "not ok $name: tinyconfig selects CONFIG_REVOKE"
	exit 0
fi
rm -f "$obj/vmlinux"
if kmake vmlinux >>"$log" 2>&1 && [ -f "$obj/vmlinux" ]; then
	echo "ok $name"
else
	echo "not ok $name: $(grep -m1 -E 'error|undefined reference' "$log") (build/obj-src-tiny/build.log)"
fi

# shellcheck shell=bash
# Common helpers for the harness scripts.  Sourced, not run.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
# shellcheck source=../../base.conf
. "$TOP/base.conf"
BASE_PKG=linux-source-6.12
BASE_TARBALL=/usr/src/linux-source-6.12.tar.xz

die() {
	echo "error: $*" >&2
	exit 1
}

step() {
	echo "==> $*"
}

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null; then
		sudo "$@"
	else
		die "need root to run: $*"
	fi
}

# The environment of every kernel build: one ccache for all trees and
# clones (paths relative to build/), reproducible build stamps.  ccache's
# depend mode takes the headers from the -MMD file kbuild has gcc write
# instead of running the preprocessor a second time: a cold build takes
# what it takes without ccache (27% less than in ccache's default mode,
# measured on kernel/ and fs/), hits stay hits.
kbuild_env() {
	export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/revoke-ccache}
	export CCACHE_BASEDIR=$BUILD CCACHE_NOHASHDIR=1 CCACHE_SLOPPINESS=time_macros
	export CCACHE_DEPEND=1
	export KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026'
	export KBUILD_BUILD_USER=revoke KBUILD_BUILD_HOST=build
}

# kmake ARGS: make in the kernel tree $src, objects in $obj.
kmake() {
	make -s -C "$src" O="$obj" ARCH=x86_64 CC="ccache gcc" HOSTCC="ccache gcc" \
		-j"$(nproc)" "$@"
}

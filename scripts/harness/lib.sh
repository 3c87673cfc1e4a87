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

# need_space DIR MB WHAT: stop before WHAT if the filesystem of DIR has
# less than MB megabytes free (a full disk half way through tar or a
# kernel build leaves a broken tree and a flood of messages).
need_space() {
	local dir=$1 mb=$2 what=$3 avail
	mkdir -p "$dir"
	avail=$(df -Pm "$dir" | awk 'NR == 2 { print $4 }')
	[ -n "$avail" ] && [ "$avail" -ge "$mb" ] ||
		die "$what needs about $mb MB free on the filesystem of $dir; it has ${avail:-?} MB"
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

# config_lost CONFIG KNOWN FRAGMENT...: check that the kernel config file
# CONFIG has every option of the fragments as they ask (=n: not set; ="":
# empty or gone).  Each option it lost goes to stderr; returns 1 if any.
# KNOWN, if not empty, lists the options the tree defines, one a line: the
# others are skipped with a note (a tree part way through the series).
config_lost() {
	local config=$1 known=$2 line opt bad=0
	shift 2
	while IFS= read -r line; do
		opt=${line%%=*}
		if [ -n "$known" ] && ! grep -qxF "$opt" <<<"$known"; then
			echo "config: $opt is not in this tree, skipped"
			continue
		fi
		case $line in
		CONFIG_*=n) grep -q "^$opt=" "$config" &&
			{ echo "config: $opt is set, wanted off" >&2; bad=1; } ;;
		CONFIG_*=\"\") grep -q "^$opt=" "$config" && ! grep -qxF "$line" "$config" &&
			{ echo "config: wanted $line, got: $(grep "^$opt=" "$config")" >&2; bad=1; } ;;
		CONFIG_*) grep -qxF "$line" "$config" ||
			{ echo "config: wanted $line, got: $(grep "^$opt=" "$config" ||
				echo unset)" >&2; bad=1; } ;;
		esac
	done < <(grep -h '^CONFIG_' "$@")
	return $bad
}

# series_files: the files the series changes (patches/) or adds (new files
# of ours at their kernel paths), one a line, sorted.
series_files() {
	{ sed -n 's|^+++ b/||p' "$TOP"/patches/*.patch
		(cd "$TOP" && git ls-files -co --exclude-standard -- fs include lib drivers \
			sound kernel mm io_uring); } | sed 's/\t.*//' | sort -u
}

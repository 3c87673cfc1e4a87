#!/bin/bash
# W=1 and sparse (make W=1 C=2) on every object the series changes or
# adds, built with the check kernel's config and configs/lint.config (the
# touched files no kernel we boot builds) in the base and in the patched
# tree; an object only another architecture builds (CROSS below) with
# that architecture's cross compiler and defconfig.  A warning of the
# patched tree that the base does not have (same file and message; line
# numbers aside) fails.  Sparse's context imbalance warnings count per
# function, whatever reason they give: it does not follow guard() and
# scoped_guard(), and a function that locks through them changes the
# reason when its code changes.  Prints "ok NAME" or "not ok NAME" like
# checkpatch.sh; the new warnings are in build/warnings.log, the build
# logs in build/obj-{base,src}-lint*/lint.log.
set -u
. "$(dirname "$0")/lib.sh"

name="W=1 and sparse"
cfg=$BUILD/obj-src-check/.config
log=$BUILD/warnings.log
: >"$log"
[ -f "$cfg" ] || { echo "not ok $name: no check kernel config in build/obj-src-check"; exit 0; }
[ -d "$BUILD/base" ] || { echo "not ok $name: no base tree in build/base"; exit 0; }
command -v sparse >/dev/null || { echo "not ok $name: sparse is not installed"; exit 0; }

kbuild_env

# The C files the series changes or adds; KUnit tests are compiled as part
# of the file they test (#include).
mapfile -t objs < <(series_files | grep -E '^[a-z].*\.c$' | grep -v '/tests/' |
	sed 's/\.c$/.o/')
[ ${#objs[@]} -gt 0 ] || { echo "not ok $name: the series changes no C file"; exit 0; }

# Objects that only another architecture builds: OBJECT ARCH DEFCONFIG.
CROSS=("drivers/tty/amiserial.o m68k amiga_defconfig")
declare -A CROSS_COMPILER=([m68k]=m68k-linux-gnu-)

# lint TREE ARCH DEFCONFIG OBJ...: build the objects with W=1 C=2 in
# build/obj-TREE-lint, or build/obj-TREE-lint-ARCH with ARCH's DEFCONFIG
# for ARCH other than x86_64; prints the warnings as "file: warning:
# message", one a line.
lint() {
	local tree=$1 arch=$2 defconfig=$3
	shift 3
	src=$BUILD/$tree obj=$BUILD/obj-$tree-lint
	local o lintcfg=$TOP/scripts/harness/configs/lint.config
	local mk=(kmake)
	if [ "$arch" = x86_64 ]; then
		cat "$cfg" "$lintcfg" >"$obj/.config"
		kmake olddefconfig >"$obj/lint.log" 2>&1 &&
			config_lost "$obj/.config" "" "$lintcfg" >>"$obj/lint.log" 2>&1 ||
			{ echo "lint-failed see $obj/lint.log"; return; }
	else
		local cross=${CROSS_COMPILER[$arch]}
		obj=$obj-$arch
		mkdir -p "$obj"
		mk=(make -s -C "$src" O="$obj" ARCH="$arch" CROSS_COMPILE="$cross"
			CC="ccache ${cross}gcc" HOSTCC="ccache gcc" -j"$(nproc)")
		"${mk[@]}" "$defconfig" >"$obj/lint.log" 2>&1 ||
			{ echo "lint-failed see $obj/lint.log"; return; }
	fi
	# Compiled every time, so that gcc's warnings are in the log (ccache
	# replays them on a hit). -k: an object that does not build shows its
	# errors and is missed below.
	for o in "$@"; do
		rm -f "$obj/$o"
	done
	"${mk[@]}" -k W=1 C=2 "$@" >>"$obj/lint.log" 2>&1
	for o in "$@"; do
		[ -f "$obj/$o" ] || { echo "lint-failed see $obj/lint.log"; return; }
	done
	sed -nE 's#^([^: ]+):[0-9]+(:[0-9]+)?: (warning|error): #\1: \3: #p' "$obj/lint.log" |
		sed -E -e "s#^($BUILD/$tree|$obj)/##" -e "s/(context imbalance in '[^']*').*/\1/"
}

# lint_all TREE OBJ...: lint, each object in its architecture.
lint_all() {
	local tree=$1 o c cobj carch cdef native=()
	shift
	for o in "$@"; do
		carch=
		for c in "${CROSS[@]}"; do
			read -r cobj carch cdef <<<"$c"
			[ "$cobj" = "$o" ] && break
			carch=
		done
		if [ -z "$carch" ]; then
			native+=("$o")
		elif ! command -v "${CROSS_COMPILER[$carch]}gcc" >/dev/null; then
			echo "lint-failed no ${CROSS_COMPILER[$carch]}gcc for $o"
		else
			lint "$tree" "$carch" "$cdef" "$o"
		fi
	done
	[ ${#native[@]} -eq 0 ] || lint "$tree" x86_64 "" "${native[@]}"
}

mkdir -p "$BUILD/obj-base-lint" "$BUILD/obj-src-lint"
base_objs=()
for o in "${objs[@]}"; do
	[ -f "$BUILD/base/${o%.o}.c" ] && base_objs+=("$o")
done
lint_all base "${base_objs[@]}" | sort >"$BUILD/obj-base-lint/warnings"
lint_all src "${objs[@]}" | sort >"$BUILD/obj-src-lint/warnings"
for t in base src; do
	failed=$(grep -m1 '^lint-failed' "$BUILD/obj-$t-lint/warnings")
	if [ -n "$failed" ]; then
		echo "not ok $name: the $t objects do not build (${failed#lint-failed })"
		exit 0
	fi
done

# Warnings of the patched tree beyond the base's, counted per file and message.
comm -13 "$BUILD/obj-base-lint/warnings" "$BUILD/obj-src-lint/warnings" >"$log"
if [ -s "$log" ]; then
	echo "not ok $name: $(wc -l <"$log") new warnings in ${#objs[@]} objects (build/warnings.log)"
else
	echo "ok $name: no new warning in the ${#objs[@]} objects the series changes or adds"
fi

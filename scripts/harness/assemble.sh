#!/bin/bash
# Assemble a kernel tree under build/.
#
#   assemble.sh base   pristine pinned base in build/base
#   assemble.sh src    base + patches/series + our files in build/src
#
# Idempotent: a tree that is already up to date is left alone, so the
# kernel build after it is incremental.  Patches are managed with quilt;
# build/src/patches is a link to the repo's patches/, so `make refresh`
# (quilt refresh of the top patch) writes straight back into the repo.
set -eu
. "$(dirname "$0")/lib.sh"

what=${1:-src}

# The kernel-tree directories of this repo that are copied over the base.
OVERLAY_DIRS="Documentation drivers fs include kernel lib mm sound tools"

check_tarball() {
	local have
	have=$(dpkg-query -W -f='${Version}' "$BASE_PKG" 2>/dev/null || true)
	[ "$have" = "$BASE_VERSION" ] ||
		die "$BASE_PKG ${have:-is not installed}; the pin (base.conf) wants $BASE_VERSION. Run 'make deps'."
	[ -f "$BASE_TARBALL" ] || die "$BASE_TARBALL is missing; reinstall $BASE_PKG"
}

# extract DIR: pristine base into DIR, once per pinned checksum.
extract() {
	local dir=$1 stamp=$1/.base-sha256 sum
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$BASE_SHA256" ]; then
		return 0
	fi
	check_tarball
	sum=$(sha256sum "$BASE_TARBALL" | cut -d' ' -f1)
	[ "$sum" = "$BASE_SHA256" ] ||
		die "$BASE_TARBALL has sha256 $sum, base.conf pins $BASE_SHA256"
	need_space "$(dirname "$dir")" 2500 "extracting $BASE_PKG into ${dir#$TOP/}"
	step "extracting $BASE_PKG $BASE_VERSION into ${dir#$TOP/}"
	rm -rf "$dir" "$dir.tmp"
	mkdir -p "$dir.tmp"
	if ! tar -xJf "$BASE_TARBALL" -C "$dir.tmp" --strip-components=1 2>"$dir.tar.log"; then
		tail -n 5 "$dir.tar.log" >&2
		rm -rf "$dir.tmp"
		die "extracting $BASE_TARBALL failed (${dir#$TOP/}.tar.log)"
	fi
	rm -f "$dir.tar.log"
	echo "$BASE_SHA256" >"$dir.tmp/.base-sha256"
	mv "$dir.tmp" "$dir"
}

patch_hash() {
	sha256sum "$TOP/patches/$1" | cut -d' ' -f1
}

series() {
	[ -f "$TOP/patches/series" ] || return 0
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/patches/series" | awk '{print $1}'
}

# Bring the applied quilt stack of build/src in line with patches/series.
# Patches that are applied and unchanged stay applied; from the first
# patch that differs on, the stack is popped and pushed again.
apply_series() {
	local src=$1 hashes=$1/.pc/.revoke-hashes keep=0 i=0 p
	local -a want applied
	export QUILT_PATCHES=patches QUILT_PC=.pc
	ln -sfn "$TOP/patches" "$src/patches"
	mapfile -t want < <(series)
	applied=()
	if [ -f "$src/.pc/applied-patches" ]; then
		mapfile -t applied <"$src/.pc/applied-patches"
	fi
	# How many applied patches are still the same, in the same place?
	while [ $keep -lt ${#applied[@]} ] && [ $keep -lt ${#want[@]} ] &&
		[ "${applied[$keep]}" = "${want[$keep]}" ] &&
		[ -f "$TOP/patches/${want[$keep]}" ] &&
		grep -qx "${want[$keep]} $(patch_hash "${want[$keep]}")" "$hashes" 2>/dev/null; do
		keep=$((keep + 1))
	done
	while [ ${#applied[@]} -gt $keep ]; do
		p=${applied[-1]}
		step "unapplying $p"
		(cd "$src" && quilt pop -f -q >/dev/null) ||
			die "could not unapply $p; remove build/src and run make again"
		unset 'applied[-1]'
	done
	if [ -f "$hashes" ]; then
		head -n $keep "$hashes" >"$hashes.new"
		mv "$hashes.new" "$hashes"
	fi
	for ((i = keep; i < ${#want[@]}; i++)); do
		p=${want[$i]}
		[ -f "$TOP/patches/$p" ] || die "patches/series names $p, which does not exist"
		step "applying $p"
		if ! out=$(cd "$src" && quilt push -q --fuzz=0 2>&1); then
			echo "$out" >&2
			(cd "$src" && quilt pop -f -q >/dev/null 2>&1) || true
			die "patch $p does not apply to $BASE_PKG $BASE_VERSION"
		fi
		mkdir -p "$src/.pc"
		echo "$p $(patch_hash "$p")" >>"$hashes"
	done
}

# Copy our own files over the tree; unchanged files keep their mtime.
# Files we shipped before and no longer do are removed again.
overlay() {
	local src=$1 list=$1/.revoke-overlay d f
	local -a dirs=()
	for d in $OVERLAY_DIRS; do
		[ -d "$TOP/$d" ] && dirs+=("$d")
	done
	if [ ${#dirs[@]} -gt 0 ]; then
		(cd "$TOP" && find "${dirs[@]}" -type f ! -name '*.o' | sort) >"$list.new"
		(cd "$TOP" && rsync -rlpc --files-from="$list.new" ./ "$src/") ||
			die "copying our files into ${src#$TOP/} failed"
	else
		: >"$list.new"
	fi
	if [ -f "$list" ]; then
		comm -23 "$list" "$list.new" | while read -r f; do
			step "removing $f (no longer ours)"
			rm -f "$src/$f"
		done
	fi
	mv "$list.new" "$list"
}

# After `quilt refresh`, the applied patches are what patches/ holds:
# record that, so the next assembly does not unapply and apply them again.
rehash() {
	local src=$1 hashes=$1/.pc/.revoke-hashes p
	[ -f "$src/.pc/applied-patches" ] || return 0
	: >"$hashes.new"
	while read -r p; do
		echo "$p $(patch_hash "$p")" >>"$hashes.new"
	done <"$src/.pc/applied-patches"
	mv "$hashes.new" "$hashes"
}

case $what in
rehash)
	rehash "$BUILD/src"
	;;
base)
	extract "$BUILD/base"
	;;
src)
	extract "$BUILD/src"
	apply_series "$BUILD/src"
	overlay "$BUILD/src"
	;;
*)
	die "usage: assemble.sh base|src|rehash"
	;;
esac

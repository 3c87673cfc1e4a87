#!/bin/bash
# scripts/checkpatch.pl --strict -f on every new file of ours that is kernel
# source, and scripts/kernel-doc -none on every file the series touches.
# Prints "ok NAME" or "not ok NAME" a line; the full output goes to
# build/checkpatch.log.
set -u
. "$(dirname "$0")/lib.sh"

src=$BUILD/src
log=$BUILD/checkpatch.log
cp=(perl "$src/scripts/checkpatch.pl" --strict --no-summary --show-types --color=never)
: >"$log"
cd "$src" || die "no assembled tree in $src"

run() {
	local name=$1
	shift
	{ echo "=== $name"; } >>"$log"
	if "${cp[@]}" "$@" >>"$log" 2>&1; then
		echo "ok $name"
	else
		echo "not ok $name"
	fi
}

# The patches themselves are checked as the mails of make series (series.sh,
# which make check runs next), with their new files in them.

while read -r f; do
	run "$f" -f "$f"
done < <(cd "$TOP" && git ls-files -co --exclude-standard -- \
	'fs/*' 'include/*' 'lib/*' 'drivers/*' 'sound/*' 'kernel/*' 'mm/*' \
	'tools/testing/selftests/revoke*' 'Documentation/*' |
	grep -E '\.(c|h|rst)$|Kconfig|Makefile$' | grep -v '/config$' | sort)

# scripts/kernel-doc -none: no file of the kernel that the series changes
# or adds has more kernel-doc warnings than on the base (new files: none).
kdoc_count() {
	(cd "$1" && scripts/kernel-doc -none "$2" 2>&1 | grep -c 'warning:') || true
}
if [ -d "$BUILD/base" ]; then
	n=0 bad=
	echo "=== kernel-doc" >>"$log"
	while read -r f; do
		n=$((n + 1))
		b=0
		[ -f "$BUILD/base/$f" ] && b=$(kdoc_count "$BUILD/base" "$f")
		s=$(kdoc_count "$src" "$f")
		if [ "$s" -gt "$b" ]; then
			bad="$bad $f"
			(cd "$src" && scripts/kernel-doc -none "$f") >>"$log" 2>&1
		fi
	done < <(series_files | grep -E '\.[ch]$')
	if [ -z "$bad" ]; then
		echo "ok kernel-doc -none: no new warning in the $n files the series changes or adds"
	else
		echo "not ok kernel-doc -none: new warnings in$bad"
	fi
else
	echo "not ok kernel-doc -none: no base tree in build/base to compare with"
fi

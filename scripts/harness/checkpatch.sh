#!/bin/bash
# scripts/checkpatch.pl --strict on every patch of the series and on every
# new file of ours that is kernel source.  Prints "ok NAME" or "not ok NAME"
# a line; the full output goes to build/checkpatch.log.
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

while read -r p; do
	run "patches/$p" "$TOP/patches/$p"
done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/patches/series" | awk '{print $1}')

while read -r f; do
	run "$f" -f "$f"
done < <(cd "$TOP" && git ls-files -co --exclude-standard -- \
	'fs/*' 'include/*' 'lib/*' 'drivers/*' 'sound/*' 'kernel/*' 'mm/*' \
	'tools/testing/selftests/revoke*' 'Documentation/*' |
	grep -E '\.(c|h|rst)$|Kconfig|Makefile$' | grep -v '/config$' | sort)

#!/bin/bash
# Turn patches/ and our new files into a series for the mailing list.
#
#   series.sh [--bisect]
#
# Writes build/series/: a cover letter and one `git format-patch` patch per
# entry of patches/series, each new file of ours in the patch that
# patches/new-files names for it. Then runs scripts/checkpatch.pl --strict
# and scripts/get_maintainer.pl on every patch of it (build/series/
# checkpatch.log, build/series/maintainers.txt; SERIES_OUT= names another
# directory than build/series). With --bisect it also builds a kernel with
# the series applied up to each patch in turn, with the fast (run) config
# plus configs/bisect.config (KUnit, the revoke KUnit suite, test_revoke),
# and boots it under QEMU: it must come up, print no splat and pass the
# KUnit suites it runs at boot (build/series/bisect.log, boot-N.log).
# Ends with one "ok"/"not ok" line per check and fails if any check
# failed.
set -eu
. "$(dirname "$0")/lib.sh"

bisect=0
[ "${1:-}" = --bisect ] && bisect=1

out=${SERIES_OUT:-$BUILD/series}
git_dir=$out-git
manifest=$TOP/patches/new-files
base=$BUILD/base
prefix="RFC PATCH"

series() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/patches/series" | awk '{print $1}'
}

# The new files of the repository: what assemble.sh copies over the base.
our_files() {
	(cd "$TOP" && git ls-files -co --exclude-standard -- Documentation drivers fs include kernel lib mm sound \
		tools/testing/selftests | sort)
}

manifest_files() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$manifest" | awk '{print $1}' | sort
}

files_of() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$manifest" | awk -v p="$1" '$2 == p {print $1}'
}

[ -d "$base" ] && [ -f "$base/.base-sha256" ] ||
	die "no pristine base in build/base; run 'make assemble BASE=1' first"
[ -f "$manifest" ] || die "patches/new-files is missing"

# Every new file is in exactly one patch, every patch named exists.
missing=$(comm -23 <(our_files) <(manifest_files))
[ -z "$missing" ] || die "new files not in patches/new-files: $(echo $missing)"
stale=$(comm -13 <(our_files) <(manifest_files))
[ -z "$stale" ] || die "patches/new-files names files that do not exist: $(echo $stale)"
dup=$(manifest_files | uniq -d)
[ -z "$dup" ] || die "patches/new-files names a file twice: $(echo $dup)"
while read -r p; do
	series | grep -qxF "$p" || die "patches/new-files names $p, which is not in patches/series"
done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$manifest" | awk '{print $2}' | sort -u)

# A git tree with the base version of every file the patches touch: the
# series made from it is byte for byte what a full 6.12.y tree would give
# (the blob ids in the index lines only depend on the contents).
step "building the series in ${out#$TOP/}"
rm -rf "$git_dir" "$out"
mkdir -p "$git_dir" "$out"
date=$(git -C "$TOP" log -1 --format=%cI 2>/dev/null || echo 2026-01-01T00:00:00+00:00)
export GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date
# The cover letter comes from the author of the patches.
author=$(sed -n 's/^From: //p;q' "$TOP/patches/$(series | head -n 1)")
name=${author% <*}
email=${author##*<}
email=${email%>}
[ -n "$name" ] && [ -n "$email" ] || die "no From: line in the first patch"
export GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email
g() { git -C "$git_dir" -c user.name="$name" -c user.email="$email" \
	-c core.autocrlf=false "$@"; }
g init -q
while read -r f; do
	[ -f "$base/$f" ] || continue
	mkdir -p "$git_dir/$(dirname "$f")"
	cp -p "$base/$f" "$git_dir/$f"
done < <(series | while read -r p; do
	sed -n -e 's|^--- a/||p' -e 's|^+++ b/||p' "$TOP/patches/$p" | sed 's/\t.*//'
done | sort -u)
g add -A
g commit -q -m "Linux $BASE_VERSION: the files this series changes" \
	-m "Debian's linux-source-6.12 $BASE_VERSION (Linux 6.12 with Debian's patches)."
first=$(g rev-parse HEAD)

n=0
while read -r p; do
	n=$((n + 1))
	g am -q --keep-cr "$TOP/patches/$p" ||
		{ g am --abort || true; die "$p does not apply with git am"; }
	added=$(files_of "$p")
	if [ -n "$added" ]; then
		for f in $added; do
			mkdir -p "$git_dir/$(dirname "$f")"
			cp -p "$TOP/$f" "$git_dir/$f"
			g add "$f"
		done
		g commit -q --amend --no-edit
	fi
done < <(series)

g format-patch -q --cover-letter --subject-prefix="$prefix" -o "$out" "$first"..HEAD
cover=$(ls "$out"/0000-cover-letter.patch)
python3 "$(dirname "$0")/cover.py" --cover "$cover" --template "$TOP/patches/cover-letter.txt" \
	--bench "$BUILD/bench.json" --base-version "$BASE_VERSION"

# checkpatch and get_maintainer, from the base tree.
fail=0
: >"$out/checkpatch.log"
: >"$out/maintainers.txt"
for f in "$out"/[0-9]*.patch; do
	name=$(basename "$f")
	[ "$name" = 0000-cover-letter.patch ] && continue
	echo "=== $name" >>"$out/checkpatch.log"
	if (cd "$base" && perl scripts/checkpatch.pl --strict --no-summary --show-types \
		--color=never "$f") >>"$out/checkpatch.log" 2>&1; then
		echo "ok series/$name checkpatch"
	else
		echo "not ok series/$name checkpatch (build/series/checkpatch.log)"
		fail=1
	fi
	echo "=== $name" >>"$out/maintainers.txt"
	if (cd "$base" && perl scripts/get_maintainer.pl --no-git --no-git-fallback \
		--no-rolestats "$f") >>"$out/maintainers.txt" 2>&1; then
		echo "ok series/$name get_maintainer"
	else
		echo "not ok series/$name get_maintainer (build/series/maintainers.txt)"
		fail=1
	fi
done

# undo_after N: take the patches after the first N of .series-applied out
# of the bisect tree again, newest first, with the new files they brought.
# Each is undone with the copy of it that was applied (.series-saved/).
undo_after() {
	local p f
	[ -f "$tree/.series-applied" ] || return 0
	while read -r p; do
		f=$tree/.series-saved/$p
		[ -f "$f" ] || f=$TOP/patches/$p
		(cd "$tree" && patch -R -p1 -s --no-backup-if-mismatch <"$f") ||
			die "cannot undo $p in ${tree#$TOP/}; remove it and run again"
		for f in $(files_of "$p"); do rm -f "$tree/$f"; done
	done < <(tail -n +$(($1 + 1)) "$tree/.series-applied" | tac)
	head -n "$1" "$tree/.series-applied" >"$tree/.series-applied.new"
	mv "$tree/.series-applied.new" "$tree/.series-applied"
}

# How many of the patches in .series-applied, from the first, are still
# what patches/ has, with the same new files.
unchanged_applied() {
	local n=0 p f
	while read -r p; do
		cmp -s "$TOP/patches/$p" "$tree/.series-saved/$p" || break
		for f in $(files_of "$p"); do
			cmp -s "$TOP/$f" "$tree/$f" || break 2
		done
		n=$((n + 1))
	done <"$tree/.series-applied"
	echo "$n"
}

if [ $bisect -eq 1 ]; then
	# A kernel at every patch, in a tree of its own: the base, then the
	# patches one by one, the new files of each patch with it.
	# Incremental builds; ccache makes reruns quick.
	tree=$BUILD/series-tree
	obj=$BUILD/obj-series-tree-bisect
	step "building and booting a kernel at every patch in ${tree#$TOP/}"
	if [ ! -f "$tree/.base-sha256" ] || ! cmp -s "$tree/.base-sha256" "$base/.base-sha256"; then
		rm -rf "$tree"
		cp -a "$base" "$tree"
	fi
	# Back to the base: undo what a previous run applied. With
	# BISECT_RESUME=1, keep it if it is where the series begins and go on
	# after the last patch whose kernel built and booted (to finish a run
	# that was interrupted).
	skip=0
	if [ "${BISECT_RESUME:-0}" = 1 ] && [ -f "$tree/.series-applied" ] &&
		cmp -s "$tree/.series-applied" <(series | head -n "$(wc -l <"$tree/.series-applied")"); then
		[ -f "$tree/.series-checked" ] && skip=$(wc -l <"$tree/.series-checked")
		# Only patches still applied, unchanged, with the same new files.
		same=$(unchanged_applied)
		[ "$skip" -le "$same" ] || skip=$same
		step "resuming after patch $skip"
	fi
	# Undo what was applied after the last good patch (all of it unless
	# resuming).
	undo_after "$skip"
	[ "$skip" -gt 0 ] || : >"$out/bisect.log"
	head -n "$skip" "$tree/.series-checked" 2>/dev/null >"$tree/.series-checked.new" || true
	mv "$tree/.series-checked.new" "$tree/.series-checked"
	i=0
	while read -r p; do
		i=$((i + 1))
		[ "$i" -gt "$skip" ] || continue
		(cd "$tree" && patch -p1 -s --no-backup-if-mismatch <"$TOP/patches/$p") ||
			die "$p does not apply to ${tree#$TOP/}"
		echo "$p" >>"$tree/.series-applied"
		mkdir -p "$tree/.series-saved"
		cp "$TOP/patches/$p" "$tree/.series-saved/$p"
		for f in $(files_of "$p"); do
			mkdir -p "$tree/$(dirname "$f")"
			cp -p "$TOP/$f" "$tree/$f"
		done
		start=$(date +%s)
		# Configure again: the patch may have added the options we ask for.
		rm -f "$obj/.fragments"
		if ! BUILD=$BUILD "$(dirname "$0")/kbuild.sh" series-tree bisect >>"$out/bisect.log" 2>&1; then
			echo "not ok build at $i/$n $p (build/series/bisect.log)"
			fail=1
			continue
		fi
		echo "ok build at $i/$n $p ($(($(date +%s) - start)) s)"
		log=$out/boot-$i.log
		rc=0
		/usr/bin/python3 "$(dirname "$0")/qemu-run.py" --kernel "$obj/arch/x86/boot/bzImage" \
			--run scripts/harness/guest/hello.sh --results "$out/boot-results" \
			--log "$log" --timeout 300 --quiet </dev/null >>"$out/bisect.log" 2>&1 || rc=$?
		bad=$(/usr/bin/python3 "$(dirname "$0")/report.py" --scan "$log" | head -n 8 || true)
		kunit_fail=$(grep -E '^(\[ *[0-9.]+\] )? *not ok [0-9]+ ' "$log" | head -n 3 || true)
		kunit_ok=$(grep -cE '^(\[ *[0-9.]+\] )? *ok [0-9]+ ' "$log" || true)
		if [ $rc -ne 0 ] || [ -n "$bad" ] || [ -n "$kunit_fail" ]; then
			echo "not ok boot at $i/$n $p (qemu-run exit $rc; ${log#$TOP/})"
			[ -z "$bad$kunit_fail" ] || printf '    %s\n' "$bad" "$kunit_fail"
			fail=1
		else
			echo "ok boot at $i/$n $p ($kunit_ok KUnit results ok)"
			# Only an unbroken run of good patches counts for a resume.
			[ "$(wc -l <"$tree/.series-checked")" -ne $((i - 1)) ] ||
				echo "$p" >>"$tree/.series-checked"
		fi
	done < <(series)
fi

echo "==> the series is in ${out#$TOP/}: $(ls "$out"/*.patch | wc -l) mails"
[ $fail -eq 0 ] || die "some checks of the series failed (see above)"

#!/bin/bash
# make docs: Documentation/filesystems, revoke.rst and its API reference
# among it, as HTML by the kernel's own `make htmldocs`, in build/obj-docs.
#
# Fails if Sphinx or kernel-doc warns about anything of ours (revoke.rst,
# the kernel-doc of fs/revoke.c and include/linux/revoke.h, the
# filesystems index), if revoke.html is missing or the filesystems index
# does not link to it.  Warnings about the base's own documents are
# counted, not failed on: a build of one directory cannot resolve their
# links into the others.
set -eu
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

src=$BUILD/src
obj=$BUILD/obj-docs
out=$obj/Documentation/output/filesystems
log=$obj/htmldocs.log
[ -d "$src" ] || die "no build/src: run 'make assemble' first"
command -v sphinx-build >/dev/null ||
	die "no sphinx-build: run 'make docs' (it installs python3-sphinx) or install python3-sphinx"

mkdir -p "$obj"
step "make htmldocs SPHINXDIRS=filesystems in ${obj#"$TOP"/} (log: ${log#"$TOP"/})"
start=$(date +%s)
if ! make -C "$src" O="$obj" SPHINXDIRS=filesystems htmldocs >"$log" 2>&1; then
	tail -n 20 "$log" >&2
	die "make htmldocs failed (log: ${log#"$TOP"/})"
fi

ours='revoke\.(rst|c|h)|filesystems/revoke:|filesystems/index\.rst|revokable|revoke_|start_using|stop_using|with_files?_ops'
bad=$(grep -iE 'warning|error' "$log" | grep -E "$ours" || true)
others=$(grep -iE 'warning|error' "$log" | grep -vE "$ours" | grep -vc 'dot(1) not found' || true)
fail=0
if [ -n "$bad" ]; then
	echo "not ok no warning about our documentation"
	printf '    %s\n' "$bad"
	fail=1
else
	echo "ok no warning about our documentation"
fi
if [ -f "$out/revoke.html" ] && grep -q 'id="c.revoke_it"' "$out/revoke.html" &&
	grep -q 'id="c.revokable_ops"' "$out/revoke.html"; then
	echo "ok revoke.html has the API reference (revoke_it, struct revokable_ops)"
else
	echo "not ok revoke.html has the API reference (${out#"$TOP"/}/revoke.html)"
	fail=1
fi
if grep -q 'href="revoke.html"' "$out/index.html" 2>/dev/null; then
	echo "ok the filesystems index links to revoke.html"
else
	echo "not ok the filesystems index links to revoke.html"
	fail=1
fi
echo "docs: $others warnings about the base's documents (see the log), built in $(($(date +%s) - start)) s"
[ $fail -eq 0 ] || die "the documentation has problems (see above; log: ${log#"$TOP"/})"
echo "==> open ${out#"$TOP"/}/revoke.html"

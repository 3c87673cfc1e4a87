#!/bin/bash
# Debian packages of the patched kernel, and a boot of the packaged kernel.
#
#   deb.sh build [MODULE-LIST]   build/deb/*.deb, by `make bindeb-pkg`
#   deb.sh check                 boot the packaged image under QEMU and run
#                                scripts/harness/guest/deb-check.sh in it
#
# The config is Debian's own for the pinned version (linux-config-6.12,
# config.amd64_none_amd64), trimmed with `make localmodconfig` to the
# modules of MODULE-LIST (lsmod output, /proc/modules, or one name a line
# with '#' comments; default scripts/harness/configs/deb-modules.txt),
# with scripts/harness/configs/deb.config merged on top.  Every option of
# deb.config must survive olddefconfig, and CONFIG_REVOKE must be set.
set -eu
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

src=$BUILD/src
obj=$BUILD/obj-deb
out=$BUILD/deb
root=$BUILD/deb-root
cfgdir=$TOP/scripts/harness/configs
CONFIG_PKG=linux-config-6.12
DEBIAN_CONFIG=/usr/src/linux-config-6.12/config.amd64_none_amd64.xz
# Modules that `make deb-check` loads in the guest: kept whatever the list.
CHECK_MODULES=(snd_dummy snd_virmidi snd_aloop snd_usb_audio xhci_pci overlay)
# The Debian version of the packages: the base's, marked as ours.
PKG_VERSION=$BASE_VERSION+revoke1

kbuild_env

# The config: Debian's, localmodconfig, deb.config, olddefconfig.
configure() {
	local list=$1 have bad=0
	have=$(dpkg-query -W -f='${Version}' "$CONFIG_PKG" 2>/dev/null || true)
	[ "$have" = "$BASE_VERSION" ] ||
		die "$CONFIG_PKG ${have:-is not installed}; the pin (base.conf) wants $BASE_VERSION. Run 'make deps'."
	[ -f "$DEBIAN_CONFIG" ] || die "$DEBIAN_CONFIG is missing; reinstall $CONFIG_PKG"
	[ -r "$list" ] || die "no module list at $list (LSMOD=)"

	mkdir -p "$obj"
	# The module names alone, in a file of our own: streamline_config.pl
	# runs an executable LSMOD instead of reading it.
	{
		sed -e 's/#.*//' -e '/^Module[[:space:]]/d' "$list" | awk 'NF {print $1}'
		printf '%s\n' "${CHECK_MODULES[@]}"
	} | sort -u >"$obj/.lsmod.new"
	[ -s "$obj/.lsmod.new" ] || die "the module list $list names no module"
	{
		sha256sum "$DEBIAN_CONFIG" "$cfgdir/deb.config" "$obj/.lsmod.new" | cut -d' ' -f1
		cat "$src/.base-sha256"
	} >"$obj/.inputs.new"
	if cmp -s "$obj/.inputs.new" "$obj/.inputs" && [ -f "$obj/.config" ] &&
		[ ! "$src/.base-sha256" -nt "$obj/.config" ]; then
		return 0
	fi
	step "configuring the deb kernel: Debian's config, $(wc -l <"$obj/.lsmod.new") modules from ${list#"$TOP"/}, deb.config"
	mv "$obj/.lsmod.new" "$obj/.lsmod"
	xz -dc "$DEBIAN_CONFIG" >"$obj/.config" || die "cannot read $DEBIAN_CONFIG"
	kmake LSMOD="$obj/.lsmod" localmodconfig >"$obj/config.log" 2>&1 ||
		{ tail -n 20 "$obj/config.log" >&2; die "make localmodconfig failed (log: ${obj#"$TOP"/}/config.log)"; }
	(cd "$obj" && KCONFIG_CONFIG=.config "$src/scripts/kconfig/merge_config.sh" \
		-m -O "$obj" .config "$cfgdir/deb.config" >>"$obj/config.log" 2>&1) ||
		{ tail -n 20 "$obj/config.log" >&2; die "merge_config.sh failed (log: ${obj#"$TOP"/}/config.log)"; }
	kmake olddefconfig >>"$obj/config.log" 2>&1 ||
		{ tail -n 20 "$obj/config.log" >&2; die "make olddefconfig failed (log: ${obj#"$TOP"/}/config.log)"; }
	config_lost "$obj/.config" "" "$cfgdir/deb.config" || bad=1
	grep -qx 'CONFIG_REVOKE=y' "$obj/.config" ||
		{ echo "config: CONFIG_REVOKE is not set: is the series applied in build/src?" >&2; bad=1; }
	[ $bad -eq 0 ] || die "the deb config lost options (see above; log: ${obj#"$TOP"/}/config.log)"
	mv "$obj/.inputs.new" "$obj/.inputs"
	echo "deb: $(grep -c '=m$' "$obj/.config") modules, $(grep -c '=y$' "$obj/.config") options built in"
}

build() {
	local list=${1:-$cfgdir/deb-modules.txt} krel start dist f
	[ -d "$src" ] || die "no build/src: run 'make assemble' first"
	configure "$list"
	# shellcheck source=/dev/null
	dist=$(. /etc/os-release && echo "${VERSION_CODENAME:-unstable}")
	step "building the deb packages in ${obj#"$TOP"/} (log: ${obj#"$TOP"/}/build.log)"
	start=$(date +%s)
	# bindeb-pkg writes the packages to the parent of the output dir, build/.
	rm -f "$BUILD"/linux-*_"$PKG_VERSION"_*.deb "$BUILD"/linux-upstream_"$PKG_VERSION"_*
	if ! KDEB_PKGVERSION=$PKG_VERSION KDEB_CHANGELOG_DIST=$dist \
		DEBFULLNAME="revoke build" DEBEMAIL="revoke@build" \
		kmake bindeb-pkg >"$obj/build.log" 2>&1; then
		grep -E 'error|Error' "$obj/build.log" | tail -n 20 >&2
		tail -n 20 "$obj/build.log" >&2
		die "make bindeb-pkg failed (full log: ${obj#"$TOP"/}/build.log)"
	fi
	grep -E 'warning:' "$obj/build.log" >&2 || true
	krel=$(cat "$obj/include/config/kernel.release") || die "no kernel release in ${obj#"$TOP"/}"
	rm -rf "$out"
	mkdir -p "$out"
	for f in "$BUILD"/linux-*_"$PKG_VERSION"_*.deb "$BUILD"/linux-upstream_"$PKG_VERSION"_*; do
		[ -e "$f" ] || continue
		mv "$f" "$out/"
	done
	ls "$out"/linux-image-"$krel"_*.deb >/dev/null 2>&1 ||
		die "make bindeb-pkg made no linux-image-$krel package (log: ${obj#"$TOP"/}/build.log)"
	step "built in $(( ($(date +%s) - start) / 60 )) min $(( ($(date +%s) - start) % 60 )) s: ${out#"$TOP"/}/"
	for f in "$out"/*.deb; do
		printf '    %-60s %s\n' "${f##*/}" "$(du -h --apparent-size "$f" | cut -f1)"
	done
	echo "install: dpkg -i ${out#"$TOP"/}/linux-image-${krel}_${PKG_VERSION}_amd64.deb"
}

check() {
	local img pkg krel rc=0 f
	local -a imgs
	mapfile -t imgs < <(find "$out" -maxdepth 1 -name 'linux-image-*.deb' ! -name '*-dbg_*' 2>/dev/null | sort)
	[ ${#imgs[@]} -eq 1 ] ||
		die "want one linux-image package in ${out#"$TOP"/}, found ${#imgs[@]}: run 'make deb'"
	img=${imgs[0]}
	step "checking ${img#"$TOP"/}"
	: >"$out/check.host"
	dpkg-deb --info "$img" >"$out/info.txt" 2>&1 ||
		die "dpkg-deb --info failed on ${img#"$TOP"/}: $(head -n 3 "$out/info.txt")"
	pkg=$(dpkg-deb -f "$img" Package)
	krel=${pkg#linux-image-}
	[ "$krel" != "$pkg" ] || die "${img#"$TOP"/} is package $pkg, not linux-image-*"
	dpkg-deb --contents "$img" >"$out/contents.txt" 2>&1 ||
		die "dpkg-deb --contents failed on ${img#"$TOP"/}: $(head -n 3 "$out/contents.txt")"
	for f in "boot/vmlinuz-$krel" "boot/System.map-$krel" "boot/config-$krel" \
		"lib/modules/$krel/" "lib/modules/$krel/modules.dep" \
		"lib/modules/$krel/kernel/sound/drivers/snd-dummy.ko.xz"; do
		if grep -qE "[[:space:]]\./$f\$" "$out/contents.txt"; then
			echo "ok package has /$f" >>"$out/check.host"
		else
			echo "not ok package has /$f" >>"$out/check.host"
		fi
	done
	rm -rf "$root"
	dpkg-deb -x "$img" "$root" || die "dpkg-deb -x ${img#"$TOP"/} failed"
	if grep -qx 'CONFIG_REVOKE=y' "$root/boot/config-$krel" 2>/dev/null; then
		echo "ok packaged config has CONFIG_REVOKE=y" >>"$out/check.host"
	else
		echo "not ok packaged config has CONFIG_REVOKE=y" >>"$out/check.host"
	fi
	cat "$out/check.host"
	[ -f "$root/boot/vmlinuz-$krel" ] || die "no boot/vmlinuz-$krel in ${img#"$TOP"/}"
	[ -x "$BUILD/kselftest/run_kselftest.sh" ] || die "no kselftests in build/kselftest: run 'make selftests'"

	step "booting ${root#"$TOP"/}/boot/vmlinuz-$krel (timeout ${TIMEOUT:-900} s, console log: build/deb-check.log)"
	/usr/bin/python3 "$TOP/scripts/harness/qemu-run.py" --kernel "$root/boot/vmlinuz-$krel" \
		--run scripts/harness/guest/deb-check.sh --results "$BUILD/results-deb" \
		--log "$BUILD/deb-check.log" --timeout "${TIMEOUT:-900}" --quiet || rc=$?
	step "results (console log: build/deb-check.log)"
	/usr/bin/python3 - "$TOP" "$BUILD" "$pkg" "$rc" <<-'EOF'
	import os, re, sys
	top, build, pkg, rc = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
	sys.path.insert(0, os.path.join(top, "scripts/harness"))
	from report import kselftest_results, print_rows, splat_results
	res = os.path.join(build, "results-deb")
	log = os.path.join(build, "deb-check.log")
	rows = []
	def lines(path, prefix):
	    if not os.path.exists(path):
	        rows.append((prefix + "results", False, False, "missing: " + path))
	        return
	    for line in open(path, errors="replace"):
	        m = re.match(r"^(ok|not ok) (.*?)(?:\s+#\s*(.*))?$", line.rstrip("\n"))
	        if m:
	            rows.append((prefix + m.group(2), m.group(1) == "ok", False, m.group(3) or ""))
	lines(os.path.join(build, "deb/check.host"), "host: ")
	rows.append(("guest: booted and ran deb-check.sh", rc == 0, False,
	             {1: "deb-check.sh failed", 2: "the guest did not boot", 3: "timeout",
	              4: "the guest died before finishing"}.get(rc, "")))
	lines(os.path.join(res, "deb-check.txt"), "guest: ")
	ks = kselftest_results(os.path.join(res, "kselftest.tap"))
	if not ks:
	    rows.append(("kselftest: results", False, False, "no kselftest results from the guest"))
	else:
	    rows.extend(ks)
	if os.path.exists(log):
	    rows.extend(splat_results(log))
	else:
	    rows.append(("log: console log", False, False, "missing: " + log))
	passed, failed, skipped = print_rows(rows, tap=True)
	verdict = "PASS" if failed == 0 else "FAIL"
	print("deb-check: %s %s: %d passed, %d failed, %d skipped" %
	      (verdict, pkg, passed, failed, skipped))
	sys.exit(1 if failed else 0)
	EOF
}

case ${1:-} in
build) build "${2:-}" ;;
check) check ;;
*) die "usage: deb.sh build [MODULE-LIST] | deb.sh check" ;;
esac

#!/bin/bash
# Configure and build one kernel.
#
#   kbuild.sh TREE FLAVOUR   TREE: src|base|series-tree
#                            FLAVOUR: run|check|bisect
#
# The .config is tinyconfig with scripts/harness/configs/common.config and
# FLAVOUR.config merged on top (scripts/kconfig/merge_config.sh), plus the
# `config` fragment of every selftest dir of ours for the check kernel;
# bisect is the run config plus bisect.config (make series).
# Every option asked for must survive olddefconfig, or this fails; in a
# tree other than src, options its Kconfig files do not define are skipped.
set -eu
. "$(dirname "$0")/lib.sh"

tree=$1 flavour=$2
src=$BUILD/$tree
obj=$BUILD/obj-$tree-$flavour
cfgdir=$TOP/scripts/harness/configs
frags=("$cfgdir/common.config" "$cfgdir/$flavour.config")
[ "$flavour" = bisect ] && frags=("$cfgdir/common.config" "$cfgdir/run.config" "$cfgdir/bisect.config")
if [ "$flavour" = check ]; then
	for f in "$TOP"/tools/testing/selftests/revoke*/config; do
		[ -f "$f" ] && frags+=("$f")
	done
fi

kbuild_env
ccache -M 10G >/dev/null
# An object tree takes up to 0.5 GB (a debug one), a cold ccache 1 GB more.
need_space "$BUILD" 1500 "building the $tree/$flavour kernel"
need_space "$CCACHE_DIR" 1500 "building the $tree/$flavour kernel"

mkdir -p "$obj"
cat "${frags[@]}" >"$obj/.fragments.new"
if ! cmp -s "$obj/.fragments.new" "$obj/.fragments" || [ ! -f "$obj/.config" ] ||
	[ "$src/.base-sha256" -nt "$obj/.config" ]; then
	step "configuring $tree/$flavour kernel"
	kmake tinyconfig >/dev/null
	(cd "$obj" && KCONFIG_CONFIG=.config "$src/scripts/kconfig/merge_config.sh" \
		-m -O "$obj" .config "${frags[@]}" >"$obj/.merge.log" 2>&1) ||
		{ cat "$obj/.merge.log" >&2; die "merge_config.sh failed"; }
	kmake olddefconfig
	# Every option we asked for must have survived. On the unpatched
	# base, or part way through the series, options that only the series
	# (or a later patch of it) adds do not exist: skip those.
	known=
	if [ "$tree" != src ]; then
		known=$(find "$src" -name 'Kconfig*' -exec sed -nE \
			's/^[[:space:]]*(menu)?config[[:space:]]+([A-Za-z0-9_]+).*/CONFIG_\2/p' {} + | sort -u)
	fi
	config_lost "$obj/.config" "$known" "${frags[@]}" ||
		die "the $flavour config lost options (see above)"
	mv "$obj/.fragments.new" "$obj/.fragments"
fi
step "building $tree/$flavour kernel in ${obj#$TOP/}"
if ! kmake bzImage 2>"$obj/build.log.err"; then
	tail -n 40 "$obj/build.log.err" >&2
	die "the $tree/$flavour kernel does not build (full log: ${obj#$TOP/}/build.log.err)"
fi
grep -E 'warning:' "$obj/build.log.err" >&2 || true

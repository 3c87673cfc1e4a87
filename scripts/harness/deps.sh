#!/bin/bash
# Install what the project needs from Debian's packages, and the pinned
# kernel base, and the packages named as arguments (make docs).  Does
# nothing when everything is already there.
set -eu
. "$(dirname "$0")/lib.sh"

PKGS="build-essential gcc make flex bison bc libelf-dev libssl-dev dwarves
ccache quilt perl python3 cpio kmod rsync xz-utils
qemu-system-x86 expect alsa-utils libasound2-dev socat sparse gcc-m68k-linux-gnu
util-linux login passwd
dpkg-dev debhelper
$*"
# Debian's configs of the base version: `make deb` starts from them.
CONFIG_PKG=linux-config-6.12

missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
have=$(dpkg-query -W -f='${Version}' "$BASE_PKG" 2>/dev/null || true)
[ "$have" = "$BASE_VERSION" ] || missing="$missing $BASE_PKG=$BASE_VERSION"
have_config=$(dpkg-query -W -f='${Version}' "$CONFIG_PKG" 2>/dev/null || true)
[ "$have_config" = "$BASE_VERSION" ] || missing="$missing $CONFIG_PKG=$BASE_VERSION"

[ -z "$missing" ] && exit 0

step "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
as_root apt-get update -q >/dev/null || die "apt-get update failed"

for pkg in "$BASE_PKG" "$CONFIG_PKG"; do
	case " $missing " in *" $pkg=$BASE_VERSION "*) ;; *) continue ;; esac
	avail=$(apt-cache madison "$pkg" 2>/dev/null | awk '{print $3}' | tr '\n' ' ')
	if ! apt-cache madison "$pkg" 2>/dev/null | awk '{print $3}' |
		grep -qxF "$BASE_VERSION"; then
		die "the pinned base $pkg=$BASE_VERSION is not available.
  available versions: ${avail:-none}
  change BASE_VERSION and BASE_SHA256 in base.conf to move the pin"
	fi
done
# shellcheck disable=SC2086
as_root apt-get install -y -q --allow-downgrades $missing ||
	die "apt-get install failed for:$missing"

#!/bin/bash
# Install what the project needs from Debian's packages, and the pinned
# kernel base.  Does nothing when everything is already there.
set -eu
. "$(dirname "$0")/lib.sh"

PKGS="build-essential gcc make flex bison bc libelf-dev libssl-dev dwarves
ccache quilt perl python3 cpio kmod rsync xz-utils
qemu-system-x86 expect alsa-utils libasound2-dev socat sparse
util-linux login passwd"

missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
have=$(dpkg-query -W -f='${Version}' "$BASE_PKG" 2>/dev/null || true)
[ "$have" = "$BASE_VERSION" ] || missing="$missing $BASE_PKG=$BASE_VERSION"

[ -z "$missing" ] && exit 0

step "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
as_root apt-get update -q >/dev/null || die "apt-get update failed"

if [ "$have" != "$BASE_VERSION" ]; then
	avail=$(apt-cache madison "$BASE_PKG" 2>/dev/null | awk '{print $3}' | tr '\n' ' ')
	if ! apt-cache madison "$BASE_PKG" 2>/dev/null | awk '{print $3}' |
		grep -qxF "$BASE_VERSION"; then
		die "the pinned base $BASE_PKG=$BASE_VERSION is not available.
  available versions: ${avail:-none}
  change BASE_VERSION and BASE_SHA256 in base.conf to move the pin"
	fi
fi
# shellcheck disable=SC2086
as_root apt-get install -y -q --allow-downgrades $missing ||
	die "apt-get install failed for:$missing"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# aplay on a USB audio device that is unplugged mid-stream, in read/write
# and in mmap (-M) mode: it must end with exit status 1 and its usual write
# error, never be killed by a signal; the card must then be gone from
# /proc/asound/cards and aplay -l, and play again once plugged back in.
#
# In read/write mode the error depends on when the card is disconnected,
# on the unpatched kernel as on the patched one.  aplay is blocked in a
# write that waits for room.  If that write has not copied a frame yet,
# the disconnect ends it with EBADFD ("File descriptor in bad state"); if
# it has copied part of its chunk, it returns that part, and aplay's next
# write meets the disconnected file: ENODEV ("No such device").  Either is
# accepted there; anything else is not.
#
# The device is QEMU's usb-audio; the unplug is a QMP device_del, which the
# revoke harness carries out for the guest when asked through
# $REVOKE_RESULTS.  Without the harness: skip.

ksft_skip=4
R=${REVOKE_RESULTS:-}
DEV=usbaudio0
fails=0

skip() { echo "SKIP: $*"; exit $ksft_skip; }
[ -n "$R" ] && [ -d "$R" ] || skip "no host channel (run under the revoke harness)"
command -v aplay >/dev/null || skip "aplay is not installed"

# host NAME JSON: have the host run a QMP command; fail unless it worked.
host() {
	local name=$1-$$-$RANDOM i
	echo "$2" >"$R/host-req-$name.json.tmp"
	mv "$R/host-req-$name.json.tmp" "$R/host-req-$name.json"
	for i in $(seq 300); do
		[ -f "$R/host-rep-$name.json" ] && break
		sleep 0.1
	done
	[ -f "$R/host-rep-$name.json" ] || { echo "no answer from the host to $2"; return 1; }
	grep -q '"return"' "$R/host-rep-$name.json" ||
		{ echo "host: $2 -> $(cat "$R/host-rep-$name.json")"; return 1; }
}

usb_card() {
	sed -n 's/^ *\([0-9]*\) \[.*\]: USB-Audio - .*/\1/p' /proc/asound/cards | head -n 1
}

# wait_for SECS CMD...: until CMD succeeds.
wait_for() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.1
	done
}

has_card() { [ -n "$(usb_card)" ]; }
no_card() { [ -z "$(usb_card)" ]; }
running() { grep -q 'state: RUNNING' "/proc/asound/card$1/pcm0p/sub0/status" 2>/dev/null; }

plug() {
	has_card && return 0
	host plug '{"qmp": "device_add", "args": {"driver": "usb-audio",'\
' "id": "'$DEV'", "bus": "xhci.0", "audiodev": "snd0"}}' || return 1
	wait_for 30 has_card
}

# one MODE-NAME EXPECTED-ERRORS [aplay options]: EXPECTED-ERRORS is a grep -E
# pattern of the write errors aplay may report.
one() {
	local name=$1 want=$2 card pid rc err=/tmp/usb_unplug.$1.err
	shift 2
	if ! plug; then
		echo "not ok $name: the USB audio card is not there"
		fails=$((fails + 1))
		return
	fi
	card=$(usb_card)
	aplay -D "hw:$card,0" -t raw -f S16_LE -r 48000 -c 2 "$@" /dev/zero 2>"$err" &
	pid=$!
	if ! wait_for 20 running "$card"; then
		echo "not ok $name: aplay did not start playing"
		kill -9 $pid
		cat "$err"
		fails=$((fails + 1))
		return
	fi
	sleep 1
	if ! host unplug '{"qmp": "device_del", "args": {"id": "'$DEV'"}}'; then
		echo "not ok $name: the host could not unplug the device"
		kill -9 $pid
		fails=$((fails + 1))
		return
	fi
	if ! wait_for 30 eval "! kill -0 $pid 2>/dev/null"; then
		echo "not ok $name: aplay still runs 30 s after the unplug"
		kill -9 $pid
		fails=$((fails + 1))
		return
	fi
	wait $pid
	rc=$?
	echo "# $name: aplay exit status $rc, stderr:"
	sed 's/^/#   /' "$err"
	if [ $rc -gt 128 ]; then
		echo "not ok $name: aplay was killed by signal $((rc - 128))"
		fails=$((fails + 1))
	elif [ $rc -ne 1 ]; then
		echo "not ok $name: aplay exit status $rc, expected 1"
		fails=$((fails + 1))
	elif ! grep -Eq "write error: ($want)\$" "$err"; then
		echo "not ok $name: aplay did not report '$want'"
		fails=$((fails + 1))
	else
		got=$(grep -Eo "write error: .*" "$err")
		echo "ok $name: aplay ended with status 1 and '$got'"
	fi
	if ! wait_for 30 eval "no_card && ! aplay -l 2>/dev/null | grep -q '^card $card:'"; then
		echo "not ok $name: card $card is still listed 30 s after the unplug"
		aplay -l
		fails=$((fails + 1))
	else
		echo "ok $name: card $card is gone from /proc/asound/cards and aplay -l"
	fi
}

one rw "File descriptor in bad state|No such device"
one mmap "No such device" -M
# Plugged in again, the device plays as before.
if ! plug; then
	echo "not ok replug: the USB audio card did not come back"
	fails=$((fails + 1))
elif ! timeout 20 aplay -q -D "hw:$(usb_card),0" -t raw -f S16_LE -r 48000 -c 2 -d 1 /dev/zero; then
	echo "not ok replug: aplay failed on the card plugged in again"
	fails=$((fails + 1))
else
	echo "ok replug: card $(usb_card) is back and plays"
fi
exit $((fails ? 1 : 0))

#!/bin/bash
# The demonstration of `make run` without a terminal: a real login on a
# serial line, whose vhangup() cuts off an fd kept from before, and a USB
# audio device unplugged under aplay.
KS=$REVOKE_TOP/build/kselftest
rc=0
echo "demo: $(uname -r), $(nproc) CPUs"
echo
echo "demo: 1. log in on ttyS1 through agetty and login(1); a process kept"
echo "demo:    an fd of ttyS1 from before the login; login's vhangup() cuts it off."
"$KS/revoke-tty/login_test.sh" || rc=1
echo
echo "demo: 2. aplay plays to a USB audio device, which is unplugged mid-stream."
"$KS/revoke-alsa/usb_unplug_test.sh" || rc=1
echo
echo "demo: done, status $rc"
exit $rc

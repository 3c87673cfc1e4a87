#!/bin/bash
# The guest half of `make check`: run the installed kselftests with the
# kselftest runner; the TAP goes to the results share for the host to read.
R=$REVOKE_RESULTS
KS=$REVOKE_TOP/build/kselftest
echo "check: $(nproc) CPUs online, $(uname -r)"
[ -x "$KS/run_kselftest.sh" ] || { echo "check: no kselftests installed in $KS"; exit 1; }
cd "$KS" || exit 1
# Progress on the console, the full TAP in the results share.
./run_kselftest.sh 2>&1 | tee "$R/kselftest.tap" | grep -E '^(not )?ok ' 
echo "check: kselftests done"
dmesg >"$R/dmesg.txt"
exit 0

#!/bin/bash
# The guest half of `make bench`: run the benchmark, figures to the results
# share. Under -icount the guest clock counts instructions.
B=$REVOKE_TOP/build/kselftest/revoke/revoke_bench
[ -x "$B" ] || { echo "bench: no $B"; exit 1; }
echo "bench: $(uname -r), $(nproc) CPUs"
"$B" >"$REVOKE_RESULTS/bench.json" 2>"$REVOKE_RESULTS/bench.err"
rc=$?
cat "$REVOKE_RESULTS/bench.err"
echo "bench: status $rc"
exit $rc

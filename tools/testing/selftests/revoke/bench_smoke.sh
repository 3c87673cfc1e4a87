#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A quick run of revoke_bench, so that the benchmark of `make bench` keeps
# working: every operation must report a figure.
DIR=$(dirname "$0")
OUT=$("$DIR/revoke_bench" --quick) || { echo "revoke_bench failed"; exit 1; }
echo "$OUT"
for op in null_read pipe_write_read pipe_poll pipe_fionread tmpfs_pread \
	  tmpfs_lseek pty_write_read pty_tcgets pty_poll pty_tcgets_2cpu \
	  tiocvhangup_1 tiocvhangup_100 tiocvhangup_1000 pcm_sync_ptr pcm_status \
	  ctl_elem_read snd_disconnect_1 snd_disconnect_100; do
	echo "$OUT" | grep -q "\"op\": \"$op\"" || { echo "no figure for $op"; exit 1; }
done
exit 0

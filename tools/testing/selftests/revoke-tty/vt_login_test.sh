#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# login_test.sh on virtual terminal tty6: agetty, login(1) and a shell
# there, the old fds cut off by the logout and by vhangup(2).
exec "$(dirname "$0")/login_test.sh" vt

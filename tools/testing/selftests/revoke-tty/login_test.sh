#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# An expect script; for sh, the next line runs expect on it (for Tcl the \
exec expect -f "$0" "$@"
# comment above goes on over that line, so expect never runs it).
#
# Real logins on a serial line: agetty on ttyS1, driven from ttyS2 (the
# harness joins the two like a null-modem cable), login(1) and a shell.
# In the first session a background process opens the line and ignores
# SIGHUP; then the user logs out.  The exit of the session leader hangs
# the line up (disassociate_ctty -> tty_vhangup_session), which must cut
# that process off: through the second login it must neither read the
# new session's input nor write into it.
#
# Debian bookworm's login(1) (shadow) does not call vhangup(2), and
# agetty -R calls it only after TIOCNOTTY has dropped the controlling tty,
# so on this userland the logout hangup is the one that protects the next
# session; vhangup(2) itself is covered by hangup_test.
#
# Needs the test account revoke/revoke the harness creates.
# Exit status: 0 pass, 1 fail, 4 skip (kselftest).

set timeout 60
set here [file dirname [info script]]
set spyout /tmp/login_test.spy
file delete -force $spyout
set stop /tmp/login_test.stop

proc skip {msg} { puts "SKIP: $msg"; exit 4 }
proc fail {msg} {
	global stop spyout
	puts "FAIL: $msg"
	catch {exec touch $stop}
	catch {exec sleep 0.5}
	catch {puts [exec cat $spyout]}
	catch {exec pkill -KILL -t ttyS1}
	exit 1
}

foreach f {/dev/ttyS1 /dev/ttyS2 /sbin/agetty /bin/login} {
	if {![file exists $f]} { skip "$f is missing" }
}
if {[catch {exec id revoke}]} { skip "no test account 'revoke'" }
if {![file executable $here/tty_spy]} { fail "tty_spy is not built" }
file delete -force $spyout $stop
# The test account runs the spy: give it a copy it can reach.
set spy /tmp/login_test.tty_spy
file copy -force $here/tty_spy $spy
file attributes $spy -permissions 0755

exec stty -F /dev/ttyS2 115200 raw -echo clocal
spawn -noecho -open [open /dev/ttyS2 r+]
expect_before {
	"SPY-WRITE" { fail "the old fd wrote into the new session" }
}

# login: start agetty on ttyS1 and log in as the test account.
proc login {} {
	exec setsid /sbin/agetty -L 115200 ttyS1 vt100 &
	# agetty prints its prompt when it opens the line; poke it until it does.
	set tries 0
	while 1 {
		send "\r"
		expect {
			"login: " break
			timeout { if {[incr tries] > 3} { fail "no login prompt from agetty" } }
		}
	}
	send "revoke\r"
	expect {
		"assword: " {}
		timeout { fail "no password prompt" }
	}
	send "revoke\r"
	expect {
		-re {\$ $} {}
		"incorrect" { fail "login refused the test account" }
		timeout { fail "no shell prompt after login" }
	}
	send "PS1='READY> '\r"
	expect {
		"READY> " {}
		timeout { fail "the session does not answer" }
	}
}

# wait_spy WORD: until the spy has reported WORD.
proc wait_spy {word} {
	global spyout
	for {set i 0} {$i < 100} {incr i} {
		if {[catch {exec grep -q $word $spyout}] == 0} { return 1 }
		after 100
	}
	return 0
}

# First session: a background job keeps an fd of the line, then logout.
login
send "$spy /dev/ttyS1 $stop > $spyout 2>&1 & disown\r"
expect "READY> "
if {![wait_spy opened]} { fail "the spy did not open /dev/ttyS1" }
send "exit\r"
if {![wait_spy hungup]} { fail "the logout did not hang up the old fd" }

# Second session.
login
send "echo SESSION-\$((6*7)) \$(tty)\r"
expect {
	"SESSION-42 /dev/ttyS1" {}
	timeout { fail "the session does not run commands" }
}
# Type a secret into the session; the spy must not see it.
send "read -r line; echo got=\$line\r"
after 200
send "TOPSECRET-INPUT\r"
expect {
	"got=TOPSECRET-INPUT" {}
	timeout { fail "the session did not get its input" }
}
expect "READY> "
# Let the spy try a little longer while the session is live.
after 1000
send "echo STILL-\$((7*6))\r"
expect {
	"STILL-42" {}
	timeout { fail "the session stopped answering" }
}
exec touch $stop
for {set i 0} {$i < 100} {incr i} {
	if {[catch {exec grep -q write_eio $spyout}] == 0} break
	after 100
}
set report [exec cat $spyout]
puts $report
send "exit\r"
catch {exec pkill -KILL -t ttyS1}
catch {close}

if {[string first "TOPSECRET" $report] >= 0} { fail "the old fd read the new session's input" }
if {![regexp {data=0\n} $report]} { fail "the old fd read data after the hangup" }
if {![regexp {write_ok=0\n} $report]} { fail "the old fd wrote after the hangup" }
if {![regexp {read_eof=[1-9]} $report]} { fail "reads on the old fd did not return 0" }
if {![regexp {write_eio=[1-9]} $report]} { fail "writes on the old fd did not fail with EIO" }
puts "PASS: logins on ttyS1; the fd left from the first session was cut off"
exit 0

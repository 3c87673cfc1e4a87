#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# An expect script; for sh, the next line runs expect on it (for Tcl the \
exec expect -f "$0" "$@"
# comment above goes on over that line, so expect never runs it).
#
# Real logins on a serial line: agetty on ttyS1, driven from ttyS2 (the
# harness joins the two like a null-modem cable), login(1) and a shell.
# With the argument "vt", the same on virtual terminal tty6, driven by
# vt_term, which types into it and reads its screen.
# In the first session a background process opens the line and ignores
# SIGHUP; then the user logs out.  The exit of the session leader hangs
# the line up (disassociate_ctty -> tty_vhangup_session), which must cut
# that process off: through the second login it must neither read the
# new session's input nor write into it.
#
# Then the same through vhangup(2): a process outside any session opens
# the line while nobody is logged in, and the third login must cut it off
# before it asks for the password.  Debian bookworm's login(1) (shadow)
# does not call vhangup(2), and agetty -R calls it only after TIOCNOTTY
# has dropped the controlling tty, so agetty runs vhangup_login, which
# calls vhangup(2) as util-linux login(1) does and then execs login(1).
#
# Needs the test account revoke/revoke the harness creates.
# Exit status: 0 pass, 1 fail, 4 skip (kselftest).

set timeout 60
set here [file dirname [info script]]
if {[lindex $argv 0] eq "vt"} {
	set line tty6
	set getty_args [list --noclear $line linux]
} else {
	set line ttyS1
	set getty_args [list -L 115200 $line vt100]
}
set spyout /tmp/login_test.spy
set stop /tmp/login_test.stop
set spyout2 /tmp/login_test.spy2
set stop2 /tmp/login_test.stop2
file delete -force $spyout $stop $spyout2 $stop2

proc skip {msg} { puts "SKIP: $msg"; exit 4 }
proc fail {msg} {
	global stop spyout stop2 spyout2
	puts "FAIL: $msg"
	catch {exec touch $stop $stop2}
	catch {exec sleep 0.5}
	catch {puts [exec cat $spyout]}
	catch {puts [exec cat $spyout2]}
	catch {exec pkill -KILL -t $line}
	exit 1
}

if {$line eq "ttyS1"} {
	set needs {/dev/ttyS1 /dev/ttyS2}
} else {
	set needs [list /dev/$line]
}
foreach f [concat $needs {/sbin/agetty /bin/login}] {
	if {![file exists $f]} { skip "$f is missing" }
}
if {[catch {exec id revoke}]} { skip "no test account 'revoke'" }
if {![file executable $here/tty_spy]} { fail "tty_spy is not built" }
set vhlogin [file normalize $here/vhangup_login]
if {![file executable $vhlogin]} { fail "vhangup_login is not built" }
# The test account runs the spy: give it a copy it can reach.
set spy /tmp/login_test.tty_spy
file copy -force $here/tty_spy $spy
file attributes $spy -permissions 0755

if {$line eq "ttyS1"} {
	exec stty -F /dev/ttyS2 115200 raw -echo clocal
	spawn -noecho -open [open /dev/ttyS2 r+]
} else {
	if {![file executable $here/vt_term]} { fail "vt_term is not built" }
	spawn -noecho $here/vt_term 6
}
expect_before {
	"SPY-WRITE" { fail "the old fd wrote into the new session" }
}

# login ?AGETTY-OPTIONS? ?AT-PROMPT?: start agetty on the line and log in
# as the test account; AT-PROMPT runs once agetty asks for the user name.
proc login {{opts {}} {at_prompt {}}} {
	global getty_args
	exec setsid /sbin/agetty {*}$opts {*}$getty_args &
	# agetty prints its prompt when it opens the line; poke it until it does.
	set tries 0
	while 1 {
		send "\r"
		expect {
			"login: " break
			timeout { if {[incr tries] > 3} { fail "no login prompt from agetty" } }
		}
	}
	if {$at_prompt ne ""} { uplevel #0 $at_prompt }
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

# prompt: the session's shell prompt comes back.
proc prompt {} {
	expect {
		"READY> " {}
		timeout { fail "no prompt from the session" }
	}
}

# wait_spy WORD ?FILE?: until the spy writing to FILE has reported WORD.
proc wait_spy {word {file {}}} {
	global spyout
	if {$file eq ""} { set file $spyout }
	for {set i 0} {$i < 100} {incr i} {
		if {[catch {exec grep -q $word $file}] == 0} { return 1 }
		after 100
	}
	return 0
}

# check_spy REPORT WHAT: the spy's final report shows it was cut off.
proc check_spy {report what} {
	if {[string first "TOPSECRET" $report] >= 0} { fail "$what read the new session's input" }
	if {![regexp {data=0\n} $report]} { fail "$what read data after the hangup" }
	if {![regexp {write_ok=0\n} $report]} { fail "$what wrote after the hangup" }
	if {![regexp {read_eof=[1-9]} $report]} { fail "reads on $what did not return 0" }
	if {![regexp {write_eio=[1-9]} $report]} { fail "writes on $what did not fail with EIO" }
}

# First session: a background job keeps an fd of the line, then logout.
login
send "$spy /dev/$line $stop > $spyout 2>&1 & disown\r"
prompt
if {![wait_spy opened]} { fail "the spy did not open /dev/$line" }
send "exit\r"
if {![wait_spy hungup]} { fail "the logout did not hang up the old fd" }

# Second session.
login
send "echo SESSION-\$((6*7)) \$(tty)\r"
expect {
	"SESSION-42 /dev/$line" {}
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
prompt
# Let the spy try a little longer while the session is live.
after 1000
send "echo STILL-\$((7*6))\r"
expect {
	"STILL-42" {}
	timeout { fail "the session stopped answering" }
}
exec touch $stop
if {![wait_spy write_eio]} { fail "the spy did not report" }
set report [exec cat $spyout]
puts $report
check_spy $report "the fd left from the first session"
send "exit\r"
expect {
	"logout" {}
	timeout { fail "the session did not log out" }
}
catch {exec pkill -KILL -t $line}
# The logout hangup takes the line from every process of the session; an
# open of the line waits for a hangup in progress.
for {set i 0} {$i < 100} {incr i} {
	if {[catch {exec pgrep -t $line}]} break
	after 100
}
if {$i == 100} { fail "processes of the first sessions are still on $line" }
after 500

# Third session, through vhangup(2): a process of no session opens the line.
exec setsid $spy /dev/$line $stop2 > $spyout2 2>@1 &
if {![wait_spy opened $spyout2]} { fail "the second spy did not open /dev/$line" }
# Until the login program runs, nothing hangs the line up.
login [list -l $vhlogin] {
	after 500
	if {[catch {exec grep -q hungup $spyout2}] == 0} {
		fail "the second spy's fd was hung up before the login program ran"
	}
}
if {![wait_spy hungup $spyout2]} { fail "vhangup() did not hang up the second spy's fd" }
send "read -r line; echo got=\$line\r"
after 200
send "TOPSECRET-VHANGUP\r"
expect {
	"got=TOPSECRET-VHANGUP" {}
	timeout { fail "the third session did not get its input" }
}
prompt
after 1000
exec touch $stop2
if {![wait_spy write_eio $spyout2]} { fail "the second spy did not report" }
set report2 [exec cat $spyout2]
puts $report2
check_spy $report2 "the fd opened before vhangup()"
send "exit\r"
catch {exec pkill -KILL -t $line}
catch {close}

puts "PASS: logins on $line; old fds cut off by the logout and by vhangup()"
exit 0

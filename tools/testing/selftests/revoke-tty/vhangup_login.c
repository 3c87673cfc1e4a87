// SPDX-License-Identifier: GPL-2.0
/*
 * vhangup_login [LOGIN-ARGUMENTS...]: a login program for agetty -l that
 * does what util-linux login(1) does before it asks for the password and
 * Debian's login(1) (shadow) does not: hang the line up with vhangup(2),
 * so that no process that kept an fd of it reaches the new session, open
 * the line again as the controlling tty and as stdin, stdout and stderr,
 * and exec /bin/login with the same arguments.
 *
 * agetty runs it as root, as the session leader, with the line as its
 * controlling tty and as its stdin.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char *tty = ttyname(STDIN_FILENO);
	int fd;

	if (!tty) {
		perror("vhangup_login: ttyname");
		return 1;
	}
	tty = strdup(tty);
	if (!tty)
		return 1;
	/* The hangup sends SIGHUP to the session leader: us. */
	signal(SIGHUP, SIG_IGN);
	if (vhangup()) {
		perror("vhangup_login: vhangup");
		return 1;
	}
	/*
	 * Our own fds of the line are hung up too, and the line is nobody's
	 * controlling tty any more: open it again, without O_NOCTTY.
	 */
	fd = open(tty, O_RDWR);
	if (fd < 0) {
		perror(tty);
		return 1;
	}
	if (dup2(fd, STDIN_FILENO) < 0 || dup2(fd, STDOUT_FILENO) < 0 ||
	    dup2(fd, STDERR_FILENO) < 0) {
		perror("vhangup_login: dup2");
		return 1;
	}
	if (fd > STDERR_FILENO)
		close(fd);
	signal(SIGHUP, SIG_DFL);
	printf("vhangup done\n");
	fflush(stdout);
	argv[0] = "login";
	execv("/bin/login", argv);
	perror("/bin/login");
	return 1;
}

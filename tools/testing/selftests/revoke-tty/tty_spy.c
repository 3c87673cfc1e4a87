// SPDX-License-Identifier: GPL-2.0
/*
 * tty_spy TTY STOPFILE: a process that keeps an fd of TTY beyond its
 * session, ignoring SIGHUP.  It waits for the fd to be hung up, then keeps
 * trying to read the next session's input and to write into it until
 * STOPFILE exists, and reports what it managed:
 *
 *   opened            the fd is open
 *   hungup            poll() reported POLLHUP
 *   data=N            bytes it read after the hangup (must be 0)
 *   read_eof=N        reads that returned 0
 *   write_ok=N        writes that succeeded after the hangup (must be 0)
 *   write_eio=N       writes that failed with EIO
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long data = 0, eof = 0, wok = 0, weio = 0, other = 0;
	struct pollfd p;
	char buf[256];
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: tty_spy TTY STOPFILE\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGHUP, SIG_IGN);
	fd = open(argv[1], O_RDWR | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	printf("opened\n");
	/* Wait for the hangup without reading: no input is taken before it. */
	for (;;) {
		p.fd = fd;
		p.events = 0;
		p.revents = 0;
		if (poll(&p, 1, 100) > 0 && (p.revents & (POLLHUP | POLLERR)))
			break;
		if (access(argv[2], F_OK) == 0) {
			printf("never hung up\n");
			return 1;
		}
	}
	printf("hungup\n");
	while (access(argv[2], F_OK) != 0) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n > 0) {
			data += n;
			printf("read: %.*s\n", (int)n, buf);
		} else if (n == 0) {
			eof++;
		} else if (errno != EAGAIN) {
			other++;
		}
		if (write(fd, "SPY-WRITE\r\n", 11) > 0)
			wok++;
		else if (errno == EIO)
			weio++;
		else
			other++;
		usleep(20000);
	}
	printf("data=%ld\nread_eof=%ld\nwrite_ok=%ld\nwrite_eio=%ld\nother=%ld\n",
	       data, eof, wok, weio, other);
	return 0;
}

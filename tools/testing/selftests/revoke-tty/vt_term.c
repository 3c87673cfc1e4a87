// SPDX-License-Identifier: GPL-2.0
/*
 * vt_term N: virtual terminal ttyN as a terminal for expect, like the
 * other end of a serial line. What it reads from stdin is typed into the
 * terminal's input (TIOCSTI); what the terminal shows comes out on stdout
 * as a stream: the text from where the cursor was to where it is now,
 * read from /dev/vcsaN every POLL_MS, row by row, with trailing blanks
 * dropped. Rows that scrolled up are followed; a screen redrawn from the
 * top (a clear) starts the text over from its first row.
 *
 * Its own fd of the terminal is cut off by a hangup like any other: it
 * opens the terminal again and types on. Needs CAP_SYS_ADMIN for TIOCSTI
 * on a tty that is not its controlling tty.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#define POLL_MS 20
#define MAX_CELLS (256 * 256)

static char tty[32];
static int tty_fd = -1;
static char prev[MAX_CELLS];
static int rows, cols, px, py;

/* Read the screen into @scr; return 0, or -1 if it cannot be read. */
static int read_screen(int vfd, char *scr, int *r, int *c, int *x, int *y)
{
	static unsigned char buf[4 + 2 * MAX_CELLS];
	ssize_t n = pread(vfd, buf, sizeof(buf), 0);
	int i;

	if (n < 4)
		return -1;
	*r = buf[0];
	*c = buf[1];
	*x = buf[2];
	*y = buf[3];
	if (n < 4 + 2 * *r * *c)
		return -1;
	for (i = 0; i < *r * *c; i++)
		scr[i] = buf[4 + 2 * i];
	return 0;
}

static void out(const char *s, int len)
{
	while (len > 0) {
		ssize_t n = write(STDOUT_FILENO, s, len);

		if (n <= 0)
			exit(0);
		s += n;
		len -= n;
	}
}

/*
 * How far the rows above the old cursor scrolled up: the smallest k for
 * which they, and the old cursor row up to the old cursor, are found k
 * rows higher in @scr. -1 if they are not there (the screen was redrawn).
 */
static int scrolled(const char *scr)
{
	int k;

	for (k = 0; k <= py; k++) {
		if (memcmp(scr, prev + k * cols, (py - k) * cols))
			continue;
		if (memcmp(scr + (py - k) * cols, prev + py * cols, px))
			continue;
		/* Nothing left to compare: as good as a redraw. */
		if (k == py && k && !px)
			return -1;
		return k;
	}
	return -1;
}

/* Print what appeared between the old cursor and the new one. */
static void show(const char *scr, int x, int y)
{
	int k = scrolled(scr);
	int sx = k < 0 ? 0 : px, sy = k < 0 ? 0 : py - k;
	int row, c0, c1;

	if (y > sy || (y == sy && x > sx)) {
		for (row = sy; row <= y; row++) {
			const char *line = scr + row * cols;

			c0 = row == sy ? sx : 0;
			if (row == y) {
				out(line + c0, x - c0);
				break;
			}
			for (c1 = cols; c1 > c0 && line[c1 - 1] == ' '; c1--)
				;
			out(line + c0, c1 - c0);
			out("\n", 1);
		}
	}
	memcpy(prev, scr, rows * cols);
	px = x;
	py = y;
}

/* Type @c into the terminal, through a fresh fd once a hangup cut ours. */
static int type_char(char c)
{
	int tries;

	for (tries = 0; tries < 100; tries++) {
		if (tty_fd < 0)
			tty_fd = open(tty, O_RDWR | O_NOCTTY | O_NONBLOCK);
		if (tty_fd >= 0 && !ioctl(tty_fd, TIOCSTI, &c))
			return 0;
		if (tty_fd >= 0 && errno != EIO) {
			perror("vt_term: TIOCSTI");
			return -1;
		}
		if (tty_fd >= 0)
			close(tty_fd);
		tty_fd = -1;
		usleep(10000);
	}
	fprintf(stderr, "vt_term: cannot open %s again\n", tty);
	return -1;
}

int main(int argc, char **argv)
{
	static char scr[MAX_CELLS];
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	char vcsa[32], buf[256];
	int vfd, r, c, x, y, i;
	struct termios t;
	ssize_t n;

	if (argc != 2 || atoi(argv[1]) < 1) {
		fprintf(stderr, "usage: vt_term N\n");
		return 2;
	}
	snprintf(tty, sizeof(tty), "/dev/tty%d", atoi(argv[1]));
	snprintf(vcsa, sizeof(vcsa), "/dev/vcsa%d", atoi(argv[1]));
	/* Bytes pass as they are: expect must not see its own input echoed. */
	if (!tcgetattr(STDIN_FILENO, &t)) {
		cfmakeraw(&t);
		tcsetattr(STDIN_FILENO, TCSANOW, &t);
	}
	/* The open of the tty allocates the terminal and its vcsa device. */
	tty_fd = open(tty, O_RDWR | O_NOCTTY | O_NONBLOCK);
	if (tty_fd < 0) {
		perror(tty);
		return 1;
	}
	for (i = 0; i < 100; i++) {
		vfd = open(vcsa, O_RDONLY);
		if (vfd >= 0 || errno != ENOENT)
			break;
		usleep(10000);
	}
	if (vfd < 0) {
		perror(vcsa);
		return 1;
	}
	/* What is on the screen already counts as said. */
	if (read_screen(vfd, prev, &rows, &cols, &px, &py)) {
		fprintf(stderr, "vt_term: cannot read %s\n", vcsa);
		return 1;
	}
	for (;;) {
		n = 0;
		if (poll(&p, 1, POLL_MS) > 0) {
			n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n <= 0)
				return 0;
		}
		for (i = 0; i < n; i++)
			if (type_char(buf[i]))
				return 1;
		if (read_screen(vfd, scr, &r, &c, &x, &y)) {
			fprintf(stderr, "vt_term: cannot read %s\n", vcsa);
			return 1;
		}
		if (r != rows || c != cols) {
			/* Resized: take it as redrawn. */
			rows = r;
			cols = c;
			px = 0;
			py = 0;
		}
		show(scr, x, y);
	}
}

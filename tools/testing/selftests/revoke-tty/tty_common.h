/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the revoke-tty selftests: pty set-up and the
 * observation of what an fd of a hung-up tty does.
 */
#ifndef REVOKE_TTY_COMMON_H
#define REVOKE_TTY_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* Everything poll() reports on an fd of a hung-up tty (design.md 3.1). */
#define HUNG_UP_POLL (POLLIN | POLLOUT | POLLERR | POLLHUP | POLLRDNORM | POLLWRNORM)

/* Open a pty pair; the slave without becoming the controlling tty. */
static inline int open_pty(int *master, int *slave, char *name, size_t len)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);

	if (m < 0)
		return -1;
	if (grantpt(m) || unlockpt(m) || ptsname_r(m, name, len)) {
		close(m);
		return -1;
	}
	*slave = open(name, O_RDWR | O_NOCTTY);
	if (*slave < 0) {
		close(m);
		return -1;
	}
	*master = m;
	return 0;
}

/* What each method returns on one fd; filled in by observe(). */
struct tty_obs {
	ssize_t read_rc;
	int read_err;
	ssize_t write_rc;
	int write_err;
	int poll_rc;
	short revents;
	int tcgets_rc;
	int tcgets_err;
	int spgrp_rc;
	int spgrp_err;
	int async_rc;
	int async_err;
	int close_rc;
};

/* Try every method once on @fd (and close it); record the results. */
static inline void observe(int fd, struct tty_obs *o)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM };
	struct termios t;
	pid_t pgrp = getpgrp();
	char c;
	int fl;

	memset(o, 0, sizeof(*o));
	errno = 0;
	o->read_rc = read(fd, &c, 1);
	o->read_err = errno;
	errno = 0;
	o->write_rc = write(fd, "x", 1);
	o->write_err = errno;
	o->poll_rc = poll(&p, 1, 0);
	o->revents = p.revents;
	errno = 0;
	o->tcgets_rc = ioctl(fd, TCGETS, &t);
	o->tcgets_err = errno;
	errno = 0;
	o->spgrp_rc = ioctl(fd, TIOCSPGRP, &pgrp);
	o->spgrp_err = errno;
	fl = fcntl(fd, F_GETFL);
	errno = 0;
	o->async_rc = fcntl(fd, F_SETFL, fl | O_ASYNC);
	o->async_err = errno;
	o->close_rc = close(fd);
}

/* The contract for an old fd after hangup, design.md 3.1. */
#define ASSERT_HUNG_UP(o) do {						\
	const struct tty_obs *__o = (o);				\
	EXPECT_EQ(0, __o->read_rc);					\
	EXPECT_EQ(-1, __o->write_rc);					\
	EXPECT_EQ(EIO, __o->write_err);					\
	EXPECT_EQ(1, __o->poll_rc);					\
	EXPECT_EQ(HUNG_UP_POLL, __o->revents);				\
	EXPECT_EQ(-1, __o->tcgets_rc);					\
	EXPECT_EQ(EIO, __o->tcgets_err);				\
	EXPECT_EQ(-1, __o->spgrp_rc);					\
	EXPECT_EQ(ENOTTY, __o->spgrp_err);				\
	EXPECT_EQ(-1, __o->async_rc);					\
	EXPECT_EQ(ENOTTY, __o->async_err);				\
	EXPECT_EQ(0, __o->close_rc);					\
} while (0)

/* A live fd: ioctl and write work, poll reports it writable. */
#define ASSERT_LIVE(tfd) do {						\
	int __fd = (tfd);						\
	struct termios __t;						\
	struct pollfd __p = { .fd = __fd, .events = POLLOUT };		\
	EXPECT_EQ(0, ioctl(__fd, TCGETS, &__t));			\
	EXPECT_EQ(1, write(__fd, "y", 1));				\
	EXPECT_EQ(1, poll(&__p, 1, 0));					\
	EXPECT_EQ(0, __p.revents & (POLLHUP | POLLERR));		\
} while (0)

/* Shared memory a forked helper reports into. */
static inline void *shared_page(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Wait for @pid, at most @secs; return its wait status or -1 on timeout. */
static inline int wait_for(pid_t pid, double secs)
{
	double end = now_s() + secs;
	int status;

	while (now_s() < end) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return status;
		if (r < 0)
			return -1;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

/* Wait for @flag until @deadline (now_s()); return its value. */
static inline int wait_flag(int *flag, double deadline)
{
	while (!__atomic_load_n(flag, __ATOMIC_SEQ_CST) && now_s() < deadline)
		usleep(1000);
	return __atomic_load_n(flag, __ATOMIC_SEQ_CST);
}

/* TIOCVHANGUP from a thread of its own, which may be kept waiting. */
struct hangup_call {
	int fd;
	int rc;
	int err;
	int done;
};

static inline void *hangup_thread(void *arg)
{
	struct hangup_call *h = arg;

	errno = 0;
	h->rc = ioctl(h->fd, TIOCVHANGUP);
	h->err = errno;
	__atomic_store_n(&h->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* The tty behind /dev/console, e.g. "ttyS0", or "" if there is none. */
static inline void console_tty(char *name, size_t len)
{
	FILE *f = fopen("/sys/class/tty/console/active", "r");

	name[0] = '\0';
	if (!f)
		return;
	if (fscanf(f, "%31s", name) != 1)
		name[0] = '\0';
	fclose(f);
	/* Several consoles: the last one is /dev/console. */
}

#endif

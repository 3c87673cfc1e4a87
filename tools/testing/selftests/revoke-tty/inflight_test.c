// SPDX-License-Identifier: GPL-2.0
/*
 * A hangup waits for the methods in flight on the tty's files: when it
 * returns, no call of the old operations is still running.
 *
 * A thread is held inside a tty method with userfaultfd: TIOCGWINSZ
 * copies the window size to a page registered for missing-page faults,
 * so the ioctl stops in the middle, holding nothing a hangup needs, until
 * the test resolves the fault. The hangup, done by another process, must
 * not return before that. Each variant hangs up in another way: TIOCVHANGUP
 * on another fd or on the fd in use (a method revoking its own file),
 * closing the pty master, and vhangup(2).
 *
 * inflight.*.tiocsetd_fails: a TIOCSETD held the same way, reading the new
 * line discipline, when the hangup begins fails with EIO, as it did before
 * this series (it waited for the whole hangup then, and found it done): it
 * must not change the line discipline of a tty the hangup is taking down.
 */
#define _GNU_SOURCE
#include <linux/tty.h>
#include "tty_common.h"
#include "../revoke/uffd_hold.h"
#include "../kselftest_harness.h"

/* How long the hangup gets to return on its own while the ioctl is held. */
#define HOLD_S 1.0

enum how { VIA_OTHER_FD, VIA_SAME_FD, VIA_MASTER_CLOSE, VIA_VHANGUP };

static void hang_up(enum how how, int master, int slave, int slave2, int go)
{
	char c;

	/* The parent's copy of the master goes first. */
	if (read(go, &c, 1) != 1)
		_exit(16);
	switch (how) {
	case VIA_OTHER_FD:
		_exit(ioctl(slave2, TIOCVHANGUP) ? 10 : 0);
	case VIA_SAME_FD:
		_exit(ioctl(slave, TIOCVHANGUP) ? 11 : 0);
	case VIA_MASTER_CLOSE:
		_exit(close(master) ? 12 : 0);
	case VIA_VHANGUP:
		signal(SIGHUP, SIG_IGN);
		if (setsid() < 0 || ioctl(slave2, TIOCSCTTY, 0))
			_exit(13);
		_exit(vhangup() ? 14 : 0);
	}
	_exit(15);
}

FIXTURE(inflight) {
	int master, slave, slave2;
	struct uffd_hold hold;
	char name[64];
};

FIXTURE_VARIANT(inflight) {
	enum how how;
};

FIXTURE_VARIANT_ADD(inflight, tiocvhangup) { .how = VIA_OTHER_FD };
FIXTURE_VARIANT_ADD(inflight, tiocvhangup_same_fd) { .how = VIA_SAME_FD };
FIXTURE_VARIANT_ADD(inflight, master_close) { .how = VIA_MASTER_CLOSE };
FIXTURE_VARIANT_ADD(inflight, vhangup) { .how = VIA_VHANGUP };

FIXTURE_SETUP(inflight)
{
	int rc = uffd_hold_init(&self->hold);

	if (rc == -1)
		SKIP(return, "no userfaultfd: %s", strerror(errno));
	ASSERT_EQ(0, rc) TH_LOG("userfaultfd setup: %s", strerror(errno));
	ASSERT_EQ(0, open_pty(&self->master, &self->slave, self->name,
			      sizeof(self->name)));
	self->slave2 = open(self->name, O_RDWR | O_NOCTTY);
	ASSERT_LE(0, self->slave2);
}

FIXTURE_TEARDOWN(inflight)
{
	if (self->hold.uffd < 0)
		return;
	close(self->slave2);
	close(self->slave);
	if (self->master >= 0)
		close(self->master);
	uffd_hold_exit(&self->hold);
}

/*
 * Start the hangup @how of the pty @master, @slave in a child; return its
 * pid. Closing the master, the child's close is the last one: *@master is
 * closed here.
 */
static pid_t start_hangup(struct __test_metadata *_metadata, enum how how,
			  int *master, int slave, int slave2)
{
	int go[2];
	pid_t pid;

	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		hang_up(how, *master, slave, slave2, go[0]);
	if (how == VIA_MASTER_CLOSE) {
		close(*master);
		*master = -1;
	}
	ASSERT_EQ(1, write(go[1], "g", 1));
	close(go[0]);
	close(go[1]);
	return pid;
}

/*
 * Give the hangup @pid HOLD_S to return while the call is held, and make
 * sure it began (it marks @hup_fd hung up first), let the call go on with
 * @data (NULL: a zero page) and wait for the hangup. Return whether it
 * returned before the call was let go.
 */
static int release_after_hangup(struct __test_metadata *_metadata,
				struct uffd_hold *hold, pid_t pid, int hup_fd,
				const void *data, size_t len)
{
	struct pollfd p = { .fd = hup_fd };
	int status, early = 0;
	double start = now_s();

	while (now_s() - start < HOLD_S) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			early = 1;
			break;
		}
		usleep(10000);
	}
	while (poll(&p, 1, 0) != 1 || !(p.revents & POLLHUP)) {
		ASSERT_GT(start + 30, now_s()) TH_LOG("the hangup did not begin");
		usleep(10000);
	}
	/* Let the call go on: then the hangup may return. */
	ASSERT_EQ(0, data ? uffd_hold_release_with(hold, data, len) :
			    uffd_hold_release(hold));
	if (!early) {
		status = wait_for(pid, 30);
		ASSERT_NE(-1, status) TH_LOG("the hangup did not return after the call left");
	}
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	return early;
}

TEST_F_TIMEOUT(inflight, hangup_waits, 60)
{
	pid_t pid;

	/* The ioctl is inside the tty once its copy faults. */
	ASSERT_EQ(0, uffd_hold_start(&self->hold, self->slave, TIOCGWINSZ));
	pid = start_hangup(_metadata, variant->how, &self->master, self->slave,
			   self->slave2);
	EXPECT_EQ(0, release_after_hangup(_metadata, &self->hold, pid,
					  self->slave2, NULL, 0))
		TH_LOG("the hangup returned while a TIOCGWINSZ was inside the tty");
	/* The call in flight finished as a live one... */
	EXPECT_EQ(0, self->hold.rc)
		TH_LOG("TIOCGWINSZ: %s", strerror(self->hold.err));
	/* ...and the fd it used is hung up. */
	EXPECT_EQ(-1, ioctl(self->slave, TIOCGWINSZ, self->hold.page));
	EXPECT_EQ(EIO, errno);
}

TEST_F_TIMEOUT(inflight, tiocsetd_fails, 60)
{
	int ldisc = N_NULL, cur;
	pid_t pid;

	/* Held at the read of the new line discipline. */
	ASSERT_EQ(0, uffd_hold_start(&self->hold, self->slave, TIOCSETD));
	pid = start_hangup(_metadata, variant->how, &self->master, self->slave,
			   self->slave2);
	release_after_hangup(_metadata, &self->hold, pid, self->slave2, &ldisc,
			     sizeof(ldisc));
	EXPECT_EQ(-1, self->hold.rc) TH_LOG("TIOCSETD succeeded");
	EXPECT_EQ(EIO, self->hold.err) TH_LOG("TIOCSETD: %s", strerror(self->hold.err));
	/* A new file of the tty, if it can still be opened, has N_TTY. */
	close(self->slave2);
	self->slave2 = open(self->name, O_RDWR | O_NOCTTY);
	if (self->slave2 >= 0) {
		ASSERT_EQ(0, ioctl(self->slave2, TIOCGETD, &cur));
		EXPECT_EQ(N_TTY, cur);
	}
}

TEST_HARNESS_MAIN

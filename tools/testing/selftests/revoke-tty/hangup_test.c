// SPDX-License-Identifier: GPL-2.0
/*
 * What an open file of a tty does after the tty is hung up: by TIOCVHANGUP,
 * by vhangup(2) in a new session, by closing the pty master; on ptys and on
 * a virtual terminal.  These are characterisation tests: they pass on the
 * unpatched kernel and must keep passing once hangup is built on revoke.
 */
#define _GNU_SOURCE
#include "tty_common.h"
#include "../kselftest_harness.h"

/*
 * TIOCVHANGUP on @s2 hangs up every fd of the tty, the caller's too: both
 * fds, live before, give the results of a hung-up fd (and are closed).
 */
static void hang_up_both(struct __test_metadata *_metadata, int s, int s2)
{
	struct tty_obs o1, o2;

	ASSERT_LIVE(s);
	ASSERT_EQ(0, ioctl(s2, TIOCVHANGUP));
	observe(s, &o1);
	observe(s2, &o2);
	ASSERT_HUNG_UP(&o1);
	ASSERT_HUNG_UP(&o2);
}

/* TIOCVHANGUP on one fd hangs up every fd of the tty, the caller's too. */
TEST(tiocvhangup_old_fds)
{
	char name[64];
	int m, s, s2;

	ASSERT_EQ(0, open_pty(&m, &s, name, sizeof(name)));
	s2 = open(name, O_RDWR | O_NOCTTY);
	ASSERT_LE(0, s2);
	hang_up_both(_metadata, s, s2);
	close(m);
}

/* A fresh open after the hangup gets a tty that works. */
TEST(fresh_open_after_hangup)
{
	char name[64], c = 0;
	int m, s, s2;

	ASSERT_EQ(0, open_pty(&m, &s, name, sizeof(name)));
	ASSERT_EQ(0, ioctl(s, TIOCVHANGUP));
	s2 = open(name, O_RDWR | O_NOCTTY);
	ASSERT_LE(0, s2);
	ASSERT_LIVE(s2);
	/* What the new fd writes reaches the master. */
	ASSERT_EQ(1, read(m, &c, 1));
	EXPECT_EQ('y', c);
	/* And what the master writes reaches the new fd. */
	ASSERT_EQ(2, write(m, "z\n", 2));
	ASSERT_EQ(2, read(s2, name, sizeof(name)));
	EXPECT_EQ('z', name[0]);
	close(s);
	close(s2);
	close(m);
}

/* Closing the pty master hangs up every fd of the slave. */
TEST(master_close_hangs_up_slave)
{
	struct tty_obs o;
	char name[64];
	int m, s;

	ASSERT_EQ(0, open_pty(&m, &s, name, sizeof(name)));
	ASSERT_LIVE(s);
	ASSERT_EQ(0, close(m));
	observe(s, &o);
	ASSERT_HUNG_UP(&o);
}

/*
 * How often @sig is among the @n signals recorded in @sigs.  The kernel
 * sends SIGHUP, then SIGCONT; both are pending when the task returns to
 * user space, and the handler frame of the second is set up on top of the
 * first, so the handlers run in the other order.  Only the set, one of
 * each, is visible from user space.
 */
static int count_sig(const int *sigs, int n, int sig)
{
	int i, c = 0;

	for (i = 0; i < n; i++)
		c += sigs[i] == sig;
	return c;
}

/* The results a session leader sees after its own vhangup(2). */
struct vh_report {
	int setsid_rc;
	int open_rc;
	int is_ctty;
	int vhangup_rc;
	int vhangup_err;
	struct tty_obs old;
	int devtty_rc;
	int devtty_err;
	int reopen_ok;
	int sigs[8];
	int nsigs;
};

static struct vh_report *vh;

static void record_sig(int sig)
{
	if (vh->nsigs < 8)
		vh->sigs[vh->nsigs++] = sig;
}

/*
 * As login(1) does, in a child: a new session, @name becomes its
 * controlling tty, vhangup(2) with SIGHUP caught, then a fresh open of the
 * same tty, which writes @mark. Returns the child's wait status, or -1.
 */
static int vhangup_as_login(const char *name, char mark)
{
	pid_t pid;

	memset(vh, 0, sizeof(*vh));
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		pid_t sid;
		int fd, fd2;

		signal(SIGHUP, record_sig);
		signal(SIGCONT, record_sig);
		vh->setsid_rc = setsid();
		fd = open(name, O_RDWR);	/* acquires the ctty */
		vh->open_rc = fd;
		vh->is_ctty = ioctl(fd, TIOCGSID, &sid) == 0 && sid == getpid();
		errno = 0;
		vh->vhangup_rc = vhangup();
		vh->vhangup_err = errno;
		/* Signals are delivered on the way out of the syscall. */
		observe(fd, &vh->old);
		errno = 0;
		vh->devtty_rc = open("/dev/tty", O_RDWR);
		vh->devtty_err = errno;
		fd2 = open(name, O_RDWR | O_NOCTTY);
		vh->reopen_ok = fd2 >= 0 && write(fd2, &mark, 1) == 1;
		_exit(0);
	}
	return wait_for(pid, 10);
}

/* What the session leader of vhangup_as_login() must have seen. */
static void check_login_vhangup(struct __test_metadata *_metadata, int status)
{
	ASSERT_NE(-1, status) TH_LOG("the session leader did not finish");
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_LT(0, vh->setsid_rc);
	ASSERT_LE(0, vh->open_rc);
	ASSERT_TRUE(vh->is_ctty);
	ASSERT_EQ(0, vh->vhangup_rc);
	ASSERT_HUNG_UP(&vh->old);
	/* The session lost its controlling tty. */
	EXPECT_EQ(-1, vh->devtty_rc);
	EXPECT_EQ(ENXIO, vh->devtty_err);
	/* SIGHUP and SIGCONT went to the session leader, once each. */
	ASSERT_EQ(2, vh->nsigs);
	EXPECT_EQ(1, count_sig(vh->sigs, vh->nsigs, SIGHUP));
	EXPECT_EQ(1, count_sig(vh->sigs, vh->nsigs, SIGCONT));
	/* A fresh open works. */
	EXPECT_TRUE(vh->reopen_ok);
}

TEST(vhangup_in_new_session)
{
	char name[64], c;
	int m, s, status;

	vh = shared_page();
	ASSERT_NE(NULL, vh);
	ASSERT_EQ(0, open_pty(&m, &s, name, sizeof(name)));
	close(s);

	status = vhangup_as_login(name, 'k');
	check_login_vhangup(_metadata, status);
	/* What the fresh open wrote reached the master. */
	while (read(m, &c, 1) == 1 && c != 'k')
		;
	EXPECT_EQ('k', c);
	close(m);
}

/*
 * Virtual terminals (CONFIG_VT), where login(1) usually runs: the same
 * results as on a pty, for vhangup(2) and for TIOCVHANGUP.
 */
static bool no_vt(int fd)
{
	return fd < 0 && (errno == ENOENT || errno == ENXIO || errno == ENODEV);
}

TEST(vt_vhangup_in_new_session)
{
	int fd = open("/dev/tty2", O_RDWR | O_NOCTTY), status;

	if (no_vt(fd))
		SKIP(return, "no virtual terminal tty2: %s", strerror(errno));
	ASSERT_LE(0, fd);
	close(fd);
	vh = shared_page();
	ASSERT_NE(NULL, vh);
	status = vhangup_as_login("/dev/tty2", 'k');
	check_login_vhangup(_metadata, status);
}

TEST(vt_tiocvhangup_old_fds)
{
	int s = open("/dev/tty2", O_RDWR | O_NOCTTY), s2;

	if (no_vt(s))
		SKIP(return, "no virtual terminal tty2: %s", strerror(errno));
	ASSERT_LE(0, s);
	s2 = open("/dev/tty2", O_RDWR | O_NOCTTY);
	ASSERT_LE(0, s2);
	hang_up_both(_metadata, s, s2);
	/* A fresh open gets a tty that works. */
	s = open("/dev/tty2", O_RDWR | O_NOCTTY);
	ASSERT_LE(0, s);
	ASSERT_LIVE(s);
	close(s);
}

/*
 * A hangup from outside the session: TIOCVHANGUP by a process that is not
 * in it.  The leader gets SIGHUP and SIGCONT, a member of the foreground
 * process group gets neither, and both lose the controlling tty.
 */
struct sess_report {
	int ready;
	int leader_sigs[8];
	int leader_nsigs;
	int member_sigs[8];
	int member_nsigs;
	int leader_devtty_err;
	int member_devtty_err;
	int done;
};

static struct sess_report *sr;
static int *my_sigs, *my_nsigs;

static void record_sig2(int sig)
{
	if (*my_nsigs < 8)
		my_sigs[(*my_nsigs)++] = sig;
}

TEST(hangup_signals_session)
{
	char name[64];
	int m, s, status;
	pid_t leader;

	sr = shared_page();
	ASSERT_NE(NULL, sr);
	ASSERT_EQ(0, open_pty(&m, &s, name, sizeof(name)));

	leader = fork();
	ASSERT_LE(0, leader);
	if (leader == 0) {
		pid_t member;
		int fd;

		my_sigs = sr->leader_sigs;
		my_nsigs = &sr->leader_nsigs;
		signal(SIGHUP, record_sig2);
		signal(SIGCONT, record_sig2);
		if (setsid() < 0)
			_exit(1);
		fd = open(name, O_RDWR);
		if (fd < 0)
			_exit(2);
		member = fork();
		if (member == 0) {
			my_sigs = sr->member_sigs;
			my_nsigs = &sr->member_nsigs;
			__atomic_add_fetch(&sr->ready, 1, __ATOMIC_SEQ_CST);
			while (!__atomic_load_n(&sr->done, __ATOMIC_SEQ_CST))
				usleep(1000);
			errno = 0;
			if (open("/dev/tty", O_RDWR) < 0)
				sr->member_devtty_err = errno;
			_exit(0);
		}
		__atomic_add_fetch(&sr->ready, 1, __ATOMIC_SEQ_CST);
		while (!__atomic_load_n(&sr->done, __ATOMIC_SEQ_CST))
			usleep(1000);
		errno = 0;
		if (open("/dev/tty", O_RDWR) < 0)
			sr->leader_devtty_err = errno;
		waitpid(member, NULL, 0);
		_exit(0);
	}
	while (__atomic_load_n(&sr->ready, __ATOMIC_SEQ_CST) < 2)
		usleep(1000);
	ASSERT_EQ(0, ioctl(s, TIOCVHANGUP));
	usleep(300000);
	__atomic_store_n(&sr->done, 1, __ATOMIC_SEQ_CST);
	status = wait_for(leader, 10);
	ASSERT_NE(-1, status);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));

	ASSERT_EQ(2, sr->leader_nsigs);
	EXPECT_EQ(1, count_sig(sr->leader_sigs, sr->leader_nsigs, SIGHUP));
	EXPECT_EQ(1, count_sig(sr->leader_sigs, sr->leader_nsigs, SIGCONT));
	EXPECT_EQ(0, sr->member_nsigs);
	EXPECT_EQ(ENXIO, sr->leader_devtty_err);
	EXPECT_EQ(ENXIO, sr->member_devtty_err);
	close(s);
	close(m);
}

/*
 * The session hears of a hangup before its readers are woken: a session
 * leader blocked in read() on its terminal has SIGHUP pending when the read
 * returns, so it dies of the signal and never sees the end of file.
 * Repeated: a signal sent after the wakeup loses the race only now and then.
 */
TEST(hangup_signal_before_eof)
{
	int *ready = shared_page();
	int i, eof = 0;

	ASSERT_NE(NULL, ready);
	for (i = 0; i < 20; i++) {
		char name[64];
		int m, s, status;
		pid_t leader;

		ASSERT_EQ(0, open_pty(&m, &s, name, sizeof(name)));
		__atomic_store_n(ready, 0, __ATOMIC_SEQ_CST);
		leader = fork();
		ASSERT_LE(0, leader);
		if (leader == 0) {
			char c;
			int fd;

			signal(SIGHUP, SIG_DFL);
			if (setsid() < 0)
				_exit(1);
			fd = open(name, O_RDWR);
			if (fd < 0)
				_exit(2);
			__atomic_store_n(ready, 1, __ATOMIC_SEQ_CST);
			_exit(read(fd, &c, 1) == 0 ? 3 : 4);
		}
		while (!__atomic_load_n(ready, __ATOMIC_SEQ_CST))
			usleep(1000);
		/* Let it block in read(). */
		usleep(50000);
		ASSERT_EQ(0, ioctl(s, TIOCVHANGUP));
		status = wait_for(leader, 10);
		ASSERT_NE(-1, status);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 3)
			eof++;
		else
			ASSERT_TRUE(WIFSIGNALED(status) &&
				    WTERMSIG(status) == SIGHUP)
				TH_LOG("status %#x", status);
		close(s);
		close(m);
	}
	EXPECT_EQ(0, eof) TH_LOG("%d of 20 readers saw the end of file", eof);
}

/*
 * Hangups racing TIOCSCTTY: sessions that take the tty as their controlling
 * tty while it is hung up again and again. Whichever wins, the tty and the
 * sessions agree afterwards: a session that still has the tty as its
 * controlling tty is the tty's session. A TIOCSCTTY that got in between the
 * signals of a hangup and the end of it must not leave a controlling tty
 * whose tty no longer names the session: /dev/tty would reach the terminal
 * of whoever logs in next.
 */
#define SCTTY_TAKERS 2

TEST(hangup_racing_tiocsctty)
{
	struct { int stop; int taken[SCTTY_TAKERS]; int bad[SCTTY_TAKERS]; } *st = shared_page();
	pid_t takers[SCTTY_TAKERS];
	int m, s, i, hangups = 0, taken = 0;
	double end;
	char name[64];

	ASSERT_NE(NULL, st);
	ASSERT_EQ(0, open_pty(&m, &s, name, sizeof(name)));
	for (i = 0; i < SCTTY_TAKERS; i++) {
		takers[i] = fork();
		ASSERT_LE(0, takers[i]);
		if (takers[i] == 0) {
			pid_t sid;
			int fd;

			signal(SIGHUP, SIG_IGN);
			if (setsid() < 0)
				_exit(1);
			while (!__atomic_load_n(&st->stop, __ATOMIC_SEQ_CST)) {
				fd = open(name, O_RDWR | O_NOCTTY);
				if (fd < 0)
					continue;
				if (ioctl(fd, TIOCSCTTY, 0) == 0)
					st->taken[i]++;
				close(fd);
			}
			/* Our controlling tty, if we still have one, names us. */
			fd = open("/dev/tty", O_RDWR);
			if (fd >= 0 && (ioctl(fd, TIOCGSID, &sid) || sid != getsid(0)))
				st->bad[i] = 1;
			_exit(0);
		}
	}
	end = now_s() + 3;
	do {
		int fd = open(name, O_RDWR | O_NOCTTY);

		if (fd >= 0) {
			if (ioctl(fd, TIOCVHANGUP) == 0)
				hangups++;
			close(fd);
		}
	} while (now_s() < end);
	__atomic_store_n(&st->stop, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < SCTTY_TAKERS; i++) {
		int status = wait_for(takers[i], 10);

		ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
			TH_LOG("taker %d: status %#x", i, status);
		EXPECT_EQ(0, st->bad[i])
			TH_LOG("taker %d: its controlling tty names another session", i);
		taken += st->taken[i];
	}
	TH_LOG("%d hangups, %d TIOCSCTTY taken", hangups, taken);
	EXPECT_LT(0, hangups);
	EXPECT_LT(0, taken);
	close(s);
	close(m);
}

/* Without the capabilities, neither hangup is allowed. */
TEST(hangup_needs_capability)
{
	struct { int vh_rc, vh_err, ioc_rc, ioc_err; } *r = shared_page();
	char name[64];
	int m, s, status;
	pid_t pid;

	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, open_pty(&m, &s, name, sizeof(name)));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* An unprivileged user has neither capability. */
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(1);
		errno = 0;
		r->vh_rc = vhangup();
		r->vh_err = errno;
		errno = 0;
		r->ioc_rc = ioctl(s, TIOCVHANGUP);
		r->ioc_err = errno;
		_exit(0);
	}
	status = wait_for(pid, 10);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(-1, r->vh_rc);
	EXPECT_EQ(EPERM, r->vh_err);
	EXPECT_EQ(-1, r->ioc_rc);
	EXPECT_EQ(EPERM, r->ioc_err);
	/* The tty was left alone. */
	ASSERT_LIVE(s);
	close(s);
	close(m);
}

TEST_HARNESS_MAIN

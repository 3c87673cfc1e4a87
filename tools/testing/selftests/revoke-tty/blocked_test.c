// SPDX-License-Identifier: GPL-2.0
/*
 * Threads blocked in a tty method when the tty is hung up must return
 * promptly, with the same results an old fd gives after the hangup:
 * read() 0, write() EIO, poll() and epoll_wait() every event. On a serial
 * line (ttyS1), tcdrain() with output stopped returns 0 once the hangup
 * flushed the output, and TIOCMIWAIT fails with EIO there and on a USB
 * modem (cdc-acm; it slept on until a modem line changed before this
 * series), and with EL2NSYNC on a channel of the n_gsm multiplexer. On a
 * serial line without carrier (ttyS3), an open waiting for carrier is
 * woken by the hangup and opens again. On a virtual terminal
 * (tty2), VT_WAITACTIVE, VT_WAITEVENT and a paste of the selection into
 * a full input fail with EIO (before this series the first two slept on,
 * and the paste kept the hangup itself waiting), while a VT_WAITACTIVE
 * through /dev/tty0, which the hangup leaves alone, sleeps on. A splice
 * into the tty from an empty pipe waits for the pipe, not for the tty: the
 * hangup does not wait for it, and its write fails with EIO once the pipe
 * has data.
 */
#define _GNU_SOURCE
#include <linux/gsmmux.h>
#include <linux/tty.h>
#include <linux/tiocl.h>
#include <linux/vt.h>
#include "tty_common.h"
#include "../revoke/uffd_hold.h"
#include "../kselftest_harness.h"
#include "tty_blocked.h"

FIXTURE(blocked) {
	int m, s, s2;
	char name[64];
};

FIXTURE_VARIANT(blocked) {
	enum op op;
};

FIXTURE_VARIANT_ADD(blocked, read) { .op = OP_READ };
FIXTURE_VARIANT_ADD(blocked, write) { .op = OP_WRITE };
FIXTURE_VARIANT_ADD(blocked, poll) { .op = OP_POLL };
FIXTURE_VARIANT_ADD(blocked, epoll) { .op = OP_EPOLL };

FIXTURE_SETUP(blocked)
{
	ASSERT_EQ(0, open_pty(&self->m, &self->s, self->name, sizeof(self->name)));
	self->s2 = open(self->name, O_RDWR | O_NOCTTY);
	ASSERT_LE(0, self->s2);
}

FIXTURE_TEARDOWN(blocked)
{
	close(self->s);
	close(self->s2);
	close(self->m);
}

/*
 * Fill the slave's output until a write would block (the master reads
 * nothing). A pty pushes written data to the other side's line discipline
 * from a work item, which can make room again after the first EAGAIN, so
 * let that settle and fill again until the output stays full.
 */
static int fill_output(int fd)
{
	char buf[4096];
	int fl = fcntl(fd, F_GETFL);
	long total = 0;
	int full = 0;

	memset(buf, 'f', sizeof(buf));
	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	while (full < 3 && total <= (64L << 20)) {
		ssize_t n = write(fd, buf, sizeof(buf));

		if (n > 0) {
			total += n;
			full = 0;
			continue;
		}
		if (n < 0 && errno != EAGAIN)
			break;
		full++;
		usleep(100000);
	}
	fcntl(fd, F_SETFL, fl);
	return full == 3 ? 0 : -1;
}

/*
 * Hang the tty of @b's blocked call up through @hangup_fd and wait until
 * the call is back. The hangup wakes it at once; should it miss a method,
 * the caller would be back only after the revoke interrupted it 3 s later
 * (an open, not a method yet, not at all).
 */
static void hang_up_started(struct __test_metadata *_metadata,
			    struct blocked *b, pthread_t th, int hangup_fd)
{
	/* Static: the thread may outlive a failed test's stack frame. */
	static struct hangup_call h;
	pthread_t hth;
	double start;

	h.fd = hangup_fd;
	start = now_s();
	ASSERT_EQ(0, pthread_create(&hth, NULL, hangup_thread, &h));
	ASSERT_EQ(1, wait_flag(&b->done, start + BACK_S))
		TH_LOG("the blocked call did not return within %.1f s of the hangup",
		       BACK_S);
	pthread_join(th, NULL);
	TH_LOG("back after %.3f s: %ld (%s)", now_s() - start, b->rc,
	       strerror(b->err));
	ASSERT_EQ(1, wait_flag(&h.done, start + BACK_S))
		TH_LOG("the hangup did not return within %.1f s", BACK_S);
	pthread_join(hth, NULL);
	ASSERT_EQ(0, h.rc) TH_LOG("TIOCVHANGUP: %s", strerror(h.err));
}

static void hang_up_blocked(struct __test_metadata *_metadata,
			    struct blocked *b, int hangup_fd)
{
	pthread_t th;

	start_blocked(_metadata, b, &th);
	hang_up_started(_metadata, b, th, hangup_fd);
}

TEST_F_TIMEOUT(blocked, returns_at_hangup, 30)
{
	/* Static: the thread may outlive a failed test's stack frame. */
	static struct blocked b;
	struct epoll_event ev = { .events = EPOLLIN };
	struct termios t;

	b.op = variant->op;
	b.fd = self->s;
	/* Raw mode, so nothing the tests write is echoed or cooked. */
	ASSERT_EQ(0, tcgetattr(self->s, &t));
	cfmakeraw(&t);
	ASSERT_EQ(0, tcsetattr(self->s, TCSANOW, &t));
	if (b.op == OP_WRITE)
		ASSERT_EQ(0, fill_output(self->s));
	if (b.op == OP_EPOLL) {
		b.epfd = epoll_create1(0);
		ASSERT_LE(0, b.epfd);
		ev.data.fd = self->s;
		ASSERT_EQ(0, epoll_ctl(b.epfd, EPOLL_CTL_ADD, self->s, &ev));
	}
	hang_up_blocked(_metadata, &b, self->s2);

	switch (b.op) {
	case OP_READ:
		EXPECT_EQ(0, b.rc);
		break;
	case OP_WRITE:
		EXPECT_EQ(-1, b.rc);
		EXPECT_EQ(EIO, b.err);
		break;
	case OP_POLL:
		EXPECT_EQ(1, b.rc);
		EXPECT_EQ(POLLIN | POLLERR | POLLHUP, b.events);
		break;
	case OP_EPOLL:
		EXPECT_EQ(1, b.rc);
		EXPECT_EQ(EPOLLIN | EPOLLERR | EPOLLHUP, b.events);
		close(b.epfd);
		break;
	default:
		break;
	}
}

FIXTURE(serial) {
	int fd, fd2;
};

FIXTURE_VARIANT(serial) {
	enum op op;
	const char *path;
};

FIXTURE_VARIANT_ADD(serial, tcdrain) { .op = OP_TCDRAIN, .path = "/dev/ttyS1" };
FIXTURE_VARIANT_ADD(serial, tiocmiwait) { .op = OP_TIOCMIWAIT, .path = "/dev/ttyS1" };
/* cdc-acm, driven by the serial gadget through dummy_hcd in the guest. */
FIXTURE_VARIANT_ADD(serial, acm_tiocmiwait) {
	.op = OP_TIOCMIWAIT, .path = "/dev/ttyACM0"
};

FIXTURE_SETUP(serial)
{
	struct termios t;

	self->fd2 = -1;
	self->fd = open(variant->path, O_RDWR | O_NOCTTY | O_NONBLOCK);
	if (self->fd < 0 && (errno == ENOENT || errno == ENXIO || errno == EIO ||
			     errno == ENODEV))
		SKIP(return, "no serial line %s: %s", variant->path, strerror(errno));
	ASSERT_LE(0, self->fd);
	self->fd2 = open(variant->path, O_RDWR | O_NOCTTY | O_NONBLOCK);
	ASSERT_LE(0, self->fd2);
	ASSERT_EQ(0, tcgetattr(self->fd, &t));
	cfmakeraw(&t);
	t.c_cflag |= CLOCAL;
	t.c_cflag &= ~CRTSCTS;
	ASSERT_EQ(0, tcsetattr(self->fd, TCSANOW, &t));
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, 0));
}

FIXTURE_TEARDOWN(serial)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->fd2 >= 0)
		close(self->fd2);
}

TEST_F_TIMEOUT(serial, returns_at_hangup, 30)
{
	static struct blocked b;
	char buf[64];

	b.op = variant->op;
	b.fd = self->fd;
	if (b.op == OP_TCDRAIN) {
		/* Output stopped: what is written stays queued. */
		ASSERT_EQ(0, tcflow(self->fd, TCOOFF));
		memset(buf, 'x', sizeof(buf));
		ASSERT_EQ(sizeof(buf), write(self->fd, buf, sizeof(buf)));
	}
	hang_up_blocked(_metadata, &b, self->fd2);
	if (b.op == OP_TCDRAIN) {
		/* The hangup flushed the output: nothing is left to drain. */
		EXPECT_EQ(0, b.rc);
	} else {
		EXPECT_EQ(-1, b.rc);
		EXPECT_EQ(EIO, b.err);
	}
}

/*
 * ttyS3 is a serial line whose carrier never rises (qemu-run.py backs it
 * with a host pty, which has no modem lines), so a blocking open without
 * CLOCAL waits in tty_port_block_til_ready().
 */
FIXTURE(carrier) {
	int fd, fd2;
};

FIXTURE_SETUP(carrier)
{
	struct termios t;
	int lines;

	self->fd2 = -1;
	self->fd = open("/dev/ttyS3", O_RDWR | O_NOCTTY | O_NONBLOCK);
	if (self->fd < 0 && (errno == ENOENT || errno == ENXIO || errno == EIO))
		SKIP(return, "no serial line ttyS3: %s", strerror(errno));
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, ioctl(self->fd, TIOCMGET, &lines));
	if (lines & TIOCM_CD)
		SKIP(return, "ttyS3 has carrier: no open would wait for it");
	self->fd2 = open("/dev/ttyS3", O_RDWR | O_NOCTTY | O_NONBLOCK);
	ASSERT_LE(0, self->fd2);
	ASSERT_EQ(0, tcgetattr(self->fd, &t));
	cfmakeraw(&t);
	t.c_cflag &= ~(CLOCAL | CRTSCTS);
	ASSERT_EQ(0, tcsetattr(self->fd, TCSANOW, &t));
}

FIXTURE_TEARDOWN(carrier)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->fd2 >= 0)
		close(self->fd2);
}

/*
 * The open tests CLOCAL once, before it waits, and then only the carrier:
 * setting CLOCAL does not end its wait. The hangup does (the revoke's kick
 * and the serial driver's ->hangup() both wake it): the open sees its file
 * hung up and starts over, and this time CLOCAL lets it through. The
 * hangup does not wait for the open, whose file is not revokable yet.
 */
TEST_F_TIMEOUT(carrier, open_starts_over_at_hangup, 30)
{
	static struct blocked b = { .op = OP_OPEN, .path = "/dev/ttyS3" };
	struct termios t;
	pthread_t th;

	start_blocked(_metadata, &b, &th);
	ASSERT_EQ(0, tcgetattr(self->fd, &t));
	t.c_cflag |= CLOCAL;
	ASSERT_EQ(0, tcsetattr(self->fd, TCSANOW, &t));
	usleep(300000);
	ASSERT_EQ(0, __atomic_load_n(&b.done, __ATOMIC_SEQ_CST))
		TH_LOG("CLOCAL ended the wait: %ld (%s)", b.rc, strerror(b.err));

	hang_up_started(_metadata, &b, th, self->fd2);
	ASSERT_LE(0, b.rc)
		TH_LOG("the open failed: %s", strerror(b.err));
	/* A file of the tty as it is after the hangup, not a hung-up one. */
	EXPECT_EQ(0, tcgetattr(b.rc, &t));
	EXPECT_TRUE(t.c_cflag & CLOCAL);
	EXPECT_EQ(1, write(b.rc, "o", 1));
	EXPECT_EQ(0, close(b.rc));
}

/*
 * A channel of the GSM 07.10 multiplexer (n_gsm), run over a pty: the
 * slave's line discipline is the initiator, the master's the responder, so
 * the kernel answers itself. TIOCMIWAIT on the channel's tty (/dev/gsmttyN)
 * waits for a modem line the responder never changes. A hangup of the
 * channel closes it, and the wait fails with EL2NSYNC, as before this
 * series (without the channel's ->kick() it slept on until the revoke
 * interrupted it 3 s later).
 */
FIXTURE(gsm) {
	int m, s, fd, fd2;
};

static int gsm_configure(int fd, int initiator)
{
	struct gsm_config c;

	if (ioctl(fd, GSMIOC_GETCONF, &c))
		return -1;
	c.initiator = initiator;
	return ioctl(fd, GSMIOC_SETCONF, &c);
}

FIXTURE_SETUP(gsm)
{
	char name[64], path[64];
	struct termios t;
	unsigned int first;
	int ldisc = N_GSM0710, queued = -1, i;

	self->fd = -1;
	self->fd2 = -1;
	ASSERT_EQ(0, open_pty(&self->m, &self->s, name, sizeof(name)));
	ASSERT_EQ(0, tcgetattr(self->s, &t));
	cfmakeraw(&t);
	ASSERT_EQ(0, tcsetattr(self->s, TCSANOW, &t));
	if (ioctl(self->m, TIOCSETD, &ldisc) && errno == EINVAL)
		SKIP(return, "no n_gsm line discipline");
	ASSERT_EQ(0, ioctl(self->s, TIOCSETD, &ldisc));
	ASSERT_EQ(0, gsm_configure(self->m, 0)) TH_LOG("responder: %s", strerror(errno));
	ASSERT_EQ(0, gsm_configure(self->s, 1)) TH_LOG("initiator: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(self->s, GSMIOC_GETFIRST, &first));
	snprintf(path, sizeof(path), "/dev/gsmtty%u", first);
	/* EL2NSYNC until the mux's control channel is open. */
	for (i = 0; i < 500; i++) {
		self->fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK);
		if (self->fd >= 0 || errno != EL2NSYNC)
			break;
		usleep(10000);
	}
	ASSERT_LE(0, self->fd) TH_LOG("%s: %s", path, strerror(errno));
	self->fd2 = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK);
	ASSERT_LE(0, self->fd2);
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, 0));
	/* The channel is open once a byte written to it has gone out. */
	ASSERT_EQ(1, write(self->fd, "g", 1));
	for (i = 0; i < 500; i++) {
		ASSERT_EQ(0, ioctl(self->fd, TIOCOUTQ, &queued));
		if (!queued)
			break;
		usleep(10000);
	}
	ASSERT_EQ(0, queued) TH_LOG("%s did not open", path);
}

FIXTURE_TEARDOWN(gsm)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->fd2 >= 0)
		close(self->fd2);
	close(self->s);
	close(self->m);
}

TEST_F_TIMEOUT(gsm, tiocmiwait_returns_at_hangup, 30)
{
	/* Static: the thread may outlive a failed test's stack frame. */
	static struct blocked b = { .op = OP_TIOCMIWAIT };

	b.fd = self->fd;
	hang_up_blocked(_metadata, &b, self->fd2);
	EXPECT_EQ(-1, b.rc);
	EXPECT_EQ(EL2NSYNC, b.err);
}

/*
 * A splice into the tty from an empty pipe sleeps until the pipe has data,
 * a wait of the pipe's: the hangup neither waits for it nor ends it, as
 * before this series. Once the pipe has data the write fails with EIO, as
 * every write on a hung-up file. (While the whole splice was counted as a
 * call of the tty's, the hangup waited for it until the revoke interrupted
 * it, 3 s later.)
 */
TEST(splice_from_empty_pipe_at_hangup)
{
	/* Static: the threads may outlive a failed test's stack frame. */
	static struct blocked b = { .op = OP_SPLICE };
	static struct hangup_call h;
	int m, s, s2, p[2];
	pthread_t th, hth;
	char name[64];
	double start;

	ASSERT_EQ(0, open_pty(&m, &s, name, sizeof(name)));
	s2 = open(name, O_RDWR | O_NOCTTY);
	ASSERT_LE(0, s2);
	ASSERT_EQ(0, pipe(p));
	b.fd = s;
	b.arg = p[0];
	start_blocked(_metadata, &b, &th);
	h.fd = s2;
	start = now_s();
	ASSERT_EQ(0, pthread_create(&hth, NULL, hangup_thread, &h));
	ASSERT_EQ(1, wait_flag(&h.done, start + BACK_S))
		TH_LOG("the hangup waited for a splice waiting for its pipe");
	pthread_join(hth, NULL);
	ASSERT_EQ(0, h.rc) TH_LOG("TIOCVHANGUP: %s", strerror(h.err));
	usleep(100000);
	EXPECT_EQ(0, __atomic_load_n(&b.done, __ATOMIC_SEQ_CST))
		TH_LOG("the hangup ended the splice: %ld (%s)", b.rc,
		       strerror(b.err));
	ASSERT_EQ(1, write(p[1], "x", 1));
	ASSERT_EQ(1, wait_flag(&b.done, now_s() + BACK_S))
		TH_LOG("the splice did not return once its pipe had data");
	pthread_join(th, NULL);
	EXPECT_EQ(-1, b.rc);
	EXPECT_EQ(EIO, b.err);
	close(p[0]);
	close(p[1]);
	close(s2);
	close(s);
	close(m);
}

/*
 * tty2, a virtual terminal (CONFIG_VT). Nothing switches terminals while
 * the tests run: VT_WAITACTIVE for a terminal not shown and VT_WAITEVENT
 * for a switch sleep until the hangup. A paste of the selection (of the
 * terminal shown) into tty2, whose input nobody reads, sleeps once the
 * input is full, holding a reference to the line discipline, which the
 * hangup of the unpatched kernel waited for.
 */
FIXTURE(vt) {
	int fd, fd2;
	int active;
};

FIXTURE_VARIANT(vt) {
	enum op op;
};

FIXTURE_VARIANT_ADD(vt, read) { .op = OP_READ };
FIXTURE_VARIANT_ADD(vt, waitactive) { .op = OP_WAITACTIVE };
FIXTURE_VARIANT_ADD(vt, waitevent) { .op = OP_WAITEVENT };
FIXTURE_VARIANT_ADD(vt, paste) { .op = OP_PASTE };

FIXTURE_SETUP(vt)
{
	struct vt_stat st;
	struct termios t;

	self->fd2 = -1;
	self->fd = open("/dev/tty2", O_RDWR | O_NOCTTY);
	if (self->fd < 0 && (errno == ENOENT || errno == ENXIO || errno == ENODEV))
		SKIP(return, "no virtual terminal tty2: %s", strerror(errno));
	ASSERT_LE(0, self->fd);
	self->fd2 = open("/dev/tty2", O_RDWR | O_NOCTTY);
	ASSERT_LE(0, self->fd2);
	ASSERT_EQ(0, tcgetattr(self->fd, &t));
	cfmakeraw(&t);
	ASSERT_EQ(0, tcsetattr(self->fd, TCSAFLUSH, &t));
	ASSERT_EQ(0, ioctl(self->fd, VT_GETSTATE, &st));
	self->active = st.v_active;
}

FIXTURE_TEARDOWN(vt)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->fd2 >= 0)
		close(self->fd2);
}

TEST_F_TIMEOUT(vt, returns_at_hangup, 30)
{
	static struct blocked b;
	/* The whole screen; the kernel clamps to its size. */
	struct tiocl_selection sel = {
		.xs = 1, .ys = 1, .xe = 1000, .ye = 1000,
		.sel_mode = TIOCL_SELCHAR,
	};
	char set[1 + sizeof(sel)] = { TIOCL_SETSEL };

	b.op = variant->op;
	b.fd = self->fd;
	if (b.op == OP_WAITACTIVE)
		b.arg = self->active == 12 ? 11 : 12;
	if (b.op == OP_PASTE) {
		memcpy(set + 1, &sel, sizeof(sel));
		ASSERT_EQ(0, ioctl(self->fd, TIOCLINUX, set));
	}
	hang_up_blocked(_metadata, &b, self->fd2);
	if (b.op == OP_READ) {
		EXPECT_EQ(0, b.rc);
	} else {
		EXPECT_EQ(-1, b.rc);
		EXPECT_EQ(EIO, b.err);
	}
}

/*
 * A file of /dev/tty0 reaches the terminal shown when it was opened, but a
 * hangup of that terminal leaves it alone, as it leaves /dev/console: a
 * VT_WAITACTIVE through it sleeps on across the hangup, as does one
 * through a file of another terminal, and both return once the terminal
 * they wait for is shown. The hangup wakes them; a call held in a method
 * of a file it revokes keeps it under way for a while, so that the woken
 * calls see it.
 */
TEST(vt_tty0_sleeps_on_through_hangup)
{
	static struct blocked b0 = { .op = OP_WAITACTIVE };
	static struct blocked b1 = { .op = OP_WAITACTIVE };
	static struct hangup_call h;
	static struct uffd_hold hold;
	int fd0, fg_fd, to_fd, fg, to, rc;
	pthread_t th0, th1, hth;
	struct vt_stat st;
	char name[32];

	fd0 = open("/dev/tty0", O_RDWR | O_NOCTTY);
	if (fd0 < 0 && (errno == ENOENT || errno == ENXIO || errno == ENODEV))
		SKIP(return, "no virtual terminals: %s", strerror(errno));
	ASSERT_LE(0, fd0);
	ASSERT_EQ(0, ioctl(fd0, VT_GETSTATE, &st));
	fg = st.v_active;
	to = fg == 3 ? 4 : 3;
	snprintf(name, sizeof(name), "/dev/tty%d", fg);
	fg_fd = open(name, O_RDWR | O_NOCTTY);
	ASSERT_LE(0, fg_fd);
	snprintf(name, sizeof(name), "/dev/tty%d", to);
	to_fd = open(name, O_RDWR | O_NOCTTY);
	ASSERT_LE(0, to_fd);
	rc = uffd_hold_init(&hold);
	if (rc == -1)
		SKIP(return, "no userfaultfd: %s", strerror(errno));
	ASSERT_EQ(0, rc) TH_LOG("userfaultfd setup: %s", strerror(errno));

	b0.fd = fd0;
	b0.arg = to;
	b1.fd = to_fd;
	b1.arg = to;
	start_blocked(_metadata, &b0, &th0);
	start_blocked(_metadata, &b1, &th1);
	held_hangup_start(_metadata, &hold, &h, &hth, fg_fd);
	usleep(500000);
	ASSERT_EQ(0, __atomic_load_n(&b0.done, __ATOMIC_SEQ_CST))
		TH_LOG("VT_WAITACTIVE through /dev/tty0 returned in the hangup: %ld (%s)",
		       b0.rc, strerror(b0.err));
	held_hangup_end(_metadata, &hold, &h, hth);
	usleep(300000);
	ASSERT_EQ(0, __atomic_load_n(&b0.done, __ATOMIC_SEQ_CST))
		TH_LOG("VT_WAITACTIVE through /dev/tty0 returned after the hangup: %ld (%s)",
		       b0.rc, strerror(b0.err));
	ASSERT_EQ(0, __atomic_load_n(&b1.done, __ATOMIC_SEQ_CST))
		TH_LOG("VT_WAITACTIVE on tty%d returned at the hangup: %ld (%s)",
		       to, b1.rc, strerror(b1.err));
	ASSERT_EQ('S', thread_state(b0.tid))
		TH_LOG("VT_WAITACTIVE through /dev/tty0 does not sleep");

	/* Show the terminal they wait for: both return. */
	ASSERT_EQ(0, ioctl(to_fd, VT_ACTIVATE, to));
	ASSERT_EQ(1, wait_flag(&b0.done, now_s() + BACK_S))
		TH_LOG("VT_WAITACTIVE through /dev/tty0 missed the switch");
	ASSERT_EQ(1, wait_flag(&b1.done, now_s() + BACK_S))
		TH_LOG("VT_WAITACTIVE on tty%d missed the switch", to);
	pthread_join(th0, NULL);
	pthread_join(th1, NULL);
	EXPECT_EQ(0, b0.rc);
	EXPECT_EQ(0, b1.rc);

	/* Show the terminal shown before. */
	EXPECT_EQ(0, ioctl(to_fd, VT_ACTIVATE, fg));
	EXPECT_EQ(0, ioctl(to_fd, VT_WAITACTIVE, fg));
	uffd_hold_exit(&hold);
	close(to_fd);
	close(fg_fd);
	close(fd0);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * Callers inside a method when a file of the revoke test driver
 * (lib/test_revoke.c) is revoked: a caller blocked in the driver is kicked
 * out and returns at once, one asleep where the kick does not reach is
 * interrupted after a grace period, a caller in flight that does not look
 * at the revoke is waited for, a method may revoke its own file (alone or from
 * many threads at once), and an unplug-style revoke leaves the device
 * working for new opens. A splice into the file from an empty pipe waits for
 * the pipe, outside the driver: the revoke does not wait for it, and once
 * the pipe has data it reaches the revoked operations.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/wait.h>
#include "test_revoke.h"
#include "thread_state.h"
#include "../kselftest_harness.h"

/*
 * How long a kicked caller may take to come back: generous for TCG, but
 * less than the 3 s after which the revoke interrupts the calls it waits
 * for, so that a kick that missed the caller fails the test.
 */
#define KICK_SECS	2.5
/* The same for a caller the kick misses: the revoke interrupts it after 3 s. */
#define DEAF_SECS	10.0
/* How long self-revoke may take before we call it a deadlock. */
#define SELF_SECS	20.0

enum op {
	OP_READ,
	OP_WRITE,
	OP_POLL,
	OP_SELECT,
	OP_EPOLL,
	OP_SLEEP,
	OP_SLEEP_DEAF,
	OP_AIO_READ,
	OP_URING_READ,
	OP_SPLICE,
};

struct blocked {
	enum op op;
	int fd;
	int epfd;
	aio_context_t aio;
	struct uring *ring;
	int pipe;
	pid_t tid;
	long rc;
	int err;
	unsigned int events;
	int readable;
	int entered;
	int done;
};

static void *blocker(void *arg)
{
	struct blocked *b = arg;
	struct pollfd pfd = { .fd = b->fd, .events = POLLIN };
	struct epoll_event ev = { 0 };
	char buf[16];
	fd_set rfds;

	b->tid = gettid();
	__atomic_store_n(&b->entered, 1, __ATOMIC_SEQ_CST);
	errno = 0;
	switch (b->op) {
	case OP_READ:
		b->rc = read(b->fd, buf, sizeof(buf));
		break;
	case OP_WRITE:
		b->rc = write(b->fd, "w", 1);
		break;
	case OP_POLL:
		b->rc = poll(&pfd, 1, -1);
		b->events = pfd.revents;
		break;
	case OP_SELECT:
		FD_ZERO(&rfds);
		FD_SET(b->fd, &rfds);
		b->rc = select(b->fd + 1, &rfds, NULL, NULL, NULL);
		b->readable = FD_ISSET(b->fd, &rfds);
		break;
	case OP_EPOLL:
		b->rc = epoll_wait(b->epfd, &ev, 1, -1);
		b->events = ev.events;
		break;
	case OP_SLEEP:
		b->rc = ioctl(b->fd, TRV_IOC_SLEEP);
		break;
	case OP_SLEEP_DEAF:
		b->rc = ioctl(b->fd, TRV_IOC_SLEEP_DEAF);
		break;
	case OP_AIO_READ:
		b->rc = aio_run(b->aio, b->fd, IOCB_CMD_PREAD, (uintptr_t)buf,
				sizeof(buf), 60);
		break;
	case OP_URING_READ:
		b->rc = uring_run(b->ring, IORING_OP_READ, b->fd, buf,
				  sizeof(buf));
		break;
	case OP_SPLICE:
		b->rc = splice(b->pipe, NULL, b->fd, NULL, sizeof(buf), 0);
		break;
	}
	b->err = errno;
	__atomic_store_n(&b->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* Whether the blocked caller sits inside a method of the driver. */
static int in_method(enum op op)
{
	return op == OP_READ || op == OP_WRITE || op == OP_SLEEP ||
		op == OP_SLEEP_DEAF || op == OP_AIO_READ;
}

/* Wait up to @secs until the current object has @n callers in methods. */
static int wait_in_method(unsigned int n, double secs)
{
	double end = now_s() + secs;
	struct trv_stats st;

	while (now_s() < end) {
		if (trv_get_stats(&st))
			return -1;
		if (st.in_method == n)
			return 0;
		usleep(1000);
	}
	return -1;
}

static int wait_flag(int *flag, double secs)
{
	double end = now_s() + secs;

	while (!__atomic_load_n(flag, __ATOMIC_SEQ_CST) && now_s() < end)
		usleep(1000);
	return __atomic_load_n(flag, __ATOMIC_SEQ_CST) ? 0 : -1;
}

FIXTURE(blocked) {
	int fd;
	int epfd;
	aio_context_t aio;
	struct uring ring;
};

FIXTURE_VARIANT(blocked) {
	enum op op;
};

FIXTURE_VARIANT_ADD(blocked, read) { .op = OP_READ };
FIXTURE_VARIANT_ADD(blocked, write) { .op = OP_WRITE };
FIXTURE_VARIANT_ADD(blocked, poll) { .op = OP_POLL };
FIXTURE_VARIANT_ADD(blocked, select) { .op = OP_SELECT };
FIXTURE_VARIANT_ADD(blocked, epoll) { .op = OP_EPOLL };
FIXTURE_VARIANT_ADD(blocked, ioctl_sleep) { .op = OP_SLEEP };
FIXTURE_VARIANT_ADD(blocked, ioctl_sleep_deaf) { .op = OP_SLEEP_DEAF };
FIXTURE_VARIANT_ADD(blocked, aio_read) { .op = OP_AIO_READ };
FIXTURE_VARIANT_ADD(blocked, io_uring_read) { .op = OP_URING_READ };
FIXTURE_VARIANT_ADD(blocked, splice_from_empty_pipe) { .op = OP_SPLICE };

FIXTURE_SETUP(blocked)
{
	struct epoll_event ev = { .events = EPOLLIN };
	char buf[TRV_BUF_SIZE];
	int ret;

	self->fd = -1;
	self->epfd = -1;
	self->aio = 0;
	self->ring.fd = -1;
	if (!trv_available())
		SKIP(return, TRV_MISSING);
	self->fd = trv_open(0);
	ASSERT_LE(0, self->fd);

	switch (variant->op) {
	case OP_WRITE:
		/* Fill the ring so that the next write blocks. */
		memset(buf, 'f', sizeof(buf));
		ASSERT_EQ(0, fcntl(self->fd, F_SETFL, O_NONBLOCK));
		ASSERT_EQ(TRV_BUF_SIZE, write(self->fd, buf, sizeof(buf)));
		ASSERT_EQ(-1, write(self->fd, "x", 1));
		ASSERT_EQ(EAGAIN, errno);
		ASSERT_EQ(0, fcntl(self->fd, F_SETFL, 0));
		break;
	case OP_EPOLL:
		self->epfd = epoll_create1(EPOLL_CLOEXEC);
		ASSERT_LE(0, self->epfd);
		ev.data.fd = self->fd;
		ASSERT_EQ(0, epoll_ctl(self->epfd, EPOLL_CTL_ADD, self->fd, &ev));
		break;
	case OP_AIO_READ:
		if (sys_io_setup(8, &self->aio)) {
			self->aio = 0;
			if (access("/proc/sys/fs/aio-max-nr", F_OK))
				SKIP(return, "no aio (CONFIG_AIO)");
			ASSERT_EQ(0, errno);
		}
		break;
	case OP_URING_READ:
		ret = uring_setup(&self->ring, 8);
		if (ret && (ret == -EPERM ||
			    access("/proc/sys/kernel/io_uring_disabled", F_OK)))
			SKIP(return, "no io_uring: %s", strerror(-ret));
		ASSERT_EQ(0, ret);
		break;
	default:
		break;
	}
}

FIXTURE_TEARDOWN(blocked)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->epfd >= 0)
		close(self->epfd);
	if (self->aio)
		sys_io_destroy(self->aio);
	uring_exit(&self->ring);
}

static void run_blocked(struct __test_metadata *_metadata, int fd, int epfd,
			aio_context_t aio, struct uring *ring, enum op op,
			unsigned long how)
{
	struct blocked b = {
		.op = op, .fd = fd, .epfd = epfd, .aio = aio, .ring = ring,
	};
	double secs = op == OP_SLEEP_DEAF ? DEAF_SECS : KICK_SECS;
	struct trv_stats st;
	double start, ctl_end;
	int p[2] = { -1, -1 };
	pthread_t th;
	char c;
	long ret;

	if (op == OP_SPLICE) {
		ASSERT_EQ(0, pipe(p));
		b.pipe = p[0];
	}
	ASSERT_EQ(0, pthread_create(&th, NULL, blocker, &b));
	ASSERT_EQ(0, wait_flag(&b.entered, 10));
	ASSERT_TRUE(!in_method(op) || !wait_in_method(1, 10))
		TH_LOG("the caller did not enter the driver");
	/* It really blocks. */
	usleep(300000);
	ASSERT_EQ(0, __atomic_load_n(&b.done, __ATOMIC_SEQ_CST))
		TH_LOG("the call did not block: rc %ld, %s", b.rc,
		       strerror(b.err));
	/* Asleep in the pipe, not about to make the call. */
	if (op == OP_SPLICE)
		ASSERT_EQ('S', thread_state(b.tid))
			TH_LOG("the splice does not sleep");

	start = now_s();
	ret = trv_ctl(how, NULL);
	ctl_end = now_s();
	/* The kick got the blocked caller out before the revoke returned. */
	EXPECT_EQ(0, ret) TH_LOG("%ld callers still inside", ret);
	if (op == OP_SPLICE) {
		/* It waits for its pipe, and the revoke did not wait for it. */
		EXPECT_GT(KICK_SECS, ctl_end - start)
			TH_LOG("the revoke took %.3f s", ctl_end - start);
		usleep(100000);
		EXPECT_EQ(0, __atomic_load_n(&b.done, __ATOMIC_SEQ_CST))
			TH_LOG("the revoke ended the splice: %ld (%s)", b.rc,
			       strerror(b.err));
		ASSERT_EQ(1, write(p[1], "x", 1));
	}
	ASSERT_EQ(0, wait_flag(&b.done, start + secs - now_s()))
		TH_LOG("the blocked call did not return within %.1f s of the revoke",
		       secs);
	pthread_join(th, NULL);
	TH_LOG("revoke took %.3f s, the caller was back after %.3f s",
	       ctl_end - start, now_s() - start);

	switch (op) {
	case OP_READ:
	case OP_WRITE:
	case OP_SLEEP:
		/* The driver's own answer to the kick. */
		EXPECT_EQ(-1, b.rc);
		EXPECT_EQ(EIO, b.err) TH_LOG("%s", strerror(b.err));
		break;
	case OP_SLEEP_DEAF:
		/*
		 * The revoke interrupted it as a signal would; the ioctl,
		 * restarted, reached the revoked operations.
		 */
	case OP_SPLICE:
		/* Its write reached the revoked operations. */
		EXPECT_EQ(-1, b.rc);
		EXPECT_EQ(ENODEV, b.err) TH_LOG("%s", strerror(b.err));
		break;
	case OP_POLL:
		EXPECT_EQ(1, b.rc);
		EXPECT_EQ(POLLERR | POLLHUP, b.events);
		break;
	case OP_SELECT:
		EXPECT_EQ(1, b.rc);
		EXPECT_TRUE(b.readable);
		break;
	case OP_EPOLL:
		EXPECT_EQ(1, b.rc);
		EXPECT_EQ(EPOLLERR | EPOLLHUP, b.events);
		break;
	case OP_AIO_READ:
		/* io_submit() ran ->read_iter, which the kick ended. */
		EXPECT_EQ(-EIO, b.rc);
		break;
	case OP_URING_READ:
		/*
		 * Parked on the driver's poll (FMODE_NOWAIT); woken by the
		 * kick, io_uring reissues the read, which reaches the revoked
		 * ->read_iter: ENODEV. EIO if it was punted to io-wq and
		 * blocked in the driver's ->read_iter instead.
		 */
		EXPECT_TRUE(b.rc == -ENODEV || b.rc == -EIO)
			TH_LOG("io_uring read: %ld", b.rc);
		break;
	}

	if (op == OP_SPLICE) {
		close(p[0]);
		close(p[1]);
	}
	/* The file stays revoked. */
	ret = read(fd, &c, 1);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(ENODEV, errno);
	ASSERT_EQ(0, trv_get_stats(&st));
	EXPECT_EQ(0, st.violations);
}

static void check_released(struct __test_metadata *_metadata)
{
	struct trv_stats st;

	EXPECT_EQ(0, trv_wait_all_released(&st, 5))
		TH_LOG("%llu opens, %llu releases",
		       (unsigned long long)st.total_opens,
		       (unsigned long long)st.total_releases);
	EXPECT_EQ(0, st.violations);
}

TEST_F_TIMEOUT(blocked, revoke, 60)
{
	run_blocked(_metadata, self->fd, self->epfd, self->aio, &self->ring,
		    variant->op, TRV_CTL_REVOKE);
	close(self->fd);
	self->fd = -1;
	check_released(_metadata);
}

TEST_F_TIMEOUT(blocked, replace, 60)
{
	run_blocked(_metadata, self->fd, self->epfd, self->aio, &self->ring,
		    variant->op, TRV_CTL_REPLACE);
	close(self->fd);
	self->fd = -1;
	check_released(_metadata);
}

FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	self->fd = -1;
	if (!trv_available())
		SKIP(return, TRV_MISSING);
	self->fd = trv_open(0);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(dev)
{
	if (self->fd >= 0)
		close(self->fd);
}

struct holder {
	int fd;
	__u32 ms;
	double start;
	double end;
	long rc;
	int done;
};

static void *hold(void *arg)
{
	struct holder *h = arg;

	h->start = now_s();
	h->rc = ioctl(h->fd, TRV_IOC_HOLD, &h->ms);
	h->end = now_s();
	__atomic_store_n(&h->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/*
 * A caller in flight that does not look at the revoke (it sleeps 800 ms,
 * uninterruptibly) is waited for: the revoke returns after it, with nobody
 * left inside.
 */
static void run_in_flight(struct __test_metadata *_metadata, int fd,
			  unsigned long how)
{
	struct holder h = { .fd = fd, .ms = 800 };
	double start, end;
	pthread_t th;
	long ret;

	ASSERT_EQ(0, pthread_create(&th, NULL, hold, &h));
	ASSERT_EQ(0, wait_in_method(1, 10));
	start = now_s();
	ret = trv_ctl(how, NULL);
	end = now_s();
	pthread_join(th, NULL);

	EXPECT_EQ(0, ret) TH_LOG("%ld callers still inside", ret);
	EXPECT_EQ(0, h.rc);
	/* msleep(800) ends no earlier than 800 ms after the call started. */
	EXPECT_LE(h.start + 0.8, end)
		TH_LOG("the revoke returned %.3f s after the hold began",
		       end - h.start);
	/* When the revoke started early enough, it took at least 0.5 s. */
	EXPECT_TRUE(start - h.start >= 0.3 || end - start >= 0.5)
		TH_LOG("the revoke took only %.3f s", end - start);
	TH_LOG("the revoke waited %.3f s for the caller in flight",
	       end - start);

	EXPECT_EQ(-ENODEV, trv_obj_id(fd));
}

TEST_F_TIMEOUT(dev, in_flight_revoke, 60)
{
	run_in_flight(_metadata, self->fd, TRV_CTL_REVOKE);
	close(self->fd);
	self->fd = -1;
	check_released(_metadata);
}

TEST_F_TIMEOUT(dev, in_flight_replace, 60)
{
	run_in_flight(_metadata, self->fd, TRV_CTL_REPLACE);
	close(self->fd);
	self->fd = -1;
	check_released(_metadata);
}

struct self_revoker {
	int fd;
	pthread_barrier_t *barrier;
	long rc;
	int err;
	int done;
};

static void *self_revoke(void *arg)
{
	struct self_revoker *s = arg;

	if (s->barrier)
		pthread_barrier_wait(s->barrier);
	errno = 0;
	s->rc = ioctl(s->fd, TRV_IOC_SELF_REVOKE);
	s->err = errno;
	__atomic_store_n(&s->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* A method revokes its own file's object: no deadlock on its own use. */
TEST_F_TIMEOUT(dev, self_revoke, 60)
{
	struct self_revoker s = { .fd = self->fd };
	struct trv_stats st;
	long id = trv_obj_id(self->fd);
	pthread_t th;
	int other, fd;

	ASSERT_LE(1, id);
	other = trv_open(0);
	ASSERT_LE(0, other);

	ASSERT_EQ(0, pthread_create(&th, NULL, self_revoke, &s));
	ASSERT_EQ(0, wait_flag(&s.done, SELF_SECS))
		TH_LOG("TRV_IOC_SELF_REVOKE did not return: deadlock?");
	pthread_join(th, NULL);
	EXPECT_EQ(0, s.rc) TH_LOG("%s", strerror(s.err));

	/* Both files of the object are revoked, the object stays. */
	EXPECT_EQ(-ENODEV, trv_obj_id(self->fd));
	EXPECT_EQ(-ENODEV, trv_obj_id(other));
	fd = trv_open(0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(id, trv_obj_id(fd));
	ASSERT_EQ(0, trv_get_stats(&st));
	EXPECT_EQ(0, st.in_method);

	close(fd);
	close(other);
	close(self->fd);
	self->fd = -1;
	check_released(_metadata);
}

#define NR_SELF 8

static void run_self_threads(struct __test_metadata *_metadata, int fd,
			     int own_fds)
{
	struct self_revoker s[NR_SELF];
	pthread_barrier_t barrier;
	pthread_t th[NR_SELF];
	double end;
	int i, ok = 0, bad = 0;

	ASSERT_EQ(0, pthread_barrier_init(&barrier, NULL, NR_SELF));
	for (i = 0; i < NR_SELF; i++) {
		memset(&s[i], 0, sizeof(s[i]));
		s[i].fd = own_fds ? trv_open(0) : fd;
		s[i].barrier = &barrier;
		if (s[i].fd < 0)
			break;
	}
	ASSERT_EQ(NR_SELF, i) TH_LOG("open: %s", strerror(errno));
	for (i = 0; i < NR_SELF; i++)
		if (pthread_create(&th[i], NULL, self_revoke, &s[i]))
			break;
	ASSERT_EQ(NR_SELF, i);

	end = now_s() + SELF_SECS;
	for (i = 0; i < NR_SELF; i++)
		if (wait_flag(&s[i].done, end - now_s()))
			break;
	ASSERT_EQ(NR_SELF, i)
		TH_LOG("thread %d did not return from TRV_IOC_SELF_REVOKE", i);
	for (i = 0; i < NR_SELF; i++) {
		pthread_join(th[i], NULL);
		/* Revoked by another thread before it got in: ENODEV. */
		if (s[i].rc == 0)
			ok++;
		else if (s[i].err != ENODEV)
			bad++;
	}
	EXPECT_EQ(0, bad) TH_LOG("a thread failed otherwise than with ENODEV");
	EXPECT_LE(1, ok);
	TH_LOG("%d of %d threads revoked, the others found the file revoked",
	       ok, NR_SELF);

	for (i = 0; i < NR_SELF; i++) {
		EXPECT_EQ(-ENODEV, trv_obj_id(s[i].fd));
		if (own_fds)
			close(s[i].fd);
	}
	pthread_barrier_destroy(&barrier);
}

/* Many threads revoke through one file at once: all of them return. */
TEST_F_TIMEOUT(dev, self_revoke_threads, 90)
{
	run_self_threads(_metadata, self->fd, 0);
	close(self->fd);
	self->fd = -1;
	check_released(_metadata);
}

/* ... and through a file each. */
TEST_F_TIMEOUT(dev, self_revoke_threads_own_files, 90)
{
	run_self_threads(_metadata, self->fd, 1);
	close(self->fd);
	self->fd = -1;
	check_released(_metadata);
}

/* Unplug style: the old file is cut off, a new open gets a new object. */
TEST_F_TIMEOUT(dev, open_after_replace, 60)
{
	struct trv_stats st;
	long id, id2;
	char buf[8];
	int fd;

	id = trv_obj_id(self->fd);
	ASSERT_LE(1, id);
	EXPECT_EQ(0, trv_ctl(TRV_CTL_REPLACE, NULL));
	EXPECT_EQ(-ENODEV, trv_obj_id(self->fd));

	fd = trv_open(O_NONBLOCK);
	ASSERT_LE(0, fd);
	id2 = trv_obj_id(fd);
	EXPECT_LT(id, id2);
	ASSERT_EQ(0, trv_get_stats(&st));
	EXPECT_EQ(id2, st.obj_id);
	EXPECT_EQ(1, st.opens);
	EXPECT_EQ(2, write(fd, "ok", 2));
	EXPECT_EQ(2, read(fd, buf, sizeof(buf)));

	close(fd);
	close(self->fd);
	self->fd = -1;
	check_released(_metadata);
}

/*
 * The revoke interrupts only the tasks that hold one of the files it
 * revokes. A process that holds only a file of the same object that an
 * earlier revoke revoked has no call to end: it sleeps on undisturbed, here
 * in an epoll_wait() that an interruption would end with EINTR, until the
 * revoke is over and we wake it.
 */
TEST_F_TIMEOUT(dev, interrupt_spares_earlier_files, 90)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int ready[2], over[2], status, fd;
	pid_t pid;
	char c;

	/* self->fd is revoked from here on, and the child keeps it. */
	ASSERT_EQ(0, trv_ctl(TRV_CTL_REVOKE, NULL));
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(over));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int epfd = epoll_create1(0);

		close(ready[0]);
		close(over[1]);
		if (epfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, over[0], &ev) ||
		    write(ready[1], "r", 1) != 1)
			_exit(3);
		if (epoll_wait(epfd, &ev, 1, 60000) == 1)
			_exit(0);
		_exit(errno == EINTR ? 2 : 3);
	}
	close(ready[1]);
	close(over[0]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	close(ready[0]);

	/* A call the kick misses, on a new file of the object. */
	fd = trv_open(0);
	ASSERT_LE(0, fd);
	run_blocked(_metadata, fd, -1, 0, NULL, OP_SLEEP_DEAF, TRV_CTL_REVOKE);
	close(fd);
	ASSERT_EQ(1, write(over[1], "o", 1));
	close(over[1]);

	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("the child's epoll_wait() %s",
		       WEXITSTATUS(status) == 2 ? "was interrupted" : "failed");
	close(self->fd);
	self->fd = -1;
	check_released(_metadata);
}

TEST_HARNESS_MAIN

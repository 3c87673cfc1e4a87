// SPDX-License-Identifier: GPL-2.0
/*
 * Revokes of the revoke test driver's object (lib/test_revoke.c) racing
 * opens, closes, reads, writes, polls, ioctls and self-revokes, for a
 * while: REVOKE_STRESS_SECONDS (default 20) of wall time and at least
 * REVOKE_STRESS_MIN_REVOKES (default 10000) revokes, whichever ends later,
 * but never longer than 120 s. Afterwards every open must have been
 * released exactly once and no method may have run after its revoke.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include "test_revoke.h"
#include "../kselftest_harness.h"

#define DEFAULT_SECONDS		20
#define DEFAULT_MIN_REVOKES	10000
#define MAX_SECONDS		120

struct stress {
	int stop;
	int ctl;
	/* revokes */
	long ctl_revokes;
	long ctl_replaces;
	long self_revokes;
	long replace_busy;
	long revoke_busy_max;
	/* traffic */
	long opens;
	long open_enodev;
	long calls;
	long revoked_calls;
	/* anything the driver or the revoked operations should not say */
	long unexpected;
	int unexpected_err;
	const char *unexpected_what;
};

static int stopping(struct stress *s)
{
	return __atomic_load_n(&s->stop, __ATOMIC_RELAXED);
}

static void count(long *counter)
{
	__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

static void unexpected(struct stress *s, const char *what, int err)
{
	if (__atomic_fetch_add(&s->unexpected, 1, __ATOMIC_RELAXED) == 0) {
		s->unexpected_what = what;
		s->unexpected_err = err;
	}
}

/*
 * Check the result of a call on a file that may be revoked under it at any
 * time: ENODEV once it is. @ok and @ok2 are errnos the call may give
 * otherwise (0: none). Returns 1 if the file turned out revoked.
 */
static int check(struct stress *s, const char *what, long rc, int err,
		 int ok, int ok2)
{
	count(&s->calls);
	if (rc >= 0)
		return 0;
	if (err == ENODEV) {
		count(&s->revoked_calls);
		return 1;
	}
	if (err && (err == ok || err == ok2))
		return 0;
	unexpected(s, what, err);
	return 0;
}

/* The same for an ioctl of the object id. */
static int check_obj_id(struct stress *s, int fd)
{
	long id = trv_obj_id(fd);

	return check(s, "TRV_IOC_OBJ_ID", id < 0 ? -1 : 0,
		     id < 0 ? (int)-id : 0, 0, 0);
}

/* Open the device; a revoke in progress or a dead object may refuse. */
static int open_dev(struct stress *s)
{
	int fd;

	while (!stopping(s)) {
		fd = trv_open(O_NONBLOCK);
		if (fd >= 0) {
			count(&s->opens);
			return fd;
		}
		if (errno == ENODEV)
			count(&s->open_enodev);
		else
			unexpected(s, "open", errno);
	}
	return -1;
}

static void close_dev(struct stress *s, int fd)
{
	if (fd >= 0 && close(fd))
		unexpected(s, "close", errno);
}

/* Unplugs run in parallel: each kills an object no one else revokes. */
static void *replacer(void *arg)
{
	struct stress *s = arg;
	long ret;

	while (!stopping(s)) {
		ret = ioctl(s->ctl, TRV_CTL_REPLACE);
		if (ret < 0)
			unexpected(s, "TRV_CTL_REPLACE", errno);
		else
			count(&s->ctl_replaces);
		if (ret > 0)
			count(&s->replace_busy);
	}
	return NULL;
}

static void *revoker(void *arg)
{
	struct stress *s = arg;
	unsigned long i;
	long ret;

	for (i = 0; !stopping(s); i++) {
		if (i & 1) {
			ret = ioctl(s->ctl, TRV_CTL_REPLACE);
			if (ret < 0)
				unexpected(s, "TRV_CTL_REPLACE", errno);
			else
				count(&s->ctl_replaces);
			/* Nothing can attach to a killed object. */
			if (ret > 0)
				count(&s->replace_busy);
		} else {
			ret = ioctl(s->ctl, TRV_CTL_REVOKE);
			if (ret < 0)
				unexpected(s, "TRV_CTL_REVOKE", errno);
			else
				count(&s->ctl_revokes);
			/* New files of the object may be in methods already. */
			if (ret > __atomic_load_n(&s->revoke_busy_max,
						  __ATOMIC_RELAXED))
				__atomic_store_n(&s->revoke_busy_max, ret,
						 __ATOMIC_RELAXED);
		}
	}
	return NULL;
}

static void *opener(void *arg)
{
	struct stress *s = arg;
	int fd;

	while (!stopping(s)) {
		fd = open_dev(s);
		if (fd < 0)
			break;
		check_obj_id(s, fd);
		close_dev(s, fd);
	}
	return NULL;
}

static void *reader_writer(void *arg)
{
	struct stress *s = arg;
	char buf[256];
	unsigned long i;
	long rc;
	int fd = open_dev(s);

	memset(buf, 'w', sizeof(buf));
	for (i = 0; fd >= 0 && !stopping(s); i++) {
		int revoked;

		/* EIO: the driver's answer to the kick of a revoke. */
		rc = write(fd, buf, 1 + i % sizeof(buf));
		revoked = check(s, "write", rc, errno, EAGAIN, EIO);
		rc = read(fd, buf, 1 + i % sizeof(buf));
		revoked |= check(s, "read", rc, errno, EAGAIN, EIO);
		if (revoked) {
			close_dev(s, fd);
			fd = open_dev(s);
		}
	}
	close_dev(s, fd);
	return NULL;
}

static void *poller(void *arg)
{
	struct stress *s = arg;
	struct pollfd pfd = { .events = POLLIN | POLLOUT };
	unsigned long i;
	long rc;
	int fd = open_dev(s);

	for (i = 0; fd >= 0 && !stopping(s); i++) {
		int revoked = 0;

		pfd.fd = fd;
		rc = poll(&pfd, 1, 10);
		check(s, "poll", rc, errno, EINTR, 0);
		if (rc == 1 && (pfd.revents & (POLLERR | POLLHUP)))
			revoked = 1;
		if (i % 4 == 0) {
			rc = lseek(fd, i % TRV_BUF_SIZE, SEEK_SET);
			revoked |= check(s, "lseek", rc, errno, 0, 0);
		}
		if (i % 4 == 2) {
			rc = fsync(fd);
			revoked |= check(s, "fsync", rc, errno, 0, 0);
		}
		if (revoked) {
			close_dev(s, fd);
			fd = open_dev(s);
		}
	}
	close_dev(s, fd);
	return NULL;
}

static void *ioctler(void *arg)
{
	struct stress *s = arg;
	unsigned long i;
	__u32 zero = 0;
	long rc;
	int fd = open_dev(s);

	for (i = 0; fd >= 0 && !stopping(s); i++) {
		int revoked;

		if (i & 1) {
			rc = ioctl(fd, TRV_IOC_HOLD, &zero);
			revoked = check(s, "TRV_IOC_HOLD", rc, errno, 0, 0);
		} else {
			revoked = check_obj_id(s, fd);
		}
		if (revoked) {
			close_dev(s, fd);
			fd = open_dev(s);
		}
	}
	close_dev(s, fd);
	return NULL;
}

static void *self_revoker(void *arg)
{
	struct stress *s = arg;
	long rc;
	int fd;

	while (!stopping(s)) {
		fd = open_dev(s);
		if (fd < 0)
			break;
		rc = ioctl(fd, TRV_IOC_SELF_REVOKE);
		if (!check(s, "TRV_IOC_SELF_REVOKE", rc, errno, 0, 0) && rc == 0)
			count(&s->self_revokes);
		close_dev(s, fd);
	}
	return NULL;
}

static long env_long(const char *name, long def)
{
	const char *v = getenv(name);
	char *end;
	long n;

	if (!v || !*v)
		return def;
	n = strtol(v, &end, 0);
	return (*end || n < 0) ? def : n;
}

FIXTURE(stress) {
	int ctl;
};

FIXTURE_SETUP(stress)
{
	self->ctl = -1;
	if (!trv_available())
		SKIP(return, TRV_MISSING);
	self->ctl = open(TRV_CTL_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->ctl);
}

FIXTURE_TEARDOWN(stress)
{
	if (self->ctl >= 0)
		close(self->ctl);
}

static void *(*const workers[])(void *) = {
	revoker,
	replacer, replacer,
	opener, opener,
	reader_writer, reader_writer,
	poller,
	ioctler,
	self_revoker,
};

#define NR_WORKERS ARRAY_SIZE(workers)

TEST_F_TIMEOUT(stress, race, MAX_SECONDS + 120)
{
	long seconds = env_long("REVOKE_STRESS_SECONDS", DEFAULT_SECONDS);
	long min_revokes = env_long("REVOKE_STRESS_MIN_REVOKES",
				    DEFAULT_MIN_REVOKES);
	struct stress s = { .ctl = self->ctl };
	pthread_t th[NR_WORKERS];
	struct trv_stats st;
	double start, elapsed;
	long revokes;
	unsigned int i;

	if (seconds > MAX_SECONDS)
		seconds = MAX_SECONDS;
	ksft_print_msg("racing for %ld s and %ld revokes, at most %d s\n",
		       seconds, min_revokes, MAX_SECONDS);

	start = now_s();
	for (i = 0; i < NR_WORKERS; i++)
		if (pthread_create(&th[i], NULL, workers[i], &s))
			break;
	if (i < NR_WORKERS)
		__atomic_store_n(&s.stop, 1, __ATOMIC_RELAXED);
	EXPECT_EQ(NR_WORKERS, i) TH_LOG("pthread_create failed");

	for (;;) {
		usleep(100000);
		elapsed = now_s() - start;
		revokes = __atomic_load_n(&s.ctl_revokes, __ATOMIC_RELAXED) +
			__atomic_load_n(&s.ctl_replaces, __ATOMIC_RELAXED) +
			__atomic_load_n(&s.self_revokes, __ATOMIC_RELAXED);
		if (stopping(&s) || elapsed >= MAX_SECONDS ||
		    (elapsed >= seconds && revokes >= min_revokes))
			break;
	}
	__atomic_store_n(&s.stop, 1, __ATOMIC_RELAXED);
	while (i--)
		pthread_join(th[i], NULL);
	elapsed = now_s() - start;
	revokes = s.ctl_revokes + s.ctl_replaces + s.self_revokes;

	ksft_print_msg("%.1f s: %ld revokes (%ld hangup, %ld unplug, %ld self)\n",
		       elapsed, revokes, s.ctl_revokes, s.ctl_replaces,
		       s.self_revokes);
	ksft_print_msg("%ld opens (%ld refused), %ld calls (%ld revoked)\n",
		       s.opens, s.open_enodev, s.calls, s.revoked_calls);
	ksft_print_msg("most callers in methods when a hangup returned: %ld\n",
		       s.revoke_busy_max);

	EXPECT_EQ(0, trv_wait_all_released(&st, 5))
		TH_LOG("%llu opens, %llu releases",
		       (unsigned long long)st.total_opens,
		       (unsigned long long)st.total_releases);
	ksft_print_msg("driver: %llu opens, %llu releases, %u violations\n",
		       (unsigned long long)st.total_opens,
		       (unsigned long long)st.total_releases, st.violations);

	EXPECT_EQ(0, st.violations)
		TH_LOG("methods ran after their revoke returned");
	EXPECT_EQ(0, s.unexpected)
		TH_LOG("%ld unexpected results, the first: %s: %s",
		       s.unexpected, s.unexpected_what,
		       strerror(s.unexpected_err));
	EXPECT_EQ(0, s.replace_busy)
		TH_LOG("callers left inside a killed object");
	EXPECT_LE(min_revokes, revokes)
		TH_LOG("only %ld revokes in %.0f s (REVOKE_STRESS_MIN_REVOKES)",
		       revokes, elapsed);
}

TEST_HARNESS_MAIN

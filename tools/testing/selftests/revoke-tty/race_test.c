// SPDX-License-Identifier: GPL-2.0
/*
 * Hangups racing everything else on the tty.
 *
 * race.hangups: threads open a pty slave, call read (blocking or not),
 * write, poll, ioctl and now and then TIOCVHANGUP on it and close it again,
 * while another thread hangs the slave up as fast as it can, until at least
 * REVOKE_TTY_MIN_HANGUPS (default 10000) hangups and 10 s have passed.
 * Every call must give a live result or a hung-up one, never anything else;
 * the kernel log is checked for splats by the harness. Calls that overlap
 * a TIOCVHANGUP of the hangup thread in time are counted; there must be at
 * least a tenth as many as the minimum number of hangups, or the test did
 * not race anything.
 *
 * race.tiocvhangup_threads: many threads of one process call TIOCVHANGUP
 * at the same moment, on one fd or each on its own fd of the tty: nothing
 * deadlocks, each call gets 0 or, if its fd was hung up before it started,
 * EIO, and the fds end up hung up. In some round, two of the calls must
 * have been inside the ioctl together (both got 0 on one fd). A call that
 * got 0 returned after the hangup was over, whichever call did it: the
 * slave's termios, which the end of a pty hangup resets, read through the
 * master, is the reset one. race.tiocvhangup_returns_after_hangup checks
 * that over more rounds.
 *
 * race.master_close_vs_tiocvhangup: threads call TIOCVHANGUP on their own
 * fds of a pty slave while another closes the master, which hangs the
 * slave up too: nothing deadlocks and every fd ends up hung up.
 *
 * race.vt_hangups: race.hangups on a virtual terminal (tty5), with the
 * VT's own waits: threads call VT_WAITACTIVE, VT_WAITEVENT and pastes of
 * the selection besides read, write, poll and ioctls, while one thread
 * switches between the terminal shown at the start and tty5 through
 * /dev/tty0 (which the hangups leave alone) and another hangs tty5 up,
 * for at least REVOKE_TTY_MIN_VT_HANGUPS (default 2000) hangups and 10 s.
 * A wait ends with its switch or event, or fails with EIO at a hangup.
 * Then, with the terminal of the start shown again, the hangups go on and
 * each thread makes VT_LAST_WAITS waits that only a hangup can end.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <linux/tiocl.h>
#include <linux/vt.h>
#include "tty_common.h"
#include "../kselftest_harness.h"

#define WORKERS		3
#define MIN_SECONDS	10.0
#define MAX_SECONDS	300.0
#define DEFAULT_MIN_HANGUPS 10000
#define DEFAULT_MIN_VT_HANGUPS 2000

struct race {
	char name[64];
	int master;
	int stop;
	long hangups;
	unsigned long hangup_seq;
	long calls_in_hangups;
	long opens;
	long calls;
	long hung_up_results;
	long bad;
	char bad_what[128];
	/* race.vt_hangups */
	int workers_left;
	int home;
	int vt;
	long switches;
	int switched_back;
	int last_kind;
	long waits_ended;
};

static void bad(struct race *r, const char *what, long rc, int err)
{
	if (__atomic_fetch_add(&r->bad, 1, __ATOMIC_RELAXED) == 0)
		snprintf(r->bad_what, sizeof(r->bad_what), "%s returned %ld (%s)",
			 what, rc, strerror(err));
}

static int stopping(struct race *r)
{
	return __atomic_load_n(&r->stop, __ATOMIC_RELAXED);
}

/* An ioctl gives 0, or EIO on a hung-up fd. */
static void ioctl_result(struct race *r, const char *what, long rc)
{
	if (rc < 0 && errno == EIO)
		__atomic_fetch_add(&r->hung_up_results, 1, __ATOMIC_RELAXED);
	else if (rc)
		bad(r, what, rc, errno);
}

/*
 * A wait of a virtual terminal's on @fd, as @kind says: VT_WAITACTIVE for
 * terminal @vt, VT_WAITEVENT for a switch, or a paste of the selection,
 * which waits while the input is full. They end with their switch or
 * event, or at a hangup.
 */
static long vt_wait(int fd, int kind, int vt)
{
	struct vt_event ev = { .event = VT_EVENT_SWITCH };
	char paste = TIOCL_PASTESEL;

	switch (kind) {
	case 0:
		return ioctl(fd, VT_WAITACTIVE, vt);
	case 1:
		return ioctl(fd, VT_WAITEVENT, &ev);
	default:
		return ioctl(fd, TIOCLINUX, &paste);
	}
}

/* A call of a virtual terminal's own on @fd. */
static void vt_call(struct race *r, int fd, unsigned int *seed)
{
	struct vt_stat st;
	struct termios t;
	long rc;
	int kind;

	switch (kind = rand_r(seed) % 5) {
	case 0:
		rc = ioctl(fd, VT_GETSTATE, &st);
		break;
	case 1:
		rc = ioctl(fd, TCGETS, &t);
		if (!rc) {
			/* Raw, so that pastes fill the input. */
			cfmakeraw(&t);
			rc = ioctl(fd, TCSETS, &t);
		}
		break;
	default:
		rc = vt_wait(fd, kind - 2, rand_r(seed) % 2 ? r->home : r->vt);
		break;
	}
	ioctl_result(r, "VT ioctl", rc);
}

/* One call of a random method on @fd; check the result is a possible one. */
static void one_call(struct race *r, int fd, unsigned int *seed)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };
	struct winsize ws;
	struct termios t;
	unsigned long seq;
	char buf[64];
	long rc;
	int n;

	/* Odd while the hangup thread is inside TIOCVHANGUP. */
	seq = __atomic_load_n(&r->hangup_seq, __ATOMIC_SEQ_CST);
	errno = 0;
	switch (rand_r(seed) % (r->vt ? 11 : 9)) {
	case 0:
	case 1:
		rc = read(fd, buf, sizeof(buf));
		if (rc == 0)
			__atomic_fetch_add(&r->hung_up_results, 1, __ATOMIC_RELAXED);
		else if (rc < 0 && errno != EAGAIN && errno != EIO)
			bad(r, "read", rc, errno);
		break;
	case 2:
		rc = write(fd, "abc", 3);
		if (rc < 0 && errno == EIO)
			__atomic_fetch_add(&r->hung_up_results, 1, __ATOMIC_RELAXED);
		else if (rc < 0 && errno != EAGAIN)
			bad(r, "write", rc, errno);
		break;
	case 3:
		rc = poll(&p, 1, rand_r(seed) % 2 ? 0 : 5);
		if (rc < 0)
			bad(r, "poll", rc, errno);
		break;
	case 4:
		rc = ioctl(fd, TCGETS, &t);
		goto ioctl_result;
	case 5:
		rc = ioctl(fd, TIOCGWINSZ, &ws);
		goto ioctl_result;
	case 6:
		rc = ioctl(fd, FIONREAD, &n);
		goto ioctl_result;
	case 7:
		rc = ioctl(fd, TIOCOUTQ, &n);
ioctl_result:
		ioctl_result(r, "ioctl", rc);
		break;
	case 9:
	case 10:
		vt_call(r, fd, seed);
		break;
	default:
		if (rand_r(seed) % 8)
			break;
		rc = ioctl(fd, TIOCVHANGUP);
		if (rc && errno != EIO)
			bad(r, "TIOCVHANGUP", rc, errno);
		break;
	}
	__atomic_fetch_add(&r->calls, 1, __ATOMIC_RELAXED);
	if ((seq & 1) || __atomic_load_n(&r->hangup_seq, __ATOMIC_SEQ_CST) != seq)
		__atomic_fetch_add(&r->calls_in_hangups, 1, __ATOMIC_RELAXED);
}

#define VT_RACE 5
#define VT_LAST_WAITS 20

/*
 * Once nothing switches terminals any more, a wait on a fresh file of tty5
 * ends only at a hangup, with EIO: VT_WAITACTIVE for tty5, VT_WAITEVENT or
 * pastes into the input until one fails, as @kind says. Before this
 * series the first two slept on.
 */
static void vt_last_waits(struct race *r, int kind)
{
	int fd, i;
	long rc;

	for (i = 0; i < VT_LAST_WAITS; i++) {
		fd = open(r->name, O_RDWR | O_NOCTTY);
		if (fd < 0) {
			bad(r, "open", fd, errno);
			return;
		}
		errno = 0;
		/* A paste returns at once until the input is full. */
		do
			rc = vt_wait(fd, kind, r->vt);
		while (!rc && kind == 2);
		if (rc != -1 || errno != EIO)
			bad(r, "a wait after the last switch", rc, errno);
		else
			__atomic_fetch_add(&r->waits_ended, 1, __ATOMIC_RELAXED);
		close(fd);
	}
}

static void *worker(void *arg)
{
	struct race *r = arg;
	unsigned int seed = (unsigned long)pthread_self();
	int fd, i, rc;

	while (!stopping(r)) {
		fd = open(r->name, O_RDWR | O_NOCTTY |
			  (rand_r(&seed) % 2 ? O_NONBLOCK : 0));
		if (fd < 0) {
			if (!stopping(r))
				bad(r, "open", fd, errno);
			break;
		}
		__atomic_fetch_add(&r->opens, 1, __ATOMIC_RELAXED);
		for (i = rand_r(&seed) % 16; i >= 0 && !stopping(r); i--)
			one_call(r, fd, &seed);
		rc = close(fd);
		if (rc)
			bad(r, "close", rc, errno);
	}
	if (r->vt) {
		/* The switcher stops first: wait for its last switch. */
		while (!__atomic_load_n(&r->switched_back, __ATOMIC_SEQ_CST))
			usleep(1000);
		vt_last_waits(r, __atomic_fetch_add(&r->last_kind, 1,
						    __ATOMIC_RELAXED));
	}
	__atomic_fetch_sub(&r->workers_left, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/*
 * Hangs the tty up until the end; on a VT until the workers are gone, so
 * that no wait is left asleep.
 */
static void *hangup_loop(void *arg)
{
	struct race *r = arg;
	int fd, rc;

	while (r->vt ? __atomic_load_n(&r->workers_left, __ATOMIC_SEQ_CST) :
	       !stopping(r)) {
		fd = open(r->name, O_RDWR | O_NOCTTY | O_NONBLOCK);
		if (fd < 0) {
			bad(r, "open (hangup thread)", fd, errno);
			break;
		}
		__atomic_fetch_add(&r->hangup_seq, 1, __ATOMIC_SEQ_CST);
		rc = ioctl(fd, TIOCVHANGUP);
		__atomic_fetch_add(&r->hangup_seq, 1, __ATOMIC_SEQ_CST);
		/* EIO: a worker hung the tty up since the open. */
		if (!rc)
			__atomic_fetch_add(&r->hangups, 1, __ATOMIC_RELAXED);
		else if (errno != EIO)
			bad(r, "TIOCVHANGUP (hangup thread)", -1, errno);
		close(fd);
	}
	return NULL;
}

/* Keeps the master side moving: drains output, feeds input. */
static void *master_side(void *arg)
{
	struct race *r = arg;
	struct pollfd p = { .fd = r->master, .events = POLLIN };
	char buf[512];

	while (!stopping(r)) {
		if (poll(&p, 1, 10) > 0 && (p.revents & POLLIN))
			if (read(r->master, buf, sizeof(buf)) < 0)
				break;
		if (write(r->master, "line\n", 5) < 0 && errno != EAGAIN)
			break;
	}
	return NULL;
}

static long env_long(const char *name, long def)
{
	const char *v = getenv(name);

	return v && *v ? strtol(v, NULL, 0) : def;
}

/* Start the workers and the hangup thread. */
static void race_start(struct __test_metadata *_metadata, struct race *r,
		       pthread_t *workers, pthread_t *hang)
{
	int i;

	r->workers_left = WORKERS;
	for (i = 0; i < WORKERS; i++)
		ASSERT_EQ(0, pthread_create(&workers[i], NULL, worker, r));
	ASSERT_EQ(0, pthread_create(hang, NULL, hangup_loop, r));
}

/* Race for MIN_SECONDS and @min_hangups, at most MAX_SECONDS; then stop. */
static void race_on(struct race *r, double start, long min_hangups)
{
	double t;

	do {
		usleep(100000);
		t = now_s() - start;
	} while ((t < MIN_SECONDS ||
		  __atomic_load_n(&r->hangups, __ATOMIC_RELAXED) < min_hangups) &&
		 t < MAX_SECONDS && !__atomic_load_n(&r->bad, __ATOMIC_RELAXED));
	__atomic_store_n(&r->stop, 1, __ATOMIC_RELAXED);
}

static void race_report(struct __test_metadata *_metadata, struct race *r,
			double start, long min_hangups)
{
	TH_LOG("%.1f s: %ld hangups, %ld opens, %ld calls, %ld of them hung up",
	       now_s() - start, r->hangups, r->opens, r->calls, r->hung_up_results);
	if (r->vt)
		TH_LOG("%ld switches of the terminal shown", r->switches);
	TH_LOG("%ld calls overlapped a TIOCVHANGUP", r->calls_in_hangups);
	EXPECT_EQ(0, r->bad)
		TH_LOG("%ld unexpected results, first: %s", r->bad, r->bad_what);
	EXPECT_LE(min_hangups, r->hangups)
		TH_LOG("only %ld hangups in %.0f s", r->hangups, MAX_SECONDS);
	EXPECT_LT(0, r->hung_up_results);
	EXPECT_LE(min_hangups / 10, r->calls_in_hangups)
		TH_LOG("the hangups did not race the calls");
}

FIXTURE(race) {
};

FIXTURE_SETUP(race)
{
}

FIXTURE_TEARDOWN(race)
{
}

TEST_F_TIMEOUT(race, hangups, 400)
{
	long min_hangups = env_long("REVOKE_TTY_MIN_HANGUPS", DEFAULT_MIN_HANGUPS);
	pthread_t workers[WORKERS], hang, feed;
	struct race r = {};
	double start;
	int slave, i;

	ASSERT_EQ(0, open_pty(&r.master, &slave, r.name, sizeof(r.name)));
	/* The line thread must never block on the master. */
	ASSERT_EQ(0, fcntl(r.master, F_SETFL, O_NONBLOCK));
	TH_LOG("racing for %.0f s and %ld hangups, at most %.0f s",
	       MIN_SECONDS, min_hangups, MAX_SECONDS);

	start = now_s();
	race_start(_metadata, &r, workers, &hang);
	ASSERT_EQ(0, pthread_create(&feed, NULL, master_side, &r));
	race_on(&r, start, min_hangups);
	pthread_join(hang, NULL);
	pthread_join(feed, NULL);
	/*
	 * Closing the master hangs the slave up for good: blocked readers
	 * and writers return and new opens fail.
	 */
	close(r.master);
	for (i = 0; i < WORKERS; i++)
		pthread_join(workers[i], NULL);
	close(slave);
	race_report(_metadata, &r, start, min_hangups);
}

#define MAX_THREADS 8

/* One thread's call in a round: TIOCVHANGUP on @fd, or close it. */
struct hup_round {
	pthread_barrier_t *barrier;
	int fd;
	int closes;	/* close @fd (a pty master) instead */
	int master;	/* read the slave's termios through it, or -1 */
	int rc;
	int err;
	int reset;
	int done;
};

static void *hup_call(void *arg)
{
	struct hup_round *h = arg;
	struct termios t;

	pthread_barrier_wait(h->barrier);
	errno = 0;
	h->rc = h->closes ? close(h->fd) : ioctl(h->fd, TIOCVHANGUP);
	h->err = errno;
	/* The slave's termios, through the master: reset yet? */
	if (h->master >= 0)
		h->reset = !tcgetattr(h->master, &t) && (t.c_lflag & ICANON);
	__atomic_store_n(&h->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void hangup_together(struct __test_metadata *_metadata, int own_fds,
			    int threads, int rounds)
{
	struct hup_round h[MAX_THREADS];
	pthread_t th[MAX_THREADS];
	pthread_barrier_t barrier;
	int master, slave, round, i, zero, together = 0, early = 0;
	struct tty_obs o;
	struct termios t;
	char name[64];

	ASSERT_EQ(0, open_pty(&master, &slave, name, sizeof(name)));
	for (round = 0; round < rounds; round++) {
		/* Raw until the end of the hangup resets it. */
		ASSERT_EQ(0, tcgetattr(slave, &t));
		cfmakeraw(&t);
		ASSERT_EQ(0, tcsetattr(slave, TCSANOW, &t));
		ASSERT_EQ(0, pthread_barrier_init(&barrier, NULL, threads));
		for (i = 0; i < threads; i++) {
			h[i] = (struct hup_round){ .barrier = &barrier, .master = master };
			h[i].fd = own_fds ? open(name, O_RDWR | O_NOCTTY) : slave;
			ASSERT_LE(0, h[i].fd);
			ASSERT_EQ(0, pthread_create(&th[i], NULL, hup_call, &h[i]));
		}
		zero = 0;
		for (i = 0; i < threads; i++) {
			ASSERT_EQ(0, pthread_join(th[i], NULL));
			if (!h[i].rc) {
				zero++;
				if (!h[i].reset)
					early++;
			} else {
				EXPECT_EQ(EIO, h[i].err);
			}
		}
		pthread_barrier_destroy(&barrier);
		EXPECT_LE(1, zero);
		/* On one fd, a second 0 was in the ioctl before the revoke. */
		if (!own_fds && zero >= 2)
			together++;
		if (own_fds)
			for (i = 0; i < threads; i++) {
				observe(h[i].fd, &o);
				ASSERT_HUNG_UP(&o);
			}
		observe(slave, &o);
		ASSERT_HUNG_UP(&o);
		slave = open(name, O_RDWR | O_NOCTTY);
		ASSERT_LE(0, slave);
	}
	close(slave);
	close(master);
	if (!own_fds) {
		TH_LOG("%d of %d rounds had calls inside the ioctl together",
		       together, rounds);
		EXPECT_LT(0, together);
	}
	EXPECT_EQ(0, early)
		TH_LOG("%d calls returned 0 before the hangup was over", early);
}

TEST_F_TIMEOUT(race, tiocvhangup_threads_one_fd, 120)
{
	hangup_together(_metadata, 0, MAX_THREADS, 100);
}

TEST_F_TIMEOUT(race, tiocvhangup_threads_own_fds, 120)
{
	hangup_together(_metadata, 1, MAX_THREADS, 100);
}

/*
 * A TIOCVHANGUP that finds another hangup of the tty in progress returns
 * once that one is over. Before that was so, about one round in a hundred
 * of four calls had one that returned after the other's revoke and before
 * the end of its hangup.
 */
TEST_F_TIMEOUT(race, tiocvhangup_returns_after_hangup, 120)
{
	hangup_together(_metadata, 0, 4, 500);
	hangup_together(_metadata, 1, 4, 500);
}

#define CLOSE_THREADS 3
#define CLOSE_ROUNDS 500
#define CLOSE_SECS 20.0

TEST_F_TIMEOUT(race, master_close_vs_tiocvhangup, 300)
{
	struct hup_round c[CLOSE_THREADS + 1];
	pthread_t th[CLOSE_THREADS + 1];
	pthread_barrier_t barrier;
	int master, slave, round, i;
	struct tty_obs o;
	char name[64];
	double end;

	for (round = 0; round < CLOSE_ROUNDS; round++) {
		ASSERT_EQ(0, open_pty(&master, &slave, name, sizeof(name)));
		ASSERT_EQ(0, pthread_barrier_init(&barrier, NULL, CLOSE_THREADS + 1));
		for (i = 0; i <= CLOSE_THREADS; i++) {
			c[i] = (struct hup_round){
				.barrier = &barrier, .closes = i == CLOSE_THREADS,
				.master = -1,
			};
			c[i].fd = c[i].closes ? master : open(name, O_RDWR | O_NOCTTY);
			ASSERT_LE(0, c[i].fd);
			ASSERT_EQ(0, pthread_create(&th[i], NULL, hup_call, &c[i]));
		}
		end = now_s() + CLOSE_SECS;
		for (i = 0; i <= CLOSE_THREADS; i++) {
			ASSERT_EQ(1, wait_flag(&c[i].done, end))
				TH_LOG("round %d: a %s did not return within %.0f s",
				       round, c[i].closes ? "master close" : "TIOCVHANGUP",
				       CLOSE_SECS);
			ASSERT_EQ(0, pthread_join(th[i], NULL));
			if (c[i].closes) {
				EXPECT_EQ(0, c[i].rc);
			} else if (c[i].rc) {
				/* Its fd was hung up before the call started. */
				EXPECT_EQ(EIO, c[i].err);
			}
		}
		pthread_barrier_destroy(&barrier);
		for (i = 0; i < CLOSE_THREADS; i++) {
			observe(c[i].fd, &o);
			ASSERT_HUNG_UP(&o);
		}
		observe(slave, &o);
		ASSERT_HUNG_UP(&o);
	}
}

/* Show tty5 and the terminal shown at the start in turn, then the latter. */
static void *vt_switcher(void *arg)
{
	struct race *r = arg;
	unsigned int seed = (unsigned long)pthread_self();
	int fd = -1, to = r->vt, rc;

	while (!stopping(r)) {
		/* A new file of /dev/tty0 now and then, on either terminal. */
		if (fd < 0 || !(rand_r(&seed) % 8)) {
			if (fd >= 0)
				close(fd);
			fd = open("/dev/tty0", O_RDWR | O_NOCTTY);
			if (fd < 0) {
				bad(r, "open /dev/tty0", fd, errno);
				break;
			}
		}
		rc = ioctl(fd, VT_ACTIVATE, to);
		if (!rc)
			rc = ioctl(fd, VT_WAITACTIVE, to);
		if (rc) {
			bad(r, "VT_ACTIVATE/VT_WAITACTIVE on /dev/tty0", rc, errno);
			break;
		}
		__atomic_fetch_add(&r->switches, 1, __ATOMIC_RELAXED);
		to = to == r->vt ? r->home : r->vt;
		usleep(rand_r(&seed) % 2000);
	}
	if (fd < 0)
		fd = open("/dev/tty0", O_RDWR | O_NOCTTY);
	if (fd < 0 || ioctl(fd, VT_ACTIVATE, r->home) ||
	    ioctl(fd, VT_WAITACTIVE, r->home))
		bad(r, "switching back", -1, errno);
	if (fd >= 0)
		close(fd);
	__atomic_store_n(&r->switched_back, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

TEST_F_TIMEOUT(race, vt_hangups, 400)
{
	long min_hangups = env_long("REVOKE_TTY_MIN_VT_HANGUPS",
				    DEFAULT_MIN_VT_HANGUPS);
	/* The whole screen shown; the kernel clamps it to its size. */
	struct tiocl_selection sel = {
		.xs = 1, .ys = 1, .xe = 1000, .ye = 1000,
		.sel_mode = TIOCL_SELCHAR,
	};
	char set[1 + sizeof(sel)] = { TIOCL_SETSEL };
	pthread_t workers[WORKERS], hang, sw;
	struct race r = {};
	struct vt_stat st;
	double start, end;
	int fd, i;

	snprintf(r.name, sizeof(r.name), "/dev/tty%d", VT_RACE);
	fd = open(r.name, O_RDWR | O_NOCTTY);
	if (fd < 0 && (errno == ENOENT || errno == ENXIO || errno == ENODEV))
		SKIP(return, "no virtual terminal %s: %s", r.name, strerror(errno));
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, VT_GETSTATE, &st));
	r.home = st.v_active;
	ASSERT_NE(r.home, VT_RACE);
	memcpy(set + 1, &sel, sizeof(sel));
	ASSERT_EQ(0, ioctl(fd, TIOCLINUX, set));
	close(fd);
	TH_LOG("racing on %s for %.0f s and %ld hangups, at most %.0f s",
	       r.name, MIN_SECONDS, min_hangups, MAX_SECONDS);

	start = now_s();
	r.vt = VT_RACE;
	race_start(_metadata, &r, workers, &hang);
	ASSERT_EQ(0, pthread_create(&sw, NULL, vt_switcher, &r));
	race_on(&r, start, min_hangups);
	pthread_join(sw, NULL);
	end = now_s() + 30;
	while (__atomic_load_n(&r.workers_left, __ATOMIC_SEQ_CST) && now_s() < end)
		usleep(1000);
	ASSERT_EQ(0, __atomic_load_n(&r.workers_left, __ATOMIC_SEQ_CST))
		TH_LOG("a wait on %s did not return within 30 s of the last switch",
		       r.name);
	pthread_join(hang, NULL);
	for (i = 0; i < WORKERS; i++)
		pthread_join(workers[i], NULL);
	race_report(_metadata, &r, start, min_hangups);
	EXPECT_LT(0, r.switches);
	EXPECT_EQ(WORKERS * VT_LAST_WAITS, r.waits_ended);
}

TEST_HARNESS_MAIN

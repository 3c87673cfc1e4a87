// SPDX-License-Identifier: GPL-2.0
/*
 * Mappings of revoked files, through the revoke test driver
 * (lib/test_revoke.c): after a revoke no PTE reaches the old memory and the
 * mapping faults with SIGBUS or maps a dummy page, as the file asked; the
 * old memory is not written any more; the driver's vm ->close() runs once
 * per mapping, at the revoke; munmap, mremap, mprotect, madvise and fork of
 * a revoked mapping work; a page pinned before the revoke stays valid after
 * the driver freed it; and mmap() racing revokes never leaves a PTE behind.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include "test_revoke.h"
#include "../kselftest_harness.h"

/*
 * What the mmap race must reach, and how long it may take: it stops as
 * soon as it has both counts, in about 20 s on an idle TCG guest, but a
 * busy host can make it several times slower.
 */
#define RACE_SECS	120.0
#define RACE_ROUNDS	10000
#define RACE_REVOKES	200
#define RACE_LIVE	64
/* Mappings made between two revokes: a revoke takes microseconds. */
#define RACE_PACE	4

static long page_size;
static __thread sigjmp_buf probe_env;
static __thread int probing;

static void on_sigbus(int sig)
{
	if (__atomic_load_n(&probing, __ATOMIC_RELAXED))
		siglongjmp(probe_env, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void catch_sigbus(void)
{
	struct sigaction sa = { .sa_handler = on_sigbus };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
	page_size = sysconf(_SC_PAGESIZE);
}

static void set_probing(int on)
{
	__atomic_store_n(&probing, on, __ATOMIC_SEQ_CST);
}

/* Read a byte: 0..255, or -1 for SIGBUS. */
static int probe_read(unsigned char *p)
{
	int v;

	if (sigsetjmp(probe_env, 1)) {
		set_probing(0);
		return -1;
	}
	set_probing(1);
	v = __atomic_load_n(p, __ATOMIC_SEQ_CST);
	set_probing(0);
	return v;
}

/* Write a byte: 0, or -1 for SIGBUS. */
static int probe_write(unsigned char *p, unsigned char v)
{
	if (sigsetjmp(probe_env, 1)) {
		set_probing(0);
		return -1;
	}
	set_probing(1);
	__atomic_store_n(p, v, __ATOMIC_SEQ_CST);
	set_probing(0);
	return 0;
}

static long set_policy(int fd, __u32 policy)
{
	return ioctl(fd, TRV_IOC_MAP_POLICY, &policy) ? -errno : 0;
}

static void *map_style(int fd, int remap, int pages, int flags)
{
	off_t off = remap ? TRV_MAP_REMAP : 0;

	return mmap(NULL, pages * page_size, PROT_READ | PROT_WRITE, flags,
		    fd, off * page_size);
}

static long old_map(struct trv_old_map *om)
{
	memset(om, 0, sizeof(*om));
	return trv_ctl(TRV_CTL_OLD_MAP, om);
}

FIXTURE(maps) {
	int fd;
	long gen;
	unsigned char *map;
	size_t len;
	struct trv_stats st0;
};

FIXTURE_VARIANT(maps) {
	int remap;
	int dummy;
	int private;
	unsigned long how;
};

FIXTURE_VARIANT_ADD(maps, fault_sigbus_hangup) {
	.how = TRV_CTL_REVOKE,
};

FIXTURE_VARIANT_ADD(maps, fault_dummy_hangup) {
	.dummy = 1, .how = TRV_CTL_REVOKE,
};

FIXTURE_VARIANT_ADD(maps, remap_sigbus_hangup) {
	.remap = 1, .how = TRV_CTL_REVOKE,
};

FIXTURE_VARIANT_ADD(maps, remap_dummy_hangup) {
	.remap = 1, .dummy = 1, .how = TRV_CTL_REVOKE,
};

FIXTURE_VARIANT_ADD(maps, fault_sigbus_unplug) {
	.how = TRV_CTL_REPLACE,
};

FIXTURE_VARIANT_ADD(maps, fault_dummy_unplug) {
	.dummy = 1, .how = TRV_CTL_REPLACE,
};

FIXTURE_VARIANT_ADD(maps, remap_sigbus_unplug) {
	.remap = 1, .how = TRV_CTL_REPLACE,
};

FIXTURE_VARIANT_ADD(maps, remap_dummy_unplug) {
	.remap = 1, .dummy = 1, .how = TRV_CTL_REPLACE,
};

FIXTURE_VARIANT_ADD(maps, private_sigbus_hangup) {
	.private = 1, .how = TRV_CTL_REVOKE,
};

FIXTURE_VARIANT_ADD(maps, private_dummy_hangup) {
	.private = 1, .dummy = 1, .how = TRV_CTL_REVOKE,
};

FIXTURE_SETUP(maps)
{
	int flags = variant->private ? MAP_PRIVATE : MAP_SHARED;

	self->fd = -1;
	self->map = MAP_FAILED;
	if (!trv_available())
		SKIP(return, TRV_MISSING);
	catch_sigbus();
	self->len = TRV_MAP_PAGES * page_size;
	self->fd = trv_open(0);
	ASSERT_LE(0, self->fd);
	self->gen = trv_map_gen(self->fd);
	ASSERT_LT(0, self->gen);
	ASSERT_EQ(0, set_policy(self->fd, variant->dummy ?
				TRV_POLICY_DUMMY : TRV_POLICY_SIGBUS));
	ASSERT_EQ(0, trv_get_stats(&self->st0));
	self->map = map_style(self->fd, variant->remap, TRV_MAP_PAGES, flags);
	ASSERT_NE(MAP_FAILED, self->map) TH_LOG("mmap: %s", strerror(errno));
}

FIXTURE_TEARDOWN(maps)
{
	if (self->map != MAP_FAILED)
		munmap(self->map, self->len);
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * Map, fill, revoke; then the mapping no longer reaches the old pages,
 * whatever is done through it, and the driver saw one ->close().
 */
TEST_F(maps, revoke)
{
	struct trv_stats st;
	struct trv_old_map om;
	size_t i;
	int v;

	/* Live: the session's pages, and writes reach them. */
	for (i = 0; i < self->len; i += page_size)
		ASSERT_EQ(self->gen, probe_read(self->map + i));
	memset(self->map, 0xaa, self->len);
	ASSERT_EQ(0, trv_get_stats(&st));
	EXPECT_EQ(self->st0.vma_opens + 1, st.vma_opens);
	EXPECT_EQ(self->st0.vma_closes, st.vma_closes);

	ASSERT_LE(0, trv_ctl(variant->how, NULL));

	/* The driver's ->close() ran at the revoke, once. */
	ASSERT_EQ(0, trv_get_stats(&st));
	EXPECT_EQ(self->st0.vma_closes + 1, st.vma_closes);

	for (i = 0; i < self->len; i += page_size) {
		v = probe_read(self->map + i + 7);
		EXPECT_EQ(variant->dummy ? 0 : -1, v)
			TH_LOG("page %zu", i / page_size);
	}
	v = probe_write(self->map + 5, 0x55);
	EXPECT_EQ(variant->dummy ? 0 : -1, v);
	if (variant->dummy) {
		EXPECT_EQ(0x55, probe_read(self->map + 5));
		/* The next system call on the file reports the revoke. */
		EXPECT_EQ(-ENODEV, trv_map_gen(self->fd));
	}

	/* What the old pages hold: the fill, untouched since the revoke. */
	ASSERT_EQ(0, old_map(&om));
	ASSERT_EQ(1, om.valid);
	EXPECT_EQ(self->gen, om.gen);
	if (variant->private) {
		/* Private writes went to copies: the session's fill is left. */
		EXPECT_EQ(self->gen, om.value);
	} else {
		EXPECT_EQ(0xaa, om.value);
	}
	EXPECT_EQ(1, om.uniform);

	/* Nothing of the driver runs for a revoked mapping any more. */
	EXPECT_EQ(0, munmap(self->map, self->len));
	self->map = MAP_FAILED;
	ASSERT_EQ(0, trv_get_stats(&st));
	EXPECT_EQ(self->st0.vma_closes + 1, st.vma_closes);
	EXPECT_EQ(self->st0.late_closes, st.late_closes);
	EXPECT_EQ(0, st.violations);
}

/* A mapping of the file's own memory is not revoked and keeps working. */
TEST(keep_own_page)
{
	unsigned char *own, *map;
	int fd;

	if (!trv_available())
		SKIP(return, TRV_MISSING);
	catch_sigbus();
	fd = trv_open(0);
	ASSERT_LE(0, fd);
	own = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   TRV_MAP_FILE * page_size);
	ASSERT_NE(MAP_FAILED, own);
	map = map_style(fd, 0, 1, MAP_SHARED);
	ASSERT_NE(MAP_FAILED, map);
	own[0] = 0x77;
	ASSERT_LE(0, trv_ctl(TRV_CTL_REVOKE, NULL));
	EXPECT_EQ(0x77, probe_read(own));
	EXPECT_EQ(0, probe_write(own + 1, 0x78));
	EXPECT_EQ(-1, probe_read(map));
	munmap(map, page_size);
	munmap(own, page_size);
	close(fd);
}

static int child_probe(unsigned char *map, int want)
{
	return probe_read(map) == want ? 0 : 1;
}

/*
 * Split, fork, mprotect, madvise, mremap and munmap around a revoke: the
 * driver sees one ->close() per vma it saw opened, all at the revoke, and
 * the revoked vmas behave like a truncated file's.
 */
TEST(vma_operations)
{
	struct trv_stats st0, st1, st2;
	unsigned char *map, *moved;
	int fd, status, go[2];
	pid_t child, late;
	size_t len;

	if (!trv_available())
		SKIP(return, TRV_MISSING);
	catch_sigbus();
	len = TRV_MAP_PAGES * page_size;
	fd = trv_open(0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, trv_get_stats(&st0));
	map = map_style(fd, 0, TRV_MAP_PAGES, MAP_SHARED);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_LT(0, probe_read(map));

	/* Split into three vmas; a child copies them. */
	ASSERT_EQ(0, mprotect(map + page_size, page_size, PROT_READ));
	ASSERT_EQ(0, pipe(go));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		char c;

		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		/* After the revoke: SIGBUS, in the child's copy too. */
		_exit(child_probe(map + 2 * page_size, -1));
	}
	close(go[0]);
	ASSERT_EQ(0, trv_get_stats(&st1));
	EXPECT_LT(st0.vma_opens + 1, st1.vma_opens);
	EXPECT_EQ(st0.vma_closes, st1.vma_closes);

	ASSERT_LE(0, trv_ctl(TRV_CTL_REVOKE, NULL));
	ASSERT_EQ(0, trv_get_stats(&st2));
	EXPECT_EQ(st1.vma_opens, st2.vma_opens);
	EXPECT_EQ(st2.vma_opens - st0.vma_opens, st2.vma_closes - st0.vma_closes);

	ASSERT_EQ(1, write(go[1], "x", 1));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("child status %#x", status);

	EXPECT_EQ(-1, probe_read(map));
	EXPECT_EQ(-1, probe_read(map + page_size));
	EXPECT_EQ(0, mprotect(map, len, PROT_READ));
	EXPECT_EQ(0, mprotect(map, len, PROT_READ | PROT_WRITE));
	EXPECT_EQ(0, madvise(map, len, MADV_DONTNEED));
	EXPECT_EQ(-1, probe_read(map + 3 * page_size));

	/* A fork after the revoke copies revoked vmas. */
	late = fork();
	ASSERT_LE(0, late);
	if (late == 0)
		_exit(child_probe(map, -1));
	ASSERT_EQ(late, waitpid(late, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	moved = mremap(map + 3 * page_size, page_size, page_size,
		       MREMAP_MAYMOVE);
	ASSERT_NE(MAP_FAILED, moved) TH_LOG("mremap: %s", strerror(errno));
	EXPECT_EQ(-1, probe_read(moved));
	/* A revoked mapping does not grow. */
	EXPECT_EQ(MAP_FAILED, mremap(moved, page_size, 2 * page_size,
				     MREMAP_MAYMOVE));
	EXPECT_EQ(0, munmap(moved, page_size));
	EXPECT_EQ(0, munmap(map, 3 * page_size));
	close(go[1]);
	close(fd);

	ASSERT_EQ(0, trv_get_stats(&st1));
	EXPECT_EQ(st2.vma_opens, st1.vma_opens);
	EXPECT_EQ(st2.vma_closes, st1.vma_closes);
	EXPECT_EQ(st2.late_closes, st1.late_closes);
	EXPECT_EQ(0, st1.violations);
}

/*
 * A page pinned through a mapping (vmsplice into a pipe) before the revoke
 * stays valid after the driver freed its pages: the pin holds the page.
 * KASAN reports it if not. PFN mappings cannot be pinned at all.
 */
TEST(pin_across_revoke_and_free)
{
	unsigned char *map, *buf;
	struct iovec iov;
	struct trv_stats st;
	int fd, p[2];
	ssize_t n;
	size_t i;

	if (!trv_available())
		SKIP(return, TRV_MISSING);
	catch_sigbus();
	fd = trv_open(0);
	ASSERT_LE(0, fd);
	map = map_style(fd, 0, 1, MAP_SHARED);
	ASSERT_NE(MAP_FAILED, map);
	memset(map, 0x3c, page_size);
	ASSERT_EQ(0, pipe(p));
	iov.iov_base = map;
	iov.iov_len = page_size;
	ASSERT_EQ(page_size, vmsplice(p[1], &iov, 1, 0));

	/* Unplug: the session's pages are retired, then freed. */
	ASSERT_LE(0, trv_ctl(TRV_CTL_REPLACE, NULL));
	ASSERT_LE(0, trv_ctl(TRV_CTL_REPLACE, NULL));
	EXPECT_EQ(-1, probe_read(map));

	buf = malloc(page_size);
	ASSERT_NE(NULL, buf);
	n = read(p[0], buf, page_size);
	ASSERT_EQ(page_size, n);
	for (i = 0; i < (size_t)page_size; i++)
		if (buf[i] != 0x3c)
			break;
	EXPECT_EQ(page_size, i) TH_LOG("pinned page changed at %zu", i);
	free(buf);
	munmap(map, page_size);
	close(p[0]);
	close(p[1]);
	close(fd);

	/* The same on a remap_pfn_range() mapping: no pin to begin with. */
	fd = trv_open(0);
	ASSERT_LE(0, fd);
	map = map_style(fd, 1, 1, MAP_SHARED);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, pipe(p));
	iov.iov_base = map;
	errno = 0;
	EXPECT_EQ(-1, vmsplice(p[1], &iov, 1, 0));
	EXPECT_EQ(EFAULT, errno);
	munmap(map, page_size);
	close(p[0]);
	close(p[1]);
	close(fd);
	ASSERT_EQ(0, trv_get_stats(&st));
	EXPECT_EQ(0, st.violations);
}

/*
 * mmap() racing revokes: two mappers map, touch and check while a revoker
 * revokes. A mapping made while revoke number m was the
 * last to have returned is certainly revoked once revoke m + 2 returned
 * (that one started after the mapping existed); from then on it must not
 * show the old pages, whichever style (PTEs at fault time or in ->mmap)
 * and policy it has.
 */
struct race {
	int stop;
	unsigned long revokes;
	unsigned long rounds;
	unsigned long checked;
	unsigned long stale;
	unsigned long bad;
	unsigned long errors;
	int last_errno;
	const char *last_error;
};

static void race_error(struct race *r, const char *what)
{
	r->last_errno = errno;
	r->last_error = what;
	__atomic_add_fetch(&r->errors, 1, __ATOMIC_SEQ_CST);
}

struct live {
	int fd;
	unsigned char *map;
	int gen;
	int dummy;
	unsigned long seen;
};

static void *race_revoker(void *arg)
{
	struct race *r = arg;
	int ctl = open(TRV_CTL_DEV, O_RDWR | O_CLOEXEC);
	unsigned long next = 0;

	if (ctl < 0) {
		race_error(r, "open ctl");
		return NULL;
	}
	while (!__atomic_load_n(&r->stop, __ATOMIC_SEQ_CST)) {
		/*
		 * Back to back, revokes would keep the object revoking most of
		 * the time and the mappers from getting anywhere.
		 */
		if (__atomic_load_n(&r->rounds, __ATOMIC_SEQ_CST) < next) {
			usleep(100);
			continue;
		}
		next = __atomic_load_n(&r->rounds, __ATOMIC_SEQ_CST) + RACE_PACE;
		/*
		 * Mostly unplug-style, so that opens go on to a fresh object
		 * meanwhile; every fourth one hangup-style.
		 */
		if (ioctl(ctl, r->revokes % 4 == 3 ? TRV_CTL_REVOKE :
			  TRV_CTL_REPLACE) < 0) {
			race_error(r, "revoke");
			break;
		}
		__atomic_add_fetch(&r->revokes, 1, __ATOMIC_SEQ_CST);
	}
	close(ctl);
	return NULL;
}

/* Check a mapping; 1 once it is certainly revoked (and correct). */
static int race_check(struct race *r, struct live *l)
{
	unsigned long done = __atomic_load_n(&r->revokes, __ATOMIC_SEQ_CST);
	int v = probe_read(l->map);

	if (v == l->gen) {
		if (done >= l->seen + 2) {
			__atomic_add_fetch(&r->stale, 1, __ATOMIC_SEQ_CST);
			return 1;
		}
		return 0;
	}
	/* Revoked, at least in part: the policy's answer only. */
	if (v != (l->dummy ? 0 : -1))
		__atomic_add_fetch(&r->bad, 1, __ATOMIC_SEQ_CST);
	if (done >= l->seen + 2) {
		__atomic_add_fetch(&r->checked, 1, __ATOMIC_SEQ_CST);
		return 1;
	}
	return 0;
}

static void race_drop(struct live *l)
{
	munmap(l->map, page_size);
	close(l->fd);
	l->fd = -1;
}

static void *race_mapper(void *arg)
{
	struct race *r = arg;
	struct live live[RACE_LIVE];
	unsigned long n = 0;
	int i, slot;

	for (i = 0; i < RACE_LIVE; i++)
		live[i].fd = -1;
	while (!__atomic_load_n(&r->stop, __ATOMIC_SEQ_CST)) {
		slot = n++ % RACE_LIVE;
		if (live[slot].fd >= 0)
			race_drop(&live[slot]);
		for (i = 0; i < RACE_LIVE; i++)
			if (live[i].fd >= 0 && race_check(r, &live[i]))
				race_drop(&live[i]);

		live[slot].fd = trv_open(0);
		if (live[slot].fd < 0) {
			/* A revoke in progress refuses new files. */
			if (errno == ENODEV)
				continue;
			race_error(r, "open");
			break;
		}
		live[slot].dummy = n & 1;
		live[slot].gen = trv_map_gen(live[slot].fd);
		if (live[slot].gen < 0 ||
		    set_policy(live[slot].fd, live[slot].dummy)) {
			/* Revoked already: the next round opens again. */
			close(live[slot].fd);
			live[slot].fd = -1;
			continue;
		}
		live[slot].map = map_style(live[slot].fd, (n >> 1) & 1, 1,
					   MAP_SHARED);
		live[slot].seen = __atomic_load_n(&r->revokes,
						  __ATOMIC_SEQ_CST);
		if (live[slot].map == MAP_FAILED) {
			if (errno != ENODEV)
				race_error(r, "mmap");
			close(live[slot].fd);
			live[slot].fd = -1;
			continue;
		}
		race_check(r, &live[slot]);
		__atomic_add_fetch(&r->rounds, 1, __ATOMIC_SEQ_CST);
	}
	for (i = 0; i < RACE_LIVE; i++)
		if (live[i].fd >= 0)
			race_drop(&live[i]);
	return NULL;
}

FIXTURE(race) {
};

FIXTURE_SETUP(race)
{
}

FIXTURE_TEARDOWN(race)
{
}

TEST_F_TIMEOUT(race, mmap_vs_revoke, RACE_SECS + 60)
{
	struct race r = { 0 };
	pthread_t rev, map[2];
	struct trv_stats st;
	double end;
	int i;

	if (!trv_available())
		SKIP(return, TRV_MISSING);
	catch_sigbus();
	ASSERT_EQ(0, pthread_create(&rev, NULL, race_revoker, &r));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&map[i], NULL, race_mapper, &r));
	end = now_s() + RACE_SECS;
	while (now_s() < end && !r.errors &&
	       (__atomic_load_n(&r.rounds, __ATOMIC_SEQ_CST) < RACE_ROUNDS ||
		__atomic_load_n(&r.revokes, __ATOMIC_SEQ_CST) < RACE_REVOKES))
		usleep(20000);
	__atomic_store_n(&r.stop, 1, __ATOMIC_SEQ_CST);
	pthread_join(rev, NULL);
	for (i = 0; i < 2; i++)
		pthread_join(map[i], NULL);

	TH_LOG("%lu rounds, %lu revokes, %lu mappings checked revoked, %.1f s",
	       r.rounds, r.revokes, r.checked, now_s() - end + RACE_SECS);
	EXPECT_EQ(0, r.errors) TH_LOG("%s: %s", r.last_error,
				      strerror(r.last_errno));
	EXPECT_EQ(0, r.stale) TH_LOG("old pages still mapped after the revoke");
	EXPECT_EQ(0, r.bad);
	EXPECT_LE(RACE_ROUNDS, r.rounds);
	EXPECT_LE(RACE_REVOKES, r.revokes);
	EXPECT_LT(0, r.checked);

	ASSERT_EQ(0, trv_wait_all_released(&st, 20.0));
	EXPECT_EQ(st.vma_opens, st.vma_closes);
	EXPECT_EQ(0, st.violations);
}

TEST_HARNESS_MAIN

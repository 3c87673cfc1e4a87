/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ABI of lib/test_revoke.c (CONFIG_TEST_REVOKE), mirrored from there,
 * and helpers shared by the revoke selftests: the devices, the ctl ioctls,
 * raw aio and io_uring.
 */
#ifndef REVOKE_TEST_REVOKE_H
#define REVOKE_TEST_REVOKE_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/aio_abi.h>
#include <linux/io_uring.h>
#include <linux/types.h>

#define TRV_DEV		"/dev/test_revoke"
#define TRV_CTL_DEV	"/dev/test_revoke_ctl"
#define TRV_BUF_SIZE	4096

/* Mirrors lib/test_revoke.c: change both together. */
#define TRV_IOC_HOLD		_IOW('R', 1, __u32)
#define TRV_IOC_SLEEP		_IO('R', 2)
#define TRV_IOC_SELF_REVOKE	_IO('R', 3)
#define TRV_IOC_OBJ_ID		_IOR('R', 4, __u32)
#define TRV_IOC_MAP_POLICY	_IOW('R', 5, __u32)
#define TRV_IOC_MAP_GEN		_IOR('R', 6, __u32)
#define TRV_IOC_SLEEP_DEAF	_IO('R', 7)

#define TRV_POLICY_SIGBUS	0
#define TRV_POLICY_DUMMY	1

#define TRV_MAP_PAGES		4
#define TRV_MAP_REMAP		16
#define TRV_MAP_FILE		32

#define TRV_CTL_REVOKE		_IO('R', 16)
#define TRV_CTL_REPLACE		_IO('R', 17)
#define TRV_CTL_STATS		_IOR('R', 18, struct trv_stats)
#define TRV_CTL_OLD_MAP		_IOR('R', 19, struct trv_old_map)

struct trv_stats {
	__u32 obj_id;
	__u32 opens;
	__u32 releases;
	__u32 in_method;
	__u32 revokes;
	__u32 violations;
	__u64 total_opens;
	__u64 total_releases;
	__u64 vma_opens;
	__u64 vma_closes;
	__u64 late_closes;
	__u64 faults;
};

struct trv_old_map {
	__u32 valid;
	__u32 gen;
	__u32 value;
	__u32 uniform;
};

/* Why the tests skip without the driver. */
#define TRV_MISSING "no " TRV_DEV " or " TRV_CTL_DEV " (CONFIG_TEST_REVOKE=y)"

static inline int trv_available(void)
{
	return access(TRV_DEV, F_OK) == 0 && access(TRV_CTL_DEV, F_OK) == 0;
}

static inline int trv_open(int flags)
{
	return open(TRV_DEV, O_RDWR | O_CLOEXEC | flags);
}

/* An ioctl on the ctl device: its return value, or -errno. */
static inline long trv_ctl(unsigned long cmd, void *arg)
{
	int fd = open(TRV_CTL_DEV, O_RDWR | O_CLOEXEC);
	long ret;

	if (fd < 0)
		return -errno;
	ret = ioctl(fd, cmd, arg);
	if (ret < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static inline long trv_get_stats(struct trv_stats *st)
{
	memset(st, 0, sizeof(*st));
	return trv_ctl(TRV_CTL_STATS, st);
}

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Wait up to @secs until every open file of the driver has been released
 * (the last fput() of a file may be deferred to a work item). Leaves the
 * last statistics in @st; returns 0 once total_opens == total_releases.
 */
static inline int trv_wait_all_released(struct trv_stats *st, double secs)
{
	double end = now_s() + secs;

	for (;;) {
		if (trv_get_stats(st))
			return -1;
		if (st->total_opens == st->total_releases)
			return 0;
		if (now_s() > end)
			return -1;
		usleep(10000);
	}
}

/* The fill byte of the pages of a file's session, or -errno. */
static inline long trv_map_gen(int fd)
{
	__u32 gen = 0;

	if (ioctl(fd, TRV_IOC_MAP_GEN, &gen))
		return -errno;
	return gen;
}

/* The object id of an open file, or -errno. */
static inline long trv_obj_id(int fd)
{
	__u32 id = 0;

	if (ioctl(fd, TRV_IOC_OBJ_ID, &id))
		return -errno;
	return id;
}

/* aio through the raw system calls. */
static inline long sys_io_setup(unsigned int nr, aio_context_t *ctx)
{
	return syscall(__NR_io_setup, nr, ctx);
}

static inline long sys_io_destroy(aio_context_t ctx)
{
	return syscall(__NR_io_destroy, ctx);
}

static inline long sys_io_submit(aio_context_t ctx, long nr, struct iocb **iocbs)
{
	return syscall(__NR_io_submit, ctx, nr, iocbs);
}

static inline long sys_io_getevents(aio_context_t ctx, long min_nr, long nr,
				    struct io_event *events,
				    struct timespec *timeout)
{
	return syscall(__NR_io_getevents, ctx, min_nr, nr, events, timeout);
}

/* No completion within the time given. */
#define TRV_TIMED_OUT (-100000L)

/*
 * Run one aio request and wait up to @secs for it: its result, or -errno
 * if io_submit() itself failed, or TRV_TIMED_OUT. For IOCB_CMD_POLL @buf
 * is the event mask and @len 0.
 */
static inline long aio_run(aio_context_t ctx, int fd, unsigned int opcode,
			   uint64_t buf, size_t len, double secs)
{
	struct iocb cb;
	struct iocb *cbs[1] = { &cb };
	struct io_event ev;
	struct timespec ts = {
		.tv_sec = (time_t)secs,
		.tv_nsec = (long)((secs - (time_t)secs) * 1e9),
	};
	long ret;

	memset(&cb, 0, sizeof(cb));
	cb.aio_fildes = fd;
	cb.aio_lio_opcode = opcode;
	cb.aio_buf = buf;
	cb.aio_nbytes = len;
	ret = sys_io_submit(ctx, 1, cbs);
	if (ret != 1)
		return ret < 0 ? -errno : TRV_TIMED_OUT;
	ret = sys_io_getevents(ctx, 1, 1, &ev, &ts);
	if (ret != 1)
		return TRV_TIMED_OUT;
	return ev.res;
}

/* io_uring through the raw system calls, one request at a time. */
struct uring {
	int fd;
	void *sq_ptr, *cq_ptr;
	size_t sq_sz, cq_sz, sqes_sz;
	unsigned int *sq_tail, *sq_mask, *sq_array;
	unsigned int *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
};

/* 0, or -errno of the step that failed. */
static inline int uring_setup(struct uring *u, unsigned int entries)
{
	struct io_uring_params p;
	int single;

	memset(u, 0, sizeof(*u));
	memset(&p, 0, sizeof(p));
	u->fd = syscall(__NR_io_uring_setup, entries, &p);
	if (u->fd < 0)
		return -errno;
	single = !!(p.features & IORING_FEAT_SINGLE_MMAP);
	u->sq_sz = p.sq_off.array + p.sq_entries * sizeof(unsigned int);
	u->cq_sz = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if (single && u->cq_sz > u->sq_sz)
		u->sq_sz = u->cq_sz;
	u->sq_ptr = mmap(NULL, u->sq_sz, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_POPULATE, u->fd, IORING_OFF_SQ_RING);
	if (u->sq_ptr == MAP_FAILED)
		goto fail;
	if (single) {
		u->cq_ptr = u->sq_ptr;
	} else {
		u->cq_ptr = mmap(NULL, u->cq_sz, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_POPULATE, u->fd,
				 IORING_OFF_CQ_RING);
		if (u->cq_ptr == MAP_FAILED)
			goto fail;
	}
	u->sqes_sz = p.sq_entries * sizeof(struct io_uring_sqe);
	u->sqes = mmap(NULL, u->sqes_sz, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, u->fd, IORING_OFF_SQES);
	if (u->sqes == MAP_FAILED)
		goto fail;
	u->sq_tail = (unsigned int *)((char *)u->sq_ptr + p.sq_off.tail);
	u->sq_mask = (unsigned int *)((char *)u->sq_ptr + p.sq_off.ring_mask);
	u->sq_array = (unsigned int *)((char *)u->sq_ptr + p.sq_off.array);
	u->cq_head = (unsigned int *)((char *)u->cq_ptr + p.cq_off.head);
	u->cq_tail = (unsigned int *)((char *)u->cq_ptr + p.cq_off.tail);
	u->cq_mask = (unsigned int *)((char *)u->cq_ptr + p.cq_off.ring_mask);
	u->cqes = (struct io_uring_cqe *)((char *)u->cq_ptr + p.cq_off.cqes);
	return 0;
fail:
	close(u->fd);
	u->fd = -1;
	return -ENOMEM;
}

static inline void uring_exit(struct uring *u)
{
	if (u->fd < 0)
		return;
	if (u->sqes && u->sqes != MAP_FAILED)
		munmap(u->sqes, u->sqes_sz);
	if (u->cq_ptr && u->cq_ptr != MAP_FAILED && u->cq_ptr != u->sq_ptr)
		munmap(u->cq_ptr, u->cq_sz);
	if (u->sq_ptr && u->sq_ptr != MAP_FAILED)
		munmap(u->sq_ptr, u->sq_sz);
	close(u->fd);
	u->fd = -1;
}

/*
 * Submit one request (IORING_OP_READ or _WRITE of @len bytes at @buf, or
 * IORING_OP_POLL_ADD of the poll events in @len) and wait for its
 * completion: cqe->res, or -errno of io_uring_enter() itself.
 */
static inline long uring_run(struct uring *u, unsigned char opcode, int fd,
			     void *buf, unsigned int len)
{
	unsigned int tail = *u->sq_tail;
	unsigned int idx = tail & *u->sq_mask;
	struct io_uring_sqe *sqe = &u->sqes[idx];
	unsigned int head;
	long ret;

	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = opcode;
	sqe->fd = fd;
	if (opcode == IORING_OP_POLL_ADD) {
		sqe->poll32_events = len;
	} else {
		sqe->addr = (uintptr_t)buf;
		sqe->len = len;
		sqe->off = 0;
	}
	sqe->user_data = 1;
	u->sq_array[idx] = idx;
	__atomic_store_n(u->sq_tail, tail + 1, __ATOMIC_RELEASE);

	do {
		ret = syscall(__NR_io_uring_enter, u->fd, 1, 1,
			      IORING_ENTER_GETEVENTS, NULL, 0);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -errno;

	head = *u->cq_head;
	while (head == __atomic_load_n(u->cq_tail, __ATOMIC_ACQUIRE)) {
		/* Submitted but not complete: wait for it. */
		ret = syscall(__NR_io_uring_enter, u->fd, 0, 1,
			      IORING_ENTER_GETEVENTS, NULL, 0);
		if (ret < 0 && errno != EINTR)
			return -errno;
	}
	ret = u->cqes[head & *u->cq_mask].res;
	__atomic_store_n(u->cq_head, head + 1, __ATOMIC_RELEASE);
	return ret;
}

#endif

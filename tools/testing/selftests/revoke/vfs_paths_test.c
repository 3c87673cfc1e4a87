// SPDX-License-Identifier: GPL-2.0
/*
 * Every way the VFS calls into a file's operations, on a file of the
 * revoke test driver (lib/test_revoke.c): once on the live file, with the
 * result the driver gives, and once after the driver revoked the file, in
 * hangup style (TRV_CTL_REVOKE) and in unplug style (TRV_CTL_REPLACE).
 * After the revoke every path must end in the generic revoked operations
 * (revoked_file_operations): ENODEV, and EPOLLERR | EPOLLHUP from poll;
 * never in the driver, which counts a violation if it is called, and whose
 * ring buffer is already freed (KASAN).
 */
#define _GNU_SOURCE
#include <poll.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/uio.h>
#include "test_revoke.h"
#include "../kselftest_harness.h"

enum path {
	P_READ,
	P_READV,
	P_PREAD,
	P_PREADV2,
	P_WRITE,
	P_WRITEV,
	P_PWRITE,
	P_IOCTL,
	P_POLL,
	P_SELECT,
	P_EPOLL,
	P_FSYNC,
	P_FDATASYNC,
	P_SETFL_ASYNC,
	P_FIOASYNC,
	P_ASYNC_CLOSE,
	P_LSEEK,
	P_FLOCK,
	P_SETLK,
	P_SPLICE_READ,
	P_SPLICE_WRITE,
	P_SENDFILE_TO_PIPE,
	P_SENDFILE_TO_FILE,
	P_SENDFILE_FROM_FILE,
	P_AIO_PREAD,
	P_AIO_PWRITE,
	P_AIO_POLL,
	P_URING_READ,
	P_URING_WRITE,
	P_URING_POLL,
	P_FDINFO,
	P_MMAP,
};

/* @call failed with errno @err. */
#define EXPECT_ERRNO(err, call) do {					\
	long __r;							\
	int __e;							\
									\
	errno = 0;							\
	__r = (long)(call);						\
	__e = errno;							\
	EXPECT_EQ(-1, __r) TH_LOG("%s succeeded", #call);		\
	EXPECT_EQ(err, __e) TH_LOG("%s: %s", #call, strerror(__e));	\
} while (0)

/* The file under test and what a path needs next to it. */
struct paths_ctx {
	int fd;
	int pipe[2];
	int epfd;
	int memfd;
	aio_context_t aio;
	struct uring ring;
	long obj_id;
};

FIXTURE(paths) {
	struct paths_ctx c;
};

FIXTURE_VARIANT(paths) {
	enum path path;
};

FIXTURE_VARIANT_ADD(paths, read) { .path = P_READ };
FIXTURE_VARIANT_ADD(paths, readv) { .path = P_READV };
FIXTURE_VARIANT_ADD(paths, pread) { .path = P_PREAD };
FIXTURE_VARIANT_ADD(paths, preadv2_nowait) { .path = P_PREADV2 };
FIXTURE_VARIANT_ADD(paths, write) { .path = P_WRITE };
FIXTURE_VARIANT_ADD(paths, writev) { .path = P_WRITEV };
FIXTURE_VARIANT_ADD(paths, pwrite) { .path = P_PWRITE };
FIXTURE_VARIANT_ADD(paths, ioctl) { .path = P_IOCTL };
FIXTURE_VARIANT_ADD(paths, poll) { .path = P_POLL };
FIXTURE_VARIANT_ADD(paths, select) { .path = P_SELECT };
FIXTURE_VARIANT_ADD(paths, epoll) { .path = P_EPOLL };
FIXTURE_VARIANT_ADD(paths, fsync) { .path = P_FSYNC };
FIXTURE_VARIANT_ADD(paths, fdatasync) { .path = P_FDATASYNC };
FIXTURE_VARIANT_ADD(paths, setfl_async) { .path = P_SETFL_ASYNC };
FIXTURE_VARIANT_ADD(paths, fioasync) { .path = P_FIOASYNC };
FIXTURE_VARIANT_ADD(paths, async_close) { .path = P_ASYNC_CLOSE };
FIXTURE_VARIANT_ADD(paths, lseek) { .path = P_LSEEK };
FIXTURE_VARIANT_ADD(paths, flock) { .path = P_FLOCK };
FIXTURE_VARIANT_ADD(paths, setlk) { .path = P_SETLK };
FIXTURE_VARIANT_ADD(paths, splice_read) { .path = P_SPLICE_READ };
FIXTURE_VARIANT_ADD(paths, splice_write) { .path = P_SPLICE_WRITE };
FIXTURE_VARIANT_ADD(paths, sendfile_to_pipe) { .path = P_SENDFILE_TO_PIPE };
FIXTURE_VARIANT_ADD(paths, sendfile_to_file) { .path = P_SENDFILE_TO_FILE };
FIXTURE_VARIANT_ADD(paths, sendfile_from_file) { .path = P_SENDFILE_FROM_FILE };
FIXTURE_VARIANT_ADD(paths, aio_pread) { .path = P_AIO_PREAD };
FIXTURE_VARIANT_ADD(paths, aio_pwrite) { .path = P_AIO_PWRITE };
FIXTURE_VARIANT_ADD(paths, aio_poll) { .path = P_AIO_POLL };
FIXTURE_VARIANT_ADD(paths, io_uring_read) { .path = P_URING_READ };
FIXTURE_VARIANT_ADD(paths, io_uring_write) { .path = P_URING_WRITE };
FIXTURE_VARIANT_ADD(paths, io_uring_poll) { .path = P_URING_POLL };
FIXTURE_VARIANT_ADD(paths, fdinfo) { .path = P_FDINFO };
FIXTURE_VARIANT_ADD(paths, mmap) { .path = P_MMAP };

FIXTURE_SETUP(paths)
{
	struct paths_ctx *c = &self->c;
	enum path p = variant->path;
	int ret;

	c->fd = -1;
	c->pipe[0] = -1;
	c->pipe[1] = -1;
	c->epfd = -1;
	c->memfd = -1;
	c->aio = 0;
	c->ring.fd = -1;
	if (!trv_available())
		SKIP(return, TRV_MISSING);

	/* Non-blocking: a path that wrongly reaches the driver must not hang. */
	c->fd = trv_open(O_NONBLOCK);
	ASSERT_LE(0, c->fd);
	c->obj_id = trv_obj_id(c->fd);
	ASSERT_LE(1, c->obj_id);

	if (p == P_SPLICE_READ || p == P_SPLICE_WRITE || p == P_SENDFILE_TO_PIPE)
		ASSERT_EQ(0, pipe2(c->pipe, O_NONBLOCK | O_CLOEXEC));
	if (p == P_SENDFILE_TO_FILE || p == P_SENDFILE_FROM_FILE) {
		c->memfd = memfd_create("revoke_test", MFD_CLOEXEC);
		ASSERT_LE(0, c->memfd);
	}
	if (p == P_AIO_PREAD || p == P_AIO_PWRITE || p == P_AIO_POLL) {
		if (sys_io_setup(8, &c->aio)) {
			c->aio = 0;
			/* The sysctl exists with CONFIG_AIO. */
			if (access("/proc/sys/fs/aio-max-nr", F_OK))
				SKIP(return, "no aio (CONFIG_AIO)");
			ASSERT_EQ(0, errno);
		}
	}
	if (p == P_URING_READ || p == P_URING_WRITE || p == P_URING_POLL) {
		ret = uring_setup(&c->ring, 8);
		/* The sysctl exists with CONFIG_IO_URING. */
		if (ret && (ret == -EPERM ||
			    access("/proc/sys/kernel/io_uring_disabled", F_OK)))
			SKIP(return, "no io_uring: %s", strerror(-ret));
		ASSERT_EQ(0, ret);
	}
}

/* Close everything but the file under test; may hold a reference to it. */
enum { SEL_R = 1, SEL_W = 2, SEL_E = 4 };

/* select() on @fd for reading, writing and exceptions, without waiting. */
static int select_now(int fd, unsigned int *ready)
{
	struct timeval tv = { 0, 0 };
	fd_set rfds, wfds, efds;
	int ret;

	FD_ZERO(&rfds);
	FD_ZERO(&wfds);
	FD_ZERO(&efds);
	FD_SET(fd, &rfds);
	FD_SET(fd, &wfds);
	FD_SET(fd, &efds);
	ret = select(fd + 1, &rfds, &wfds, &efds, &tv);
	*ready = (FD_ISSET(fd, &rfds) ? SEL_R : 0) |
		 (FD_ISSET(fd, &wfds) ? SEL_W : 0) |
		 (FD_ISSET(fd, &efds) ? SEL_E : 0);
	return ret;
}

static void put_helpers(struct paths_ctx *c)
{
	if (c->pipe[0] >= 0)
		close(c->pipe[0]);
	if (c->pipe[1] >= 0)
		close(c->pipe[1]);
	if (c->epfd >= 0)
		close(c->epfd);
	if (c->memfd >= 0)
		close(c->memfd);
	if (c->aio)
		sys_io_destroy(c->aio);
	uring_exit(&c->ring);
	c->pipe[0] = -1;
	c->pipe[1] = -1;
	c->epfd = -1;
	c->memfd = -1;
	c->aio = 0;
}

FIXTURE_TEARDOWN(paths)
{
	struct paths_ctx *c = &self->c;

	if (c->fd >= 0)
		close(c->fd);
	put_helpers(c);
}

/* Read /proc/self/fdinfo/@fd into @buf; its length or -1. */
static ssize_t read_fdinfo(int fd, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return -1;
	n = read(f, buf, len - 1);
	close(f);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* The path on the live file: the driver's own results. */
static void live(struct __test_metadata *_metadata,
		 struct paths_ctx *c, enum path p)
{
	struct iovec iov[2];
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN | POLLOUT };
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT };
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	unsigned int ready;
	char buf[64], info[1024], want[64];
	int fd = c->fd;
	loff_t off = 0;
	int fl_flags, on;
	void *map;

	memset(buf, 0, sizeof(buf));
	switch (p) {
	case P_READ:
		EXPECT_ERRNO(EAGAIN, read(fd, buf, sizeof(buf)));
		ASSERT_EQ(3, write(fd, "abc", 3));
		EXPECT_EQ(3, read(fd, buf, sizeof(buf)));
		EXPECT_EQ(0, memcmp(buf, "abc", 3));
		break;
	case P_READV:
		ASSERT_EQ(4, write(fd, "abcd", 4));
		iov[0].iov_base = buf;
		iov[0].iov_len = 2;
		iov[1].iov_base = buf + 10;
		iov[1].iov_len = 2;
		EXPECT_EQ(4, readv(fd, iov, 2));
		EXPECT_EQ(0, memcmp(buf, "ab", 2));
		EXPECT_EQ(0, memcmp(buf + 10, "cd", 2));
		break;
	case P_PREAD:
		/*
		 * A misc device with ->llseek keeps FMODE_PREAD (fs/open.c:
		 * do_dentry_open()), so pread() reaches the driver, which
		 * ignores the position of its stream.
		 */
		ASSERT_EQ(3, write(fd, "abc", 3));
		EXPECT_EQ(3, pread(fd, buf, sizeof(buf), 0));
		EXPECT_EQ(0, memcmp(buf, "abc", 3));
		break;
	case P_PREADV2:
		/* RWF_NOWAIT needs FMODE_NOWAIT, which the driver sets. */
		ASSERT_EQ(3, write(fd, "abc", 3));
		iov[0].iov_base = buf;
		iov[0].iov_len = sizeof(buf);
		EXPECT_EQ(3, preadv2(fd, iov, 1, 0, RWF_NOWAIT));
		EXPECT_EQ(0, memcmp(buf, "abc", 3));
		EXPECT_ERRNO(EAGAIN, preadv2(fd, iov, 1, 0, RWF_NOWAIT));
		break;
	case P_WRITE:
		EXPECT_EQ(3, write(fd, "abc", 3));
		EXPECT_EQ(3, read(fd, buf, sizeof(buf)));
		break;
	case P_WRITEV:
		iov[0].iov_base = "ab";
		iov[0].iov_len = 2;
		iov[1].iov_base = "cd";
		iov[1].iov_len = 2;
		EXPECT_EQ(4, writev(fd, iov, 2));
		EXPECT_EQ(4, read(fd, buf, sizeof(buf)));
		EXPECT_EQ(0, memcmp(buf, "abcd", 4));
		break;
	case P_PWRITE:
		EXPECT_EQ(3, pwrite(fd, "abc", 3, 0));
		EXPECT_EQ(3, read(fd, buf, sizeof(buf)));
		break;
	case P_IOCTL:
		EXPECT_EQ(c->obj_id, trv_obj_id(fd));
		EXPECT_ERRNO(ENOTTY, ioctl(fd, _IO('R', 99)));
		/* Handled by the VFS, not a method. */
		EXPECT_EQ(0, ioctl(fd, FIOCLEX));
		break;
	case P_POLL:
		EXPECT_EQ(1, poll(&pfd, 1, 0));
		EXPECT_EQ(POLLOUT, pfd.revents);
		ASSERT_EQ(1, write(fd, "x", 1));
		EXPECT_EQ(1, poll(&pfd, 1, 0));
		EXPECT_EQ(POLLIN | POLLOUT, pfd.revents);
		EXPECT_EQ(1, read(fd, buf, sizeof(buf)));
		break;
	case P_SELECT:
		EXPECT_EQ(1, select_now(fd, &ready));
		EXPECT_EQ(SEL_W, ready);
		break;
	case P_EPOLL:
		c->epfd = epoll_create1(EPOLL_CLOEXEC);
		ASSERT_LE(0, c->epfd);
		ev.data.fd = fd;
		ASSERT_EQ(0, epoll_ctl(c->epfd, EPOLL_CTL_ADD, fd, &ev));
		memset(&ev, 0, sizeof(ev));
		EXPECT_EQ(1, epoll_wait(c->epfd, &ev, 1, 0));
		EXPECT_EQ(EPOLLOUT, ev.events);
		break;
	case P_FSYNC:
		EXPECT_EQ(0, fsync(fd));
		break;
	case P_FDATASYNC:
		EXPECT_EQ(0, fdatasync(fd));
		break;
	case P_SETFL_ASYNC:
		fl_flags = fcntl(fd, F_GETFL);
		ASSERT_LE(0, fl_flags);
		EXPECT_EQ(0, fcntl(fd, F_SETFL, fl_flags | O_ASYNC));
		EXPECT_EQ(O_ASYNC, fcntl(fd, F_GETFL) & O_ASYNC);
		EXPECT_EQ(0, fcntl(fd, F_SETFL, fl_flags & ~O_ASYNC));
		EXPECT_EQ(0, fcntl(fd, F_GETFL) & O_ASYNC);
		break;
	case P_FIOASYNC:
		on = 1;
		EXPECT_EQ(0, ioctl(fd, FIOASYNC, &on));
		EXPECT_EQ(O_ASYNC, fcntl(fd, F_GETFL) & O_ASYNC);
		on = 0;
		EXPECT_EQ(0, ioctl(fd, FIOASYNC, &on));
		EXPECT_EQ(0, fcntl(fd, F_GETFL) & O_ASYNC);
		break;
	case P_ASYNC_CLOSE:
		/*
		 * Left on: __fput() calls ->fasync(-1) for an O_ASYNC file,
		 * which must not reach the driver once the file is revoked.
		 */
		fl_flags = fcntl(fd, F_GETFL);
		ASSERT_LE(0, fl_flags);
		EXPECT_EQ(0, fcntl(fd, F_SETFL, fl_flags | O_ASYNC));
		break;
	case P_LSEEK:
		EXPECT_EQ(100, lseek(fd, 100, SEEK_SET));
		EXPECT_EQ(100, lseek(fd, 0, SEEK_CUR));
		EXPECT_EQ(TRV_BUF_SIZE, lseek(fd, 0, SEEK_END));
		EXPECT_ERRNO(EINVAL, lseek(fd, TRV_BUF_SIZE + 1, SEEK_SET));
		EXPECT_EQ(0, lseek(fd, 0, SEEK_SET));
		break;
	case P_FLOCK:
		EXPECT_EQ(0, flock(fd, LOCK_EX | LOCK_NB));
		EXPECT_EQ(0, flock(fd, LOCK_UN));
		break;
	case P_SETLK:
		EXPECT_EQ(0, fcntl(fd, F_SETLK, &fl));
		fl.l_type = F_UNLCK;
		EXPECT_EQ(0, fcntl(fd, F_SETLK, &fl));
		break;
	case P_SPLICE_READ:
		ASSERT_EQ(4, write(fd, "abcd", 4));
		EXPECT_EQ(4, splice(fd, NULL, c->pipe[1], NULL, 4,
				    SPLICE_F_NONBLOCK));
		EXPECT_EQ(4, read(c->pipe[0], buf, sizeof(buf)));
		EXPECT_EQ(0, memcmp(buf, "abcd", 4));
		break;
	case P_SPLICE_WRITE:
		ASSERT_EQ(4, write(c->pipe[1], "abcd", 4));
		EXPECT_EQ(4, splice(c->pipe[0], NULL, fd, NULL, 4,
				    SPLICE_F_NONBLOCK));
		EXPECT_EQ(4, read(fd, buf, sizeof(buf)));
		EXPECT_EQ(0, memcmp(buf, "abcd", 4));
		break;
	case P_SENDFILE_TO_PIPE:
		/* fs/read_write.c: do_sendfile() to a pipe: splice_file_to_pipe() */
		ASSERT_EQ(4, write(fd, "abcd", 4));
		EXPECT_EQ(4, sendfile(c->pipe[1], fd, NULL, 4));
		EXPECT_EQ(4, read(c->pipe[0], buf, sizeof(buf)));
		EXPECT_EQ(0, memcmp(buf, "abcd", 4));
		break;
	case P_SENDFILE_TO_FILE:
		/*
		 * fs/splice.c: splice_direct_to_actor() wants FMODE_LSEEK on
		 * the input, which the driver's ->llseek gives.
		 */
		ASSERT_EQ(4, write(fd, "abcd", 4));
		EXPECT_EQ(4, sendfile(c->memfd, fd, NULL, 4));
		EXPECT_EQ(4, pread(c->memfd, buf, sizeof(buf), 0));
		EXPECT_EQ(0, memcmp(buf, "abcd", 4));
		break;
	case P_SENDFILE_FROM_FILE:
		ASSERT_EQ(4, pwrite(c->memfd, "abcd", 4, 0));
		EXPECT_EQ(4, sendfile(fd, c->memfd, &off, 4));
		EXPECT_EQ(4, read(fd, buf, sizeof(buf)));
		EXPECT_EQ(0, memcmp(buf, "abcd", 4));
		break;
	case P_AIO_PREAD:
		ASSERT_EQ(4, write(fd, "abcd", 4));
		EXPECT_EQ(4, aio_run(c->aio, fd, IOCB_CMD_PREAD,
				     (uintptr_t)buf, sizeof(buf), 10));
		EXPECT_EQ(0, memcmp(buf, "abcd", 4));
		break;
	case P_AIO_PWRITE:
		memcpy(want, "abcd", 5);
		EXPECT_EQ(4, aio_run(c->aio, fd, IOCB_CMD_PWRITE,
				     (uintptr_t)want, 4, 10));
		EXPECT_EQ(4, read(fd, buf, sizeof(buf)));
		EXPECT_EQ(0, memcmp(buf, "abcd", 4));
		break;
	case P_AIO_POLL:
		EXPECT_EQ(POLLOUT, aio_run(c->aio, fd, IOCB_CMD_POLL,
					   POLLIN | POLLOUT, 0, 10));
		break;
	case P_URING_READ:
		ASSERT_EQ(4, write(fd, "abcd", 4));
		EXPECT_EQ(4, uring_run(&c->ring, IORING_OP_READ, fd, buf,
				       sizeof(buf)));
		EXPECT_EQ(0, memcmp(buf, "abcd", 4));
		break;
	case P_URING_WRITE:
		memcpy(want, "abcd", 5);
		EXPECT_EQ(4, uring_run(&c->ring, IORING_OP_WRITE, fd, want,
				       4));
		EXPECT_EQ(4, read(fd, buf, sizeof(buf)));
		EXPECT_EQ(0, memcmp(buf, "abcd", 4));
		break;
	case P_URING_POLL:
		EXPECT_EQ(POLLOUT, uring_run(&c->ring, IORING_OP_POLL_ADD,
					     fd, NULL, POLLIN | POLLOUT));
		break;
	case P_FDINFO:
		ASSERT_LT(0, read_fdinfo(fd, info, sizeof(info)));
		snprintf(want, sizeof(want), "test_revoke_obj:\t%ld\n",
			 c->obj_id);
		EXPECT_NE(NULL, strstr(info, want)) TH_LOG("fdinfo: %s", info);
		break;
	case P_MMAP:
		/* The session's first page, filled with its generation. */
		map = mmap(NULL, TRV_BUF_SIZE, PROT_READ, MAP_SHARED, fd, 0);
		ASSERT_NE(MAP_FAILED, map) TH_LOG("mmap: %s", strerror(errno));
		EXPECT_EQ(trv_map_gen(fd), ((unsigned char *)map)[0]);
		munmap(map, TRV_BUF_SIZE);
		break;
	}
}

/* The path on the revoked file: the revoked operations' results. */
static void revoked(struct __test_metadata *_metadata,
		    struct paths_ctx *c, enum path p)
{
	struct iovec iov[2];
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN | POLLOUT };
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT };
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	unsigned int ready;
	char buf[64], info[1024];
	int fd = c->fd;
	loff_t off = 0;
	int fl_flags, on, epfd2, err;
	void *map;

	iov[0].iov_base = buf;
	iov[0].iov_len = 2;
	iov[1].iov_base = buf + 10;
	iov[1].iov_len = 2;
	switch (p) {
	case P_READ:
		EXPECT_ERRNO(ENODEV, read(fd, buf, sizeof(buf)));
		break;
	case P_READV:
		EXPECT_ERRNO(ENODEV, readv(fd, iov, 2));
		break;
	case P_PREAD:
		EXPECT_ERRNO(ENODEV, pread(fd, buf, sizeof(buf), 0));
		break;
	case P_PREADV2:
		EXPECT_ERRNO(ENODEV, preadv2(fd, iov, 1, 0, RWF_NOWAIT));
		break;
	case P_WRITE:
		EXPECT_ERRNO(ENODEV, write(fd, "abc", 3));
		break;
	case P_WRITEV:
		EXPECT_ERRNO(ENODEV, writev(fd, iov, 2));
		break;
	case P_PWRITE:
		EXPECT_ERRNO(ENODEV, pwrite(fd, "abc", 3, 0));
		break;
	case P_IOCTL:
		EXPECT_EQ(-ENODEV, trv_obj_id(fd));
		EXPECT_ERRNO(ENODEV, ioctl(fd, _IO('R', 99)));
		EXPECT_EQ(0, ioctl(fd, FIOCLEX));
		break;
	case P_POLL:
		EXPECT_EQ(1, poll(&pfd, 1, 0));
		EXPECT_EQ(POLLERR | POLLHUP, pfd.revents);
		break;
	case P_SELECT:
		/* fs/select.c: EPOLLERR counts as readable and writable. */
		EXPECT_EQ(2, select_now(fd, &ready));
		EXPECT_EQ(SEL_R | SEL_W, ready);
		break;
	case P_EPOLL:
		/* Registered while live. */
		memset(&ev, 0, sizeof(ev));
		EXPECT_EQ(1, epoll_wait(c->epfd, &ev, 1, 5000));
		EXPECT_EQ(EPOLLERR | EPOLLHUP, ev.events);
		/* Registered after the revoke. */
		epfd2 = epoll_create1(EPOLL_CLOEXEC);
		ASSERT_LE(0, epfd2);
		ev.events = EPOLLIN | EPOLLOUT;
		ev.data.fd = fd;
		EXPECT_EQ(0, epoll_ctl(epfd2, EPOLL_CTL_ADD, fd, &ev));
		memset(&ev, 0, sizeof(ev));
		EXPECT_EQ(1, epoll_wait(epfd2, &ev, 1, 5000));
		EXPECT_EQ(EPOLLERR | EPOLLHUP, ev.events);
		close(epfd2);
		break;
	case P_FSYNC:
		EXPECT_ERRNO(ENODEV, fsync(fd));
		break;
	case P_FDATASYNC:
		EXPECT_ERRNO(ENODEV, fdatasync(fd));
		break;
	case P_SETFL_ASYNC:
		fl_flags = fcntl(fd, F_GETFL);
		ASSERT_LE(0, fl_flags);
		EXPECT_ERRNO(ENODEV, fcntl(fd, F_SETFL, fl_flags | O_ASYNC));
		EXPECT_EQ(0, fcntl(fd, F_GETFL) & O_ASYNC);
		break;
	case P_FIOASYNC:
		on = 1;
		EXPECT_ERRNO(ENODEV, ioctl(fd, FIOASYNC, &on));
		EXPECT_EQ(0, fcntl(fd, F_GETFL) & O_ASYNC);
		break;
	case P_ASYNC_CLOSE:
		/* The close below is the test. */
		EXPECT_EQ(O_ASYNC, fcntl(fd, F_GETFL) & O_ASYNC);
		break;
	case P_LSEEK:
		EXPECT_ERRNO(ENODEV, lseek(fd, 0, SEEK_SET));
		EXPECT_ERRNO(ENODEV, lseek(fd, 0, SEEK_END));
		break;
	case P_FLOCK:
		/*
		 * Neither the driver nor the revoked operations have ->flock:
		 * the VFS locks the file itself (fs/locks.c: flock(2) falls
		 * back to locks_lock_file_wait()), as on a hung-up tty.
		 */
		EXPECT_EQ(0, flock(fd, LOCK_EX | LOCK_NB));
		EXPECT_EQ(0, flock(fd, LOCK_UN));
		break;
	case P_SETLK:
		/* fs/locks.c: vfs_lock_file() without ->lock: posix_lock_file() */
		EXPECT_EQ(0, fcntl(fd, F_SETLK, &fl));
		fl.l_type = F_UNLCK;
		EXPECT_EQ(0, fcntl(fd, F_SETLK, &fl));
		break;
	case P_SPLICE_READ:
		EXPECT_ERRNO(ENODEV, splice(fd, NULL, c->pipe[1], NULL, 4,
					    SPLICE_F_NONBLOCK));
		break;
	case P_SPLICE_WRITE:
		ASSERT_EQ(4, write(c->pipe[1], "abcd", 4));
		EXPECT_ERRNO(ENODEV, splice(c->pipe[0], NULL, fd, NULL, 4,
					    SPLICE_F_NONBLOCK));
		break;
	case P_SENDFILE_TO_PIPE:
		EXPECT_ERRNO(ENODEV, sendfile(c->pipe[1], fd, NULL, 4));
		break;
	case P_SENDFILE_TO_FILE:
		EXPECT_ERRNO(ENODEV, sendfile(c->memfd, fd, NULL, 4));
		break;
	case P_SENDFILE_FROM_FILE:
		ASSERT_EQ(4, pwrite(c->memfd, "abcd", 4, 0));
		EXPECT_ERRNO(ENODEV, sendfile(fd, c->memfd, &off, 4));
		break;
	/*
	 * aio: the revoked ->read_iter/->write_iter may be reached from
	 * io_submit() (completion with -ENODEV) or io_submit() may refuse
	 * the request with ENODEV; aio_run() folds both into -ENODEV.
	 */
	case P_AIO_PREAD:
		EXPECT_EQ(-ENODEV, aio_run(c->aio, fd, IOCB_CMD_PREAD,
					   (uintptr_t)buf, sizeof(buf), 10));
		break;
	case P_AIO_PWRITE:
		EXPECT_EQ(-ENODEV, aio_run(c->aio, fd, IOCB_CMD_PWRITE,
					   (uintptr_t)"abcd", 4, 10));
		break;
	case P_AIO_POLL:
		/* fs/aio.c: aio_poll() always asks for EPOLLERR | EPOLLHUP. */
		EXPECT_EQ(POLLERR | POLLHUP,
			  aio_run(c->aio, fd, IOCB_CMD_POLL,
				  POLLIN | POLLOUT, 0, 10));
		break;
	case P_URING_READ:
		EXPECT_EQ(-ENODEV, uring_run(&c->ring, IORING_OP_READ, fd,
					     buf, sizeof(buf)));
		break;
	case P_URING_WRITE:
		EXPECT_EQ(-ENODEV, uring_run(&c->ring, IORING_OP_WRITE, fd,
					     "abcd", 4));
		break;
	case P_URING_POLL:
		/* io_uring/poll.c: IO_POLL_UNMASK includes EPOLLERR | EPOLLHUP. */
		EXPECT_EQ(POLLERR | POLLHUP,
			  uring_run(&c->ring, IORING_OP_POLL_ADD, fd, NULL,
				    POLLIN | POLLOUT));
		break;
	case P_FDINFO:
		/* ->show_fdinfo is a method: the revoked file has none. */
		ASSERT_LT(0, read_fdinfo(fd, info, sizeof(info)));
		EXPECT_NE(NULL, strstr(info, "flags:")) TH_LOG("fdinfo: %s", info);
		EXPECT_EQ(NULL, strstr(info, "test_revoke_obj:"))
			TH_LOG("fdinfo: %s", info);
		break;
	case P_MMAP:
		errno = 0;
		map = mmap(NULL, TRV_BUF_SIZE, PROT_READ, MAP_SHARED, fd, 0);
		err = errno;
		EXPECT_EQ(MAP_FAILED, map);
		EXPECT_EQ(ENODEV, err) TH_LOG("mmap: %s", strerror(err));
		if (map != MAP_FAILED)
			munmap(map, TRV_BUF_SIZE);
		break;
	}
}

static void run(struct __test_metadata *_metadata, struct paths_ctx *c,
		enum path p, unsigned long how)
{
	struct trv_stats st;
	unsigned int violations;
	char buf[16];
	long ret, id;
	int fd;

	ASSERT_EQ(0, trv_get_stats(&st));
	violations = st.violations;

	live(_metadata, c, p);
	/* Data the new session after a hangup-style revoke must not see. */
	ASSERT_EQ(4, write(c->fd, "left", 4));

	ret = trv_ctl(how, NULL);
	EXPECT_EQ(0, ret) TH_LOG("%ld threads were still inside a method", ret);

	revoked(_metadata, c, p);

	EXPECT_EQ(0, close(c->fd));
	c->fd = -1;
	put_helpers(c);

	/* The device works for a new open. */
	fd = trv_open(O_NONBLOCK);
	ASSERT_LE(0, fd);
	id = trv_obj_id(fd);
	/* Hangup style keeps the object, unplug style creates the next one. */
	EXPECT_EQ(how == TRV_CTL_REVOKE ? c->obj_id : c->obj_id + 1, id);
	EXPECT_ERRNO(EAGAIN, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(1, write(fd, "n", 1));
	EXPECT_EQ(1, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(0, close(fd));

	/* Every open file was released, once. */
	EXPECT_EQ(0, trv_wait_all_released(&st, 5))
		TH_LOG("%llu opens, %llu releases",
		       (unsigned long long)st.total_opens,
		       (unsigned long long)st.total_releases);
	EXPECT_EQ(0, st.violations)
		TH_LOG("%u methods ran after their revoke (%u before this test)",
		       st.violations, violations);
}

TEST_F_TIMEOUT(paths, revoke, 60)
{
	run(_metadata, &self->c, variant->path, TRV_CTL_REVOKE);
}

TEST_F_TIMEOUT(paths, replace, 60)
{
	run(_metadata, &self->c, variant->path, TRV_CTL_REPLACE);
}

/*
 * vfs_read(), vfs_write() and vfs_llseek() test a file's access mode, its
 * method and whether it is revokable in one go: each error still comes
 * where it did, for revokable files, before and after their revoke, and
 * for the others.
 */
TEST(access_modes)
{
	int rd, wr, ptmx, ep, p[2];
	char buf[4];

	if (!trv_available())
		SKIP(return, TRV_MISSING);
	rd = open(TRV_DEV, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, rd);
	wr = open(TRV_DEV, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, wr);
	ptmx = open("/dev/ptmx", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, ptmx);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, pipe2(p, O_NONBLOCK | O_CLOEXEC));

	EXPECT_ERRNO(EBADF, write(rd, "a", 1));
	EXPECT_ERRNO(EBADF, read(wr, buf, 1));
	EXPECT_EQ(1, write(wr, "a", 1));
	EXPECT_EQ(1, read(rd, buf, 1));
	EXPECT_EQ(0, lseek(rd, 0, SEEK_SET));
	EXPECT_ERRNO(ESPIPE, lseek(ptmx, 0, SEEK_SET));

	ASSERT_EQ(0, trv_ctl(TRV_CTL_REVOKE, NULL));
	EXPECT_ERRNO(EBADF, write(rd, "a", 1));
	EXPECT_ERRNO(EBADF, read(wr, buf, 1));
	EXPECT_ERRNO(ENODEV, write(wr, "a", 1));
	EXPECT_ERRNO(ENODEV, read(rd, buf, 1));
	EXPECT_ERRNO(ENODEV, lseek(rd, 0, SEEK_SET));

	/* Not revokable: a pipe, and a file without read and write methods. */
	EXPECT_ERRNO(EBADF, write(p[0], "a", 1));
	EXPECT_ERRNO(EBADF, read(p[1], buf, 1));
	EXPECT_ERRNO(ESPIPE, lseek(p[0], 0, SEEK_SET));
	EXPECT_ERRNO(EINVAL, read(ep, buf, 1));
	EXPECT_ERRNO(EINVAL, write(ep, "a", 1));

	EXPECT_EQ(0, close(rd));
	EXPECT_EQ(0, close(wr));
	EXPECT_EQ(0, close(ptmx));
	EXPECT_EQ(0, close(ep));
	EXPECT_EQ(0, close(p[0]));
	EXPECT_EQ(0, close(p[1]));
}

TEST_HARNESS_MAIN

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hold a system call inside a file method with userfaultfd.
 *
 * The call copies its result to, or its argument from, a page registered
 * for missing-page faults, so it stops in the middle of the method,
 * holding nothing a revoke needs, until the test resolves the fault. Tests use it to show
 * that a revoke waits for the calls in flight.
 */
#ifndef REVOKE_UFFD_HOLD_H
#define REVOKE_UFFD_HOLD_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/userfaultfd.h>

struct uffd_hold {
	int uffd;
	void *page;		/* where the held call copies to */
	int fd;			/* the file the call is made on */
	unsigned long cmd;	/* the ioctl, with page as its argument */
	int rc;			/* what the ioctl returned... */
	int err;		/* ...and its errno */
	pthread_t thread;
};

/*
 * Set up the userfaultfd and its page. Return: 0; -1 with errno set if
 * there is no userfaultfd (the test should skip); -2 with errno set if
 * setting it up failed.
 */
static inline int uffd_hold_init(struct uffd_hold *h)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };

	h->page = MAP_FAILED;
	h->uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (h->uffd < 0)
		return -1;
	if (ioctl(h->uffd, UFFDIO_API, &api))
		return -2;
	h->page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (h->page == MAP_FAILED)
		return -2;
	reg.range.start = (unsigned long)h->page;
	reg.range.len = 4096;
	if (ioctl(h->uffd, UFFDIO_REGISTER, &reg))
		return -2;
	return 0;
}

static inline void uffd_hold_exit(struct uffd_hold *h)
{
	if (h->page != MAP_FAILED)
		munmap(h->page, 4096);
	if (h->uffd >= 0)
		close(h->uffd);
	h->page = MAP_FAILED;
	h->uffd = -1;
}

static inline void *uffd_hold_thread(void *arg)
{
	struct uffd_hold *h = arg;

	errno = 0;
	h->rc = ioctl(h->fd, h->cmd, h->page);
	h->err = errno;
	return NULL;
}

/*
 * Start ioctl(@fd, @cmd, page) in a thread and return once it is held
 * inside the method, at its fault on the page. Return: 0 or -1.
 */
static inline int uffd_hold_start(struct uffd_hold *h, int fd,
				  unsigned long cmd)
{
	struct pollfd p = { .fd = h->uffd, .events = POLLIN };
	struct uffd_msg msg;

	h->fd = fd;
	h->cmd = cmd;
	if (pthread_create(&h->thread, NULL, uffd_hold_thread, h))
		return -1;
	if (poll(&p, 1, 10000) != 1 ||
	    read(h->uffd, &msg, sizeof(msg)) != sizeof(msg) ||
	    msg.event != UFFD_EVENT_PAGEFAULT)
		return -1;	/* closing the uffd lets a held call go */
	return 0;
}

/*
 * Resolve the fault with a zero page, so the held call goes on, and wait
 * for it to return. Return: 0 or -1.
 */
static inline int uffd_hold_release(struct uffd_hold *h)
{
	struct uffdio_zeropage zero = {
		.range = { .start = (unsigned long)h->page, .len = 4096 },
	};

	if (ioctl(h->uffd, UFFDIO_ZEROPAGE, &zero))
		return -1;
	return pthread_join(h->thread, NULL) ? -1 : 0;
}

/*
 * The same with @len bytes of @data at the start of the page and zeros
 * after them, for a held call that reads its argument from the page.
 */
static inline int uffd_hold_release_with(struct uffd_hold *h,
					 const void *data, size_t len)
{
	static char buf[4096];
	struct uffdio_copy copy = {
		.dst = (unsigned long)h->page,
		.src = (unsigned long)buf,
		.len = sizeof(buf),
	};

	memset(buf, 0, sizeof(buf));
	memcpy(buf, data, len < sizeof(buf) ? len : sizeof(buf));
	if (ioctl(h->uffd, UFFDIO_COPY, &copy))
		return -1;
	return pthread_join(h->thread, NULL) ? -1 : 0;
}

#endif /* REVOKE_UFFD_HOLD_H */

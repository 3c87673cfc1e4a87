/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tty call that blocks, made from a thread of its own, for the tests of
 * what a hangup does to it; and a hangup kept under way by a call held
 * inside the tty. Include after kselftest_harness.h.
 */
#ifndef REVOKE_TTY_BLOCKED_H
#define REVOKE_TTY_BLOCKED_H

#include <pthread.h>
#include <sys/epoll.h>
#include <linux/tiocl.h>
#include <linux/vt.h>
#include "tty_common.h"
#include "../revoke/thread_state.h"
#include "../revoke/uffd_hold.h"

/*
 * How long after the hangup began a blocked caller may take to be back:
 * generous for TCG, but less than the 3 s after which a revoke interrupts
 * the calls the kick did not wake.
 */
#define BACK_S 2.5

enum op {
	OP_READ, OP_WRITE, OP_POLL, OP_EPOLL, OP_TCDRAIN, OP_TIOCMIWAIT, OP_OPEN,
	OP_WAITACTIVE, OP_WAITEVENT, OP_PASTE, OP_SPLICE
};

struct blocked {
	enum op op;
	int fd;
	int epfd;
	const char *path;
	int arg;
	pid_t tid;
	long rc;
	int err;
	unsigned int events;
	int entered;
	int done;
};

static inline void *blocker(void *arg)
{
	struct blocked *b = arg;
	struct pollfd p = { .fd = b->fd, .events = POLLIN };
	struct epoll_event ev;
	struct vt_event vev = { .event = VT_EVENT_SWITCH };
	char c, paste = TIOCL_PASTESEL;

	b->tid = gettid();
	__atomic_store_n(&b->entered, 1, __ATOMIC_SEQ_CST);
	errno = 0;
	switch (b->op) {
	case OP_READ:
		b->rc = read(b->fd, &c, 1);
		break;
	case OP_WRITE:
		b->rc = write(b->fd, "w", 1);
		break;
	case OP_POLL:
		b->rc = poll(&p, 1, -1);
		b->events = p.revents;
		break;
	case OP_EPOLL:
		b->rc = epoll_wait(b->epfd, &ev, 1, -1);
		b->events = ev.events;
		break;
	case OP_TCDRAIN:
		b->rc = tcdrain(b->fd);
		break;
	case OP_TIOCMIWAIT:
		b->rc = ioctl(b->fd, TIOCMIWAIT,
			      TIOCM_CD | TIOCM_RI | TIOCM_DSR | TIOCM_CTS);
		break;
	case OP_OPEN:
		b->rc = open(b->path, O_RDWR | O_NOCTTY);
		break;
	case OP_WAITACTIVE:
		b->rc = ioctl(b->fd, VT_WAITACTIVE, b->arg);
		break;
	case OP_WAITEVENT:
		b->rc = ioctl(b->fd, VT_WAITEVENT, &vev);
		break;
	case OP_PASTE:
		/* Paste until the input is full and a paste sleeps. */
		do
			b->rc = ioctl(b->fd, TIOCLINUX, &paste);
		while (b->rc == 0);
		break;
	case OP_SPLICE:
		/* From the pipe @arg, which is empty. */
		b->rc = splice(b->arg, NULL, b->fd, NULL, 4096, 0);
		break;
	}
	b->err = errno;
	__atomic_store_n(&b->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* Start @b's call in a thread and check that it blocks. */
static inline void start_blocked(struct __test_metadata *_metadata,
				 struct blocked *b, pthread_t *th)
{
	ASSERT_EQ(0, pthread_create(th, NULL, blocker, b));
	while (!__atomic_load_n(&b->entered, __ATOMIC_SEQ_CST))
		usleep(1000);
	/* It really blocks: it is still in the call, and asleep. */
	usleep(300000);
	ASSERT_EQ(0, __atomic_load_n(&b->done, __ATOMIC_SEQ_CST))
		TH_LOG("the call did not block: %ld (%s)", b->rc, strerror(b->err));
	ASSERT_EQ('S', thread_state(b->tid))
		TH_LOG("the call does not sleep");
}

/*
 * Hang the tty of @fd up from a thread of its own (@h, @th) while a
 * TIOCGWINSZ on @fd is held inside the tty by @hold, which keeps the
 * hangup under way until held_hangup_end().
 */
static inline void held_hangup_start(struct __test_metadata *_metadata,
				     struct uffd_hold *hold,
				     struct hangup_call *h, pthread_t *th,
				     int fd)
{
	ASSERT_EQ(0, uffd_hold_start(hold, fd, TIOCGWINSZ));
	h->fd = fd;
	ASSERT_EQ(0, pthread_create(th, NULL, hangup_thread, h));
}

/* Let the held call go on; the hangup must then return, and succeed. */
static inline void held_hangup_end(struct __test_metadata *_metadata,
				   struct uffd_hold *hold,
				   struct hangup_call *h, pthread_t th)
{
	ASSERT_EQ(0, uffd_hold_release(hold));
	ASSERT_EQ(1, wait_flag(&h->done, now_s() + BACK_S))
		TH_LOG("the hangup did not return");
	pthread_join(th, NULL);
	ASSERT_EQ(0, h->rc);
}

#endif /* REVOKE_TTY_BLOCKED_H */

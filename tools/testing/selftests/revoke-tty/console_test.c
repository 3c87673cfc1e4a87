// SPDX-License-Identifier: GPL-2.0
/*
 * The serial console special case of a tty hangup: files opened through
 * /dev/console on the hung-up tty are not hung up and keep working, while
 * files opened on the tty's own device node are.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include "tty_common.h"
#include "../revoke/uffd_hold.h"
#include "../kselftest_harness.h"

TEST(console_survives_hangup)
{
	char tty[32], path[64], msg[128];
	struct tty_obs o;
	struct termios t;
	int con, dev, dev2, n;

	console_tty(tty, sizeof(tty));
	if (strncmp(tty, "ttyS", 4))
		SKIP(return, "the console is not a serial port (%s)", tty);
	snprintf(path, sizeof(path), "/dev/%s", tty);

	con = open("/dev/console", O_RDWR | O_NOCTTY);
	ASSERT_LE(0, con);
	dev = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK);
	ASSERT_LE(0, dev);
	dev2 = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK);
	ASSERT_LE(0, dev2);

	ASSERT_EQ(0, ioctl(dev2, TIOCVHANGUP));

	/* The console file keeps working... */
	n = snprintf(msg, sizeof(msg), "revoke-tty: console still writes after hangup of %s\n",
		     tty);
	EXPECT_EQ(n, write(con, msg, n));
	EXPECT_EQ(0, ioctl(con, TCGETS, &t));
	/* ...the device's own files are hung up... */
	observe(dev, &o);
	ASSERT_HUNG_UP(&o);
	close(dev2);
	/* ...and a fresh open of the device works again. */
	dev = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK);
	ASSERT_LE(0, dev);
	EXPECT_EQ(0, ioctl(dev, TCGETS, &t));
	n = snprintf(msg, sizeof(msg), "revoke-tty: %s reopened after hangup\n", tty);
	EXPECT_EQ(n, write(dev, msg, n));
	EXPECT_EQ(n, write(con, msg, n));
	close(dev);
	close(con);
}

struct miwait {
	int fd;
	long rc;
	int err;
	int entered;
	int done;
};

static void *miwait_thread(void *arg)
{
	struct miwait *w = arg;

	__atomic_store_n(&w->entered, 1, __ATOMIC_SEQ_CST);
	errno = 0;
	w->rc = ioctl(w->fd, TIOCMIWAIT,
		      TIOCM_CD | TIOCM_RI | TIOCM_DSR | TIOCM_CTS);
	w->err = errno;
	__atomic_store_n(&w->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void on_usr1(int sig)
{
}

/*
 * A TIOCMIWAIT through /dev/console sleeps on across a hangup of the
 * console's tty, which leaves the file alone, until a signal ends it (no
 * modem line of the console changes). The hangup wakes it; a call held
 * in a method of a file it revokes keeps the hangup under way for a
 * while, so that the woken call sees it.
 */
TEST(console_tiocmiwait_sleeps_on)
{
	/* Static: the threads may outlive a failed test's stack frame. */
	static struct miwait w;
	static struct hangup_call h;
	static struct uffd_hold hold;
	struct sigaction sa = { .sa_handler = on_usr1 };
	char tty[32], path[64];
	pthread_t th, hth;
	int dev, rc;

	console_tty(tty, sizeof(tty));
	if (strncmp(tty, "ttyS", 4))
		SKIP(return, "the console is not a serial port (%s)", tty);
	snprintf(path, sizeof(path), "/dev/%s", tty);
	/* No SA_RESTART: the signal ends the wait with EINTR. */
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	w.fd = open("/dev/console", O_RDWR | O_NOCTTY);
	ASSERT_LE(0, w.fd);
	dev = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK);
	ASSERT_LE(0, dev);
	rc = uffd_hold_init(&hold);
	if (rc == -1)
		SKIP(return, "no userfaultfd: %s", strerror(errno));
	ASSERT_EQ(0, rc) TH_LOG("userfaultfd setup: %s", strerror(errno));

	ASSERT_EQ(0, pthread_create(&th, NULL, miwait_thread, &w));
	while (!__atomic_load_n(&w.entered, __ATOMIC_SEQ_CST))
		usleep(1000);
	usleep(300000);
	ASSERT_EQ(0, __atomic_load_n(&w.done, __ATOMIC_SEQ_CST))
		TH_LOG("TIOCMIWAIT did not block: %ld (%s)", w.rc, strerror(w.err));

	ASSERT_EQ(0, uffd_hold_start(&hold, dev, TIOCGWINSZ));
	h.fd = dev;
	ASSERT_EQ(0, pthread_create(&hth, NULL, hangup_thread, &h));
	usleep(500000);
	ASSERT_EQ(0, __atomic_load_n(&w.done, __ATOMIC_SEQ_CST))
		TH_LOG("TIOCMIWAIT through /dev/console returned in the hangup: %ld (%s)",
		       w.rc, strerror(w.err));
	ASSERT_EQ(0, uffd_hold_release(&hold));
	ASSERT_EQ(1, wait_flag(&h.done, now_s() + 2.5)) TH_LOG("the hangup did not return");
	pthread_join(hth, NULL);
	ASSERT_EQ(0, h.rc);
	usleep(300000);
	ASSERT_EQ(0, __atomic_load_n(&w.done, __ATOMIC_SEQ_CST))
		TH_LOG("TIOCMIWAIT through /dev/console returned after the hangup: %ld (%s)",
		       w.rc, strerror(w.err));

	ASSERT_EQ(0, pthread_kill(th, SIGUSR1));
	ASSERT_EQ(1, wait_flag(&w.done, now_s() + 2.5))
		TH_LOG("the signal did not end TIOCMIWAIT");
	pthread_join(th, NULL);
	EXPECT_EQ(-1, w.rc);
	EXPECT_EQ(EINTR, w.err);
	uffd_hold_exit(&hold);
	close(dev);
	close(w.fd);
}

TEST_HARNESS_MAIN

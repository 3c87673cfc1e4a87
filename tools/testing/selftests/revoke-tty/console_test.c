// SPDX-License-Identifier: GPL-2.0
/*
 * The serial console special case of a tty hangup: files opened through
 * /dev/console on the hung-up tty are not hung up and keep working, while
 * files opened on the tty's own device node are.
 */
#define _GNU_SOURCE
#include "tty_common.h"
#include "../revoke/uffd_hold.h"
#include "../kselftest_harness.h"
#include "tty_blocked.h"

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
	static struct blocked w = { .op = OP_TIOCMIWAIT };
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

	start_blocked(_metadata, &w, &th);
	held_hangup_start(_metadata, &hold, &h, &hth, dev);
	usleep(500000);
	ASSERT_EQ(0, __atomic_load_n(&w.done, __ATOMIC_SEQ_CST))
		TH_LOG("TIOCMIWAIT through /dev/console returned in the hangup: %ld (%s)",
		       w.rc, strerror(w.err));
	held_hangup_end(_metadata, &hold, &h, hth);
	usleep(300000);
	ASSERT_EQ(0, __atomic_load_n(&w.done, __ATOMIC_SEQ_CST))
		TH_LOG("TIOCMIWAIT through /dev/console returned after the hangup: %ld (%s)",
		       w.rc, strerror(w.err));

	ASSERT_EQ(0, pthread_kill(th, SIGUSR1));
	ASSERT_EQ(1, wait_flag(&w.done, now_s() + BACK_S))
		TH_LOG("the signal did not end TIOCMIWAIT");
	pthread_join(th, NULL);
	EXPECT_EQ(-1, w.rc);
	EXPECT_EQ(EINTR, w.err);
	uffd_hold_exit(&hold);
	close(dev);
	close(w.fd);
}

TEST_HARNESS_MAIN

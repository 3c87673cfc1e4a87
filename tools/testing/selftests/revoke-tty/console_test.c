// SPDX-License-Identifier: GPL-2.0
/*
 * The serial console special case of a tty hangup: files opened through
 * /dev/console on the hung-up tty are not hung up and keep working, while
 * files opened on the tty's own device node are.
 */
#define _GNU_SOURCE
#include "tty_common.h"
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

TEST_HARNESS_MAIN

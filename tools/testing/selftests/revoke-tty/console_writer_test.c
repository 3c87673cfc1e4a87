// SPDX-License-Identifier: GPL-2.0
/*
 * A process writing through /dev/console while the console's tty is hung
 * up, again and again: its writes keep succeeding and keep reaching the
 * line (the port's transmit counter grows by what it wrote), while the
 * tty's own files are hung up each time.
 */
#define _GNU_SOURCE
#include "tty_common.h"
#include "../kselftest_harness.h"

#define HANGUPS 20
#define LINES 50	/* written after the hangups */

/* Bytes the serial port @line has sent, from /proc/tty/driver/serial. */
static long tx_bytes(int line)
{
	FILE *f = fopen("/proc/tty/driver/serial", "r");
	char buf[256], *tx;
	long n = -1;
	int l;

	if (!f)
		return -1;
	while (fgets(buf, sizeof(buf), f))
		if (sscanf(buf, "%d:", &l) == 1 && l == line) {
			tx = strstr(buf, "tx:");
			if (tx)
				n = strtol(tx + 3, NULL, 10);
			break;
		}
	fclose(f);
	return n;
}

TEST(console_writer_survives_hangups)
{
	long tx_before, tx_hup, tx_stop, tx_end, *report;
	char tty[32], path[64];
	int status, i, dev, line, stop[2];
	struct tty_obs o;
	pid_t pid;

	console_tty(tty, sizeof(tty));
	if (strncmp(tty, "ttyS", 4))
		SKIP(return, "the console is not a serial port (%s)", tty);
	line = atoi(tty + 4);
	snprintf(path, sizeof(path), "/dev/%s", tty);
	report = shared_page();
	ASSERT_NE(NULL, report);
	tx_before = tx_bytes(line);
	ASSERT_LE(0, tx_before);
	ASSERT_EQ(0, pipe2(stop, O_NONBLOCK));

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int con = open("/dev/console", O_WRONLY | O_NOCTTY);
		long k, tries = 0, fails = 0, after = 0;
		char msg[96], c;
		int n;

		if (con < 0)
			_exit(2);
		/* Until told to stop, then LINES more. */
		for (k = 0; k < LINES; tries++) {
			if (k == 0 && read(stop[0], &c, 1) == 1)
				k = 1;
			n = snprintf(msg, sizeof(msg), "revoke-tty: console writer %s %ld\n",
				     k ? "after the hangups" : "during the hangups",
				     k ? k : tries + 1);
			if (write(con, msg, n) != n)
				fails++;
			else if (k)
				after += n;
			if (k)
				k++;
			usleep(3000);
		}
		/* Wait until the port has sent it all. */
		if (tcdrain(con))
			_exit(3);
		report[0] = tries;
		report[1] = fails;
		report[2] = after;
		_exit(0);
	}

	for (i = 0; i < HANGUPS; i++) {
		dev = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK);
		ASSERT_LE(0, dev);
		ASSERT_EQ(0, ioctl(dev, TIOCVHANGUP));
		observe(dev, &o);
		ASSERT_HUNG_UP(&o);
		/* The writer's output goes on reaching the line. */
		tx_hup = tx_bytes(line);
		usleep(20000);
		EXPECT_LT(tx_hup, tx_bytes(line))
			TH_LOG("nothing sent on %s for 20 ms after hangup %d", tty, i + 1);
	}
	tx_stop = tx_bytes(line);
	ASSERT_EQ(1, write(stop[1], "s", 1));

	status = wait_for(pid, 60);
	ASSERT_NE(-1, status) TH_LOG("the console writer did not finish");
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(0, report[1]) TH_LOG("%ld of %ld console writes failed",
				       report[1], report[0]);
	/*
	 * A hangup flushes what is queued for the line at that moment, as it
	 * always did; what was written after the last one all went out.
	 */
	tx_end = tx_bytes(line);
	EXPECT_LE(tx_stop + report[2], tx_end)
		TH_LOG("%s sent %ld bytes after the hangups, %ld were written",
		       tty, tx_end - tx_stop, report[2]);
	TH_LOG("%ld console writes, %ld bytes sent on %s", report[0],
	       tx_end - tx_before, tty);
	close(stop[0]);
	close(stop[1]);
}

TEST_HARNESS_MAIN

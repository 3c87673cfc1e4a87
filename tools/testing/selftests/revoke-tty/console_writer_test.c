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
#define LINES 200

static void console_tty(char *name, size_t len)
{
	FILE *f = fopen("/sys/class/tty/console/active", "r");

	name[0] = '\0';
	if (!f)
		return;
	if (fscanf(f, "%31s", name) != 1)
		name[0] = '\0';
	fclose(f);
}

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
	long tx_before, tx_after, *report;
	char tty[32], path[64];
	struct tty_obs o;
	int status, i, dev, line;
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

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int con = open("/dev/console", O_WRONLY | O_NOCTTY);
		char msg[96];
		long ok = 0, bytes = 0;
		int n, k;

		if (con < 0)
			_exit(2);
		for (k = 0; k < LINES; k++) {
			n = snprintf(msg, sizeof(msg),
				     "revoke-tty: console writer line %d of %d\n", k + 1, LINES);
			if (write(con, msg, n) == n) {
				ok++;
				bytes += n;
			}
			usleep(2000);
		}
		report[0] = ok;
		report[1] = bytes;
		_exit(0);
	}

	for (i = 0; i < HANGUPS; i++) {
		dev = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK);
		ASSERT_LE(0, dev);
		ASSERT_EQ(0, ioctl(dev, TIOCVHANGUP));
		observe(dev, &o);
		ASSERT_HUNG_UP(&o);
		usleep(10000);
	}

	status = wait_for(pid, 60);
	ASSERT_NE(-1, status) TH_LOG("the console writer did not finish");
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(LINES, report[0]) TH_LOG("only %ld of %d console writes succeeded",
					    report[0], LINES);
	tx_after = tx_bytes(line);
	EXPECT_LE(tx_before + report[1], tx_after)
		TH_LOG("%s sent %ld bytes while %ld were written to /dev/console",
		       tty, tx_after - tx_before, report[1]);
}

TEST_HARNESS_MAIN

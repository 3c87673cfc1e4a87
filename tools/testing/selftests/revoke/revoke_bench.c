// SPDX-License-Identifier: GPL-2.0
/*
 * Costs of the file method paths revoke touches, for comparing kernels.
 *
 * Every operation runs in a loop timed with CLOCK_MONOTONIC; under
 * "qemu -icount shift=0,sleep=off" guest time counts instructions, so two
 * runs on the same kernel give the same figures. One JSON object per line:
 *
 *   {"op": "null_read", "iters": 200000, "ns": 312.5}
 *
 * ns is per operation. --quick runs every operation a few times only, to
 * check that the program works.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sound/asound.h>
#include "../revoke-alsa/alsa_common.h"

static long scale = 1;
static int failures;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void report(const char *op, long iters, double ns)
{
	printf("{\"op\": \"%s\", \"iters\": %ld, \"ns\": %.1f}\n", op, iters,
	       ns / iters);
	fflush(stdout);
}

static void fail(const char *op, const char *what)
{
	fprintf(stderr, "revoke_bench: %s: %s: %s\n", op, what,
		strerror(errno));
	failures++;
}

static long iters(long n)
{
	return scale == 1 ? n : (n / scale > 10 ? n / scale : 10);
}

static void bench_null_read(void)
{
	long i, n = iters(200000);
	char c;
	double t;
	int fd = open("/dev/null", O_RDONLY);

	if (fd < 0)
		return fail("null_read", "open");
	t = now_ns();
	for (i = 0; i < n; i++)
		if (read(fd, &c, 1) != 0)
			return fail("null_read", "read");
	report("null_read", n, now_ns() - t);
	close(fd);
}

static void bench_pipe(void)
{
	long i, n = iters(100000);
	struct pollfd pfd;
	int p[2], avail;
	char c = 'x';
	double t;

	if (pipe(p))
		return fail("pipe", "pipe");
	t = now_ns();
	for (i = 0; i < n; i++)
		if (write(p[1], &c, 1) != 1 || read(p[0], &c, 1) != 1)
			return fail("pipe_write_read", "io");
	report("pipe_write_read", n, now_ns() - t);

	if (write(p[1], &c, 1) != 1)
		return fail("pipe_poll", "write");
	pfd.fd = p[0];
	pfd.events = POLLIN;
	t = now_ns();
	for (i = 0; i < n; i++)
		if (poll(&pfd, 1, 0) != 1)
			return fail("pipe_poll", "poll");
	report("pipe_poll", n, now_ns() - t);

	t = now_ns();
	for (i = 0; i < n; i++)
		if (ioctl(p[0], FIONREAD, &avail) || avail != 1)
			return fail("pipe_fionread", "ioctl");
	report("pipe_fionread", n, now_ns() - t);
	close(p[0]);
	close(p[1]);
}

static void bench_tmpfs_pread(void)
{
	char path[] = "/tmp/revoke_bench.XXXXXX";
	long i, n = iters(200000);
	char buf[64] = "data";
	double t;
	int fd = mkstemp(path);

	if (fd < 0)
		return fail("tmpfs_pread", "mkstemp");
	unlink(path);
	if (write(fd, buf, sizeof(buf)) != sizeof(buf))
		return fail("tmpfs_pread", "write");
	t = now_ns();
	for (i = 0; i < n; i++)
		if (pread(fd, buf, 1, 0) != 1)
			return fail("tmpfs_pread", "pread");
	report("tmpfs_pread", n, now_ns() - t);
	close(fd);
}

/* A method call outside the hot read, write, ioctl and poll helpers. */
static void bench_tmpfs_lseek(void)
{
	char path[] = "/tmp/revoke_bench.XXXXXX";
	long i, n = iters(200000);
	double t;
	int fd = mkstemp(path);

	if (fd < 0)
		return fail("tmpfs_lseek", "mkstemp");
	unlink(path);
	t = now_ns();
	for (i = 0; i < n; i++)
		if (lseek(fd, 0, SEEK_SET) != 0)
			return fail("tmpfs_lseek", "lseek");
	report("tmpfs_lseek", n, now_ns() - t);
	close(fd);
}

/* A pty pair with the slave in raw mode; 0 or -1. */
static int open_pty(int *master, int *slave)
{
	struct termios tio;

	*master = posix_openpt(O_RDWR | O_NOCTTY);
	if (*master < 0 || grantpt(*master) || unlockpt(*master))
		return -1;
	*slave = open(ptsname(*master), O_RDWR | O_NOCTTY);
	if (*slave < 0 || tcgetattr(*slave, &tio))
		return -1;
	cfmakeraw(&tio);
	return tcsetattr(*slave, TCSANOW, &tio);
}

static void *tcgets_loop(void *arg)
{
	int fd = *(int *)arg;
	long i, n = iters(100000);
	struct termios tio;

	for (i = 0; i < n; i++)
		if (ioctl(fd, TCGETS, &tio))
			break;
	return NULL;
}

static void bench_pty(void)
{
	long i, n = iters(20000);
	struct pollfd pfd;
	struct termios tio;
	int m, s, fds[2];
	pthread_t th[2];
	char c = 'x';
	double t;

	if (open_pty(&m, &s))
		return fail("pty", "open");
	t = now_ns();
	for (i = 0; i < n; i++)
		if (write(m, &c, 1) != 1 || read(s, &c, 1) != 1)
			return fail("pty_write_read", "io");
	report("pty_write_read", n, now_ns() - t);

	n = iters(100000);
	t = now_ns();
	for (i = 0; i < n; i++)
		if (ioctl(s, TCGETS, &tio))
			return fail("pty_tcgets", "ioctl");
	report("pty_tcgets", n, now_ns() - t);

	pfd.fd = s;
	pfd.events = POLLOUT;
	t = now_ns();
	for (i = 0; i < n; i++)
		if (poll(&pfd, 1, 0) != 1)
			return fail("pty_poll", "poll");
	report("pty_poll", n, now_ns() - t);

	/* The same ioctl from two CPUs at once, on one tty. */
	fds[0] = s;
	fds[1] = s;
	t = now_ns();
	for (i = 0; i < 2; i++)
		if (pthread_create(&th[i], NULL, tcgets_loop, &fds[i]))
			return fail("pty_tcgets_2cpu", "pthread_create");
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	/* Per operation of one thread: equal to pty_tcgets if nothing is shared. */
	report("pty_tcgets_2cpu", iters(100000), now_ns() - t);
	close(s);
	close(m);
}

/* TIOCVHANGUP of a pty slave with @files open files of it. */
static void bench_hangup(int files)
{
	long i, n = iters(files >= 1000 ? 20 : 200);
	double total = 0, t;
	int m, s, k, *fds;
	char op[32];

	snprintf(op, sizeof(op), "tiocvhangup_%d", files);
	fds = calloc(files, sizeof(*fds));
	if (!fds)
		return fail(op, "calloc");
	for (i = 0; i < n; i++) {
		if (open_pty(&m, &s))
			return fail(op, "open");
		/* Separate opens: one struct file each. */
		fds[0] = s;
		for (k = 1; k < files; k++) {
			fds[k] = open(ptsname(m), O_RDWR | O_NOCTTY);
			if (fds[k] < 0)
				return fail(op, "open more");
		}
		t = now_ns();
		if (ioctl(s, TIOCVHANGUP))
			return fail(op, "ioctl");
		total += now_ns() - t;
		for (k = 0; k < files; k++)
			close(fds[k]);
		close(m);
	}
	report(op, n, total);
	free(fds);
}

static void bench_alsa(void)
{
	struct snd_pcm_sync_ptr sp;
	struct snd_pcm_status st;
	struct snd_ctl_elem_list list;
	struct snd_ctl_elem_id id;
	struct snd_ctl_elem_value val;
	long i, n = iters(50000);
	struct card c;
	char path[64];
	double t;
	int fd;

	if (find_card("Dummy", &c)) {
		errno = ENODEV;
		return fail("alsa", "no snd-dummy card");
	}
	snprintf(path, sizeof(path), "/dev/snd/pcmC%dD0p", c.num);
	fd = open(path, O_RDWR | O_NONBLOCK);
	if (fd < 0)
		return fail("pcm", "open");
	memset(&sp, 0, sizeof(sp));
	t = now_ns();
	for (i = 0; i < n; i++)
		if (ioctl(fd, SNDRV_PCM_IOCTL_SYNC_PTR, &sp))
			return fail("pcm_sync_ptr", "ioctl");
	report("pcm_sync_ptr", n, now_ns() - t);
	t = now_ns();
	for (i = 0; i < n; i++)
		if (ioctl(fd, SNDRV_PCM_IOCTL_STATUS, &st))
			return fail("pcm_status", "ioctl");
	report("pcm_status", n, now_ns() - t);
	close(fd);

	snprintf(path, sizeof(path), "/dev/snd/controlC%d", c.num);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return fail("ctl", "open");
	memset(&list, 0, sizeof(list));
	list.space = 1;
	list.pids = &id;
	if (ioctl(fd, SNDRV_CTL_IOCTL_ELEM_LIST, &list) || !list.used)
		return fail("ctl_elem_read", "list");
	memset(&val, 0, sizeof(val));
	val.id = id;
	t = now_ns();
	for (i = 0; i < n; i++)
		if (ioctl(fd, SNDRV_CTL_IOCTL_ELEM_READ, &val))
			return fail("ctl_elem_read", "ioctl");
	report("ctl_elem_read", n, now_ns() - t);
	close(fd);
}

/*
 * Unbind of the snd-dummy card with @files open control files: from the
 * moment a child is told to unbind the device until the unbind is done.
 * The unbind disconnects the card, which a poll() on one of the files
 * (subscribed to events, so that it waits) reports; the files are then
 * closed, and snd_card_free() in the unbind, which waits for them, frees
 * the card. The time covers the disconnect and the release of every file,
 * the way a program that notices an unplug closes what it has open. The
 * card is bound again for the next round, untimed.
 */
static void bench_disconnect(int files)
{
	long i, n = scale == 1 ? (files >= 100 ? 10 : 20) : 2;
	char op[32], path[64], unbind[128];
	int go[2], k, *fds, status;
	double total = 0, t;
	struct pollfd p;
	struct card c;
	pid_t pid;

	snprintf(op, sizeof(op), "snd_disconnect_%d", files);
	fds = calloc(files, sizeof(*fds));
	if (!fds)
		return fail(op, "calloc");
	for (i = 0; i < n; i++) {
		if (find_card("Dummy", &c)) {
			errno = ENODEV;
			return fail(op, "no snd-dummy card");
		}
		snprintf(unbind, sizeof(unbind), "/sys/bus/platform/drivers/%s/unbind",
			 c.drv);
		snprintf(path, sizeof(path), "/dev/snd/controlC%d", c.num);
		for (k = 0; k < files; k++) {
			fds[k] = open(path, O_RDWR);
			if (fds[k] < 0)
				return fail(op, "open");
		}
		/* Without a subscription a control's poll() does not wait. */
		k = 1;
		if (ioctl(fds[0], SNDRV_CTL_IOCTL_SUBSCRIBE_EVENTS, &k))
			return fail(op, "subscribe");
		if (pipe(go))
			return fail(op, "pipe");
		pid = fork();
		if (pid < 0)
			return fail(op, "fork");
		if (pid == 0) {
			char byte;

			/* Hold none of the card's files: the unbind waits for them. */
			close(go[1]);
			if (dup2(go[0], 3) != 3)
				_exit(1);
			syscall(SYS_close_range, 4, ~0U, 0);
			if (read(3, &byte, 1) != 1)
				_exit(1);
			_exit(write_sysfs(unbind, c.dev) ? 1 : 0);
		}
		close(go[0]);
		p.fd = fds[0];
		p.events = POLLIN;
		t = now_ns();
		if (write(go[1], "x", 1) != 1)
			return fail(op, "write");
		do {
			p.revents = 0;
			if (poll(&p, 1, 10000) != 1) {
				kill(pid, SIGKILL);
				return fail(op, "poll: no disconnect");
			}
		} while (!(p.revents & POLLERR));
		for (k = 0; k < files; k++)
			close(fds[k]);
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			return fail(op, "unbind");
		total += now_ns() - t;
		close(go[1]);
		if (rebind(&c, "Dummy"))
			return fail(op, "bind");
	}
	report(op, n, total);
	free(fds);
}

int main(int argc, char **argv)
{
	struct rlimit rl = { 4096, 4096 };

	if (argc > 1 && !strcmp(argv[1], "--quick"))
		scale = 1000;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		fail("setup", "setrlimit");
	bench_null_read();
	bench_pipe();
	bench_tmpfs_pread();
	bench_tmpfs_lseek();
	bench_pty();
	bench_hangup(1);
	bench_hangup(100);
	bench_hangup(1000);
	bench_alsa();
	bench_disconnect(1);
	bench_disconnect(100);
	return failures ? 1 : 0;
}

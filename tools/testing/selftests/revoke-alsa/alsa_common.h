/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the revoke-alsa selftests: find a card by driver,
 * disconnect it by unbinding its device through sysfs, bind it again, and
 * observe what an fd of a disconnected card does.
 */
#ifndef REVOKE_ALSA_COMMON_H
#define REVOKE_ALSA_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <sound/asound.h>
#include <sound/asequencer.h>

struct card {
	int num;
	char dev[64];	/* platform device, e.g. snd_dummy.0 */
	char drv[64];	/* its driver, e.g. snd_dummy */
};

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline int link_base(const char *path, char *out, size_t len)
{
	char buf[256];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	if (n < 0)
		return -1;
	buf[n] = '\0';
	snprintf(out, len, "%s", basename(buf));
	return 0;
}

/* Find the card whose control reports @driver (e.g. "Dummy", "VirMIDI"). */
static inline int find_card(const char *driver, struct card *c)
{
	struct snd_ctl_card_info info;
	char path[128];
	int i, fd;

	for (i = 0; i < 32; i++) {
		snprintf(path, sizeof(path), "/dev/snd/controlC%d", i);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		if (ioctl(fd, SNDRV_CTL_IOCTL_CARD_INFO, &info) == 0 &&
		    !strcmp((char *)info.driver, driver)) {
			close(fd);
			c->num = i;
			snprintf(path, sizeof(path), "/sys/class/sound/card%d/device", i);
			if (link_base(path, c->dev, sizeof(c->dev)))
				return -1;
			snprintf(path, sizeof(path), "/sys/class/sound/card%d/device/driver", i);
			if (link_base(path, c->drv, sizeof(c->drv)))
				return -1;
			return 0;
		}
		close(fd);
	}
	return -1;
}

static inline int write_sysfs(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

/*
 * Unbind the card's device in a child: snd_card_free() waits there until
 * the last file of the card is closed, so the child returns only then.
 * The child must hold none of the card's files itself, neither as an fd
 * nor through a mapping: it closes every fd it inherited and execs a
 * shell, which leaves the parent's mappings behind.
 */
static inline pid_t unbind_async(const struct card *c)
{
	char path[128];
	pid_t pid;

	snprintf(path, sizeof(path), "/sys/bus/platform/drivers/%s/unbind", c->drv);
	pid = fork();
	if (pid == 0) {
		syscall(SYS_close_range, 3, ~0U, 0);
		execl("/bin/sh", "sh", "-c", "echo \"$0\" > \"$1\"", c->dev, path,
		      (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Wait until @ctl (a control fd of the card) reports the disconnect. */
static inline int wait_disconnected(int ctl, double secs)
{
	double end = now_s() + secs;
	int v;

	while (now_s() < end) {
		if (ioctl(ctl, SNDRV_CTL_IOCTL_PVERSION, &v) < 0 && errno == ENODEV)
			return 0;
		usleep(5000);
	}
	return -1;
}

/* Is the card's /proc/asound/cardN still there? */
static inline int card_in_proc(int num)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/asound/card%d", num);
	return access(path, F_OK) == 0;
}

/* Is card @num still a device in sysfs or listed in /proc/asound/cards? */
static inline int card_registered(int num)
{
	char path[64], line[256];
	int listed = 0, n;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/sound/card%d", num);
	if (access(path, F_OK) == 0)
		return 1;
	f = fopen("/proc/asound/cards", "r");
	if (!f)
		return 0;
	while (!listed && fgets(line, sizeof(line), f))
		listed = sscanf(line, "%d [", &n) == 1 && n == num;
	fclose(f);
	return listed;
}

/*
 * Wait until the disconnect of card @num is done with the files and has
 * unregistered the card (its proc directory, its device and its slot in
 * the list of cards go, in that order, after the files are cut off): 0, or
 * -1 if some of it is still there after @secs. With the files still open,
 * this shows that the disconnect does not wait for them.
 */
static inline int wait_card_gone(int num, double secs)
{
	double end = now_s() + secs;

	while (now_s() < end) {
		if (!card_in_proc(num) && !card_registered(num))
			return 0;
		usleep(5000);
	}
	return -1;
}

/* Wait for @pid at most @secs; its wait status, or -1 (then it is killed). */
static inline int wait_for(pid_t pid, double secs)
{
	double end = now_s() + secs;
	int status;

	while (now_s() < end) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return status;
		if (r < 0)
			return -1;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

/*
 * find_card() for a fixture's set-up. A test that failed with files of the
 * card still open left its unbind waiting for them, and nobody to bind the
 * device again: the unbind finishes when that test's process is gone, and
 * the card is bound again here, so that one failure does not make every
 * later test skip. @drv is the platform driver of the card's device
 * (snd_dummy), whose first device (snd_dummy.0) is the card.
 */
static inline int find_card_bound(const char *driver, const char *drv,
				  struct card *c)
{
	char path[128], dev[64];
	double end = now_s() + 30;

	if (!find_card(driver, c))
		return 0;
	snprintf(dev, sizeof(dev), "%s.0", drv);
	snprintf(path, sizeof(path), "/sys/bus/platform/devices/%s", dev);
	if (access(path, F_OK))
		return -1;	/* no such device: the module is not loaded */
	snprintf(path, sizeof(path), "/sys/bus/platform/drivers/%s/bind", drv);
	while (now_s() < end) {
		/* Fails while the device is still bound, unbinding. */
		write_sysfs(path, dev);
		if (!find_card(driver, c))
			return 0;
		usleep(100000);
	}
	return -1;
}

/* Bind the device again and wait for its card to come back. */
static inline int rebind(const struct card *c, const char *driver)
{
	char path[128];
	struct card again;
	double end = now_s() + 10;

	snprintf(path, sizeof(path), "/sys/bus/platform/drivers/%s/bind", c->drv);
	if (write_sysfs(path, c->dev))
		return -1;
	while (now_s() < end) {
		if (find_card(driver, &again) == 0)
			return 0;
		usleep(10000);
	}
	return -1;
}

/* What each method returns on one fd of a disconnected card. */
struct snd_obs {
	ssize_t read_rc;
	int read_err;
	ssize_t write_rc;
	int write_err;
	ssize_t readv_rc;
	int readv_err;
	ssize_t writev_rc;
	int writev_err;
	int ioctl_rc;
	int ioctl_err;
	int mmap_err;
	void *mmap_rc;
	off_t lseek_rc;
	int lseek_err;
	int async_rc;
	int async_err;
	int poll_rc;
	short revents;
};

static inline void observe(int fd, unsigned long ioctl_cmd, struct snd_obs *o)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };
	char buf[64];
	struct iovec iov[2] = {
		{ .iov_base = buf, .iov_len = sizeof(buf) / 2 },
		{ .iov_base = buf + sizeof(buf) / 2, .iov_len = sizeof(buf) / 2 },
	};
	int v, fl;

	memset(o, 0, sizeof(*o));
	memset(buf, 0, sizeof(buf));
	errno = 0;
	o->read_rc = read(fd, buf, sizeof(buf));
	o->read_err = errno;
	errno = 0;
	o->write_rc = write(fd, buf, sizeof(buf));
	o->write_err = errno;
	errno = 0;
	o->readv_rc = readv(fd, iov, 2);
	o->readv_err = errno;
	errno = 0;
	o->writev_rc = writev(fd, iov, 2);
	o->writev_err = errno;
	errno = 0;
	o->ioctl_rc = ioctl(fd, ioctl_cmd, &v);
	o->ioctl_err = errno;
	errno = 0;
	o->mmap_rc = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	o->mmap_err = errno;
	if (o->mmap_rc != MAP_FAILED)
		munmap(o->mmap_rc, 4096);
	errno = 0;
	o->lseek_rc = lseek(fd, 0, SEEK_SET);
	o->lseek_err = errno;
	fl = fcntl(fd, F_GETFL);
	errno = 0;
	o->async_rc = fcntl(fd, F_SETFL, fl | O_ASYNC);
	o->async_err = errno;
	o->poll_rc = poll(&p, 1, 0);
	o->revents = p.revents;
}

/*
 * The contract for an fd of a disconnected card (design.md 3.2), as the
 * kernel gives it: the methods the file has fail with ENODEV and poll()
 * reports POLLERR.  A read or write the file type never had fails in the
 * VFS with EINVAL before any file method is reached (@rd, @wr: the errno
 * expected), and ALSA's files are not seekable (ESPIPE).
 */
#define ASSERT_DISCONNECTED(o, rd, wr) do {				\
	const struct snd_obs *__o = (o);				\
	const int __rd = (rd), __wr = (wr);				\
	EXPECT_EQ(-1, __o->read_rc);					\
	EXPECT_EQ(__rd, __o->read_err);					\
	EXPECT_EQ(-1, __o->write_rc);					\
	EXPECT_EQ(__wr, __o->write_err);				\
	EXPECT_EQ(-1, __o->readv_rc);					\
	EXPECT_EQ(__rd, __o->readv_err);				\
	EXPECT_EQ(-1, __o->writev_rc);					\
	EXPECT_EQ(__wr, __o->writev_err);				\
	EXPECT_EQ(-1, __o->ioctl_rc);					\
	EXPECT_EQ(ENODEV, __o->ioctl_err);				\
	EXPECT_EQ(MAP_FAILED, __o->mmap_rc);				\
	EXPECT_EQ(ENODEV, __o->mmap_err);				\
	EXPECT_EQ(-1, __o->lseek_rc);					\
	EXPECT_EQ(ESPIPE, __o->lseek_err);				\
	EXPECT_EQ(-1, __o->async_rc);					\
	EXPECT_EQ(ENODEV, __o->async_err);				\
	EXPECT_EQ(1, __o->poll_rc);					\
	EXPECT_EQ(POLLERR, __o->revents);				\
} while (0)

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * What a disconnect of an ALSA card guarantees beyond cutting new calls
 * off (these tests fail on a kernel without it):
 *
 * - mapping: no mapping of a PCM data buffer reaches the card's memory
 *   once the disconnect is done; the mapping reads a zeroed page and takes
 *   writes without a signal, and pages pinned before (vmsplice) keep what
 *   they held, through the card's free. Two styles of mapping: snd-dummy
 *   with fake_buffer=0 sets the PTEs in ->mmap() (remap_pfn_range), and
 *   snd-aloop's vmalloc buffer is mapped at fault time. Also with mmap()
 *   calls racing the disconnect on two CPUs.
 * - inflight: a disconnect waits for the calls in flight. A control or PCM
 *   ioctl is held inside the method by a userfaultfd fault on its argument;
 *   the disconnect must not finish (the card's /proc entry stays) until
 *   the fault is resolved.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/uio.h>
#include "alsa_common.h"
#include "pcm_setup.h"
#include "../revoke/uffd_hold.h"
#include "../kselftest_harness.h"

#define PATTERN 0x5a
#define LATER 0xa5

static int all_bytes(const unsigned char *p, size_t len, unsigned char v)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

/* What the fixtures hold of the card under test. */
struct card_files {
	struct card c;
	int ctl;
	pid_t unbinder;
	struct pcm *pcm;
};

static void card_files_init(struct card_files *f)
{
	f->ctl = -1;
	f->unbinder = 0;
	f->pcm = NULL;
}

/*
 * Open the card's control and its first playback PCM, in mmap mode if @mmap
 * is set: 0 or -1.
 */
static int card_files_open(struct card_files *f, int mmap)
{
	char path[64];

	snprintf(path, sizeof(path), "/dev/snd/controlC%d", f->c.num);
	f->ctl = open(path, O_RDWR);
	if (f->ctl < 0)
		return -1;
	f->pcm = pcm_setup(f->c.num, 0, mmap, 48000, 2, 500000);
	return f->pcm ? 0 : -1;
}

/*
 * Close what a test left open, let its unbind finish and bind the card
 * again. A test that sets @f->ctl to -1 has done all that itself.
 */
static void card_files_close(struct __test_metadata *_metadata,
			     struct card_files *f, const char *driver)
{
	struct card again;

	if (f->pcm)
		pcm_close(f->pcm);
	if (f->ctl >= 0)
		close(f->ctl);
	if (f->unbinder > 0)
		EXPECT_NE(-1, wait_for(f->unbinder, 20))
			TH_LOG("the unbind did not finish after every file was closed");
	if (f->ctl >= 0 && find_card(driver, &again))
		EXPECT_EQ(0, rebind(&f->c, driver));
}

FIXTURE(mapping) {
	struct card_files f;
};

FIXTURE_VARIANT(mapping) {
	const char *driver;
	const char *drv;	/* platform driver of the card's device */
	int pinnable;		/* has struct pages a pipe can pin */
};

/* PTEs set by ->mmap(): remap_pfn_range() of a continuous buffer. */
FIXTURE_VARIANT_ADD(mapping, dummy_remap) {
	.driver = "Dummy", .drv = "snd_dummy", .pinnable = 0
};

/* PTEs set at fault time from a vmalloc buffer. */
FIXTURE_VARIANT_ADD(mapping, loopback_fault) {
	.driver = "Loopback", .drv = "snd_aloop", .pinnable = 1
};

FIXTURE_SETUP(mapping)
{
	card_files_init(&self->f);
	if (find_card_bound(variant->driver, variant->drv, &self->f.c))
		SKIP(return, "no %s card", variant->driver);
	ASSERT_EQ(0, card_files_open(&self->f, 1));
}

FIXTURE_TEARDOWN(mapping)
{
	card_files_close(_metadata, &self->f, variant->driver);
}

TEST_F(mapping, data_cut_off)
{
	unsigned char *data, buf[4096];
	struct iovec iov;
	int fd, pinned = 0, pipefd[2];

	fd = pcm_fd(self->f.pcm);
	ASSERT_LE(0, fd);
	data = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    SNDRV_PCM_MMAP_OFFSET_DATA);
	ASSERT_NE(MAP_FAILED, data);
	memset(data, PATTERN, 4096);

	/* A pipe pins the buffer's page: it must keep the pattern. */
	ASSERT_EQ(0, pipe(pipefd));
	iov.iov_base = data;
	iov.iov_len = 4096;
	if (vmsplice(pipefd[1], &iov, 1, 0) == 4096)
		pinned = 1;
	EXPECT_EQ(variant->pinnable, pinned) TH_LOG("vmsplice: %s", strerror(errno));

	self->f.unbinder = unbind_async(&self->f.c);
	ASSERT_LT(0, self->f.unbinder);
	ASSERT_EQ(0, wait_card_gone(self->f.c.num, 20));

	/* The mapping no longer reaches the buffer... */
	EXPECT_TRUE(all_bytes(data, 4096, 0))
		TH_LOG("the data mapping still shows the buffer: %#x", data[0]);
	/* ...takes writes without a signal... */
	memset(data, LATER, 4096);
	EXPECT_TRUE(all_bytes(data, 4096, LATER));

	/* ...which the buffer does not see. Let the card go first. */
	munmap(data, 4096);
	pcm_close(self->f.pcm);
	self->f.pcm = NULL;
	close(self->f.ctl);
	self->f.ctl = -1;
	EXPECT_NE(-1, wait_for(self->f.unbinder, 20));
	self->f.unbinder = 0;
	if (pinned) {
		ASSERT_EQ(4096, read(pipefd[0], buf, sizeof(buf)));
		EXPECT_TRUE(all_bytes(buf, sizeof(buf), PATTERN))
			TH_LOG("the pinned buffer page saw a write made after the disconnect: %#x",
			       buf[0]);
	}
	close(pipefd[0]);
	close(pipefd[1]);
	ASSERT_EQ(0, rebind(&self->f.c, variant->driver));
}

#define RING 128

struct mapper {
	int fd;
	int *stop;
	unsigned char *maps[RING];
	unsigned long made;
	unsigned long sum;
	int last_err;
};

/* Map the data area over and over, touching each mapping, until told. */
static void *mapper_thread(void *arg)
{
	struct mapper *m = arg;
	unsigned char *p;
	unsigned int i;

	while (!__atomic_load_n(m->stop, __ATOMIC_RELAXED)) {
		p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd,
			 SNDRV_PCM_MMAP_OFFSET_DATA);
		if (p == MAP_FAILED) {
			m->last_err = errno;
			usleep(100);
			continue;
		}
		/* Fault the page in, if ->mmap() did not. */
		m->sum += __atomic_load_n(&p[0], __ATOMIC_RELAXED);
		i = m->made++ % RING;
		if (m->maps[i])
			munmap(m->maps[i], 4096);
		m->maps[i] = p;
	}
	return NULL;
}

/*
 * mmap() racing the disconnect on two CPUs: whatever mapping exists once
 * the disconnect is done, made before, during or after it, does not show
 * the buffer. Only the main thread writes the buffer, before the race.
 */
TEST_F_TIMEOUT(mapping, mmap_races_disconnect, 120)
{
	struct mapper m[2];
	int stop = 0;
	pthread_t t[2];
	unsigned char *data;
	unsigned long live = 0, bad = 0;
	int fd, i, j;

	fd = pcm_fd(self->f.pcm);
	ASSERT_LE(0, fd);
	data = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    SNDRV_PCM_MMAP_OFFSET_DATA);
	ASSERT_NE(MAP_FAILED, data);
	memset(data, PATTERN, 4096);

	for (i = 0; i < 2; i++) {
		memset(&m[i], 0, sizeof(m[i]));
		m[i].fd = fd;
		m[i].stop = &stop;
		ASSERT_EQ(0, pthread_create(&t[i], NULL, mapper_thread, &m[i]));
	}
	usleep(300000);
	self->f.unbinder = unbind_async(&self->f.c);
	ASSERT_LT(0, self->f.unbinder);
	ASSERT_EQ(0, wait_card_gone(self->f.c.num, 20));
	usleep(100000);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);

	EXPECT_TRUE(all_bytes(data, 4096, 0));
	for (i = 0; i < 2; i++) {
		EXPECT_LT(0, m[i].made);
		EXPECT_EQ(ENODEV, m[i].last_err)
			TH_LOG("mmap after the disconnect: %s", strerror(m[i].last_err));
		for (j = 0; j < RING; j++) {
			if (!m[i].maps[j])
				continue;
			live++;
			if (m[i].maps[j][0] || m[i].maps[j][4095])
				bad++;
			munmap(m[i].maps[j], 4096);
		}
	}
	TH_LOG("%lu + %lu mappings made, %lu live at the end, %lu show the buffer",
	       m[0].made, m[1].made, live, bad);
	EXPECT_EQ(0, bad);
	munmap(data, 4096);
}

/* How long the disconnect gets to finish on its own while a call is held. */
#define HOLD_S 1.0

FIXTURE(inflight) {
	struct card_files f;
	struct uffd_hold hold;
};

FIXTURE_VARIANT(inflight) {
	bool pcm;		/* the PCM file or the control file */
	unsigned long cmd;
};

FIXTURE_VARIANT_ADD(inflight, ctl_elem_read) {
	.pcm = false, .cmd = SNDRV_CTL_IOCTL_ELEM_READ,
};

FIXTURE_VARIANT_ADD(inflight, pcm_sync_ptr) {
	.pcm = true, .cmd = SNDRV_PCM_IOCTL_SYNC_PTR,
};

FIXTURE_SETUP(inflight)
{
	int rc;

	card_files_init(&self->f);
	self->hold.uffd = -1;
	self->hold.page = MAP_FAILED;
	if (find_card_bound("Dummy", "snd_dummy", &self->f.c))
		SKIP(return, "no snd-dummy card");
	rc = uffd_hold_init(&self->hold);
	if (rc == -1)
		SKIP(return, "no userfaultfd: %s", strerror(errno));
	ASSERT_EQ(0, rc) TH_LOG("userfaultfd setup: %s", strerror(errno));
	ASSERT_EQ(0, card_files_open(&self->f, 0));
}

FIXTURE_TEARDOWN(inflight)
{
	uffd_hold_exit(&self->hold);
	card_files_close(_metadata, &self->f, "Dummy");
}

TEST_F_TIMEOUT(inflight, disconnect_waits, 60)
{
	double start;
	int fd, early;

	fd = variant->pcm ? pcm_fd(self->f.pcm) : self->f.ctl;
	ASSERT_LE(0, fd);
	/* The ioctl is inside the method once its copy faults. */
	ASSERT_EQ(0, uffd_hold_start(&self->hold, fd, variant->cmd));

	self->f.unbinder = unbind_async(&self->f.c);
	ASSERT_LT(0, self->f.unbinder);
	/* New calls are cut off at once... */
	ASSERT_EQ(0, wait_disconnected(self->f.ctl, 10));
	/* ...but the disconnect waits for the one in flight. */
	start = now_s();
	early = 0;
	while (now_s() - start < HOLD_S) {
		if (!card_in_proc(self->f.c.num)) {
			early = 1;
			break;
		}
		usleep(10000);
	}

	ASSERT_EQ(0, uffd_hold_release(&self->hold));
	EXPECT_EQ(0, wait_card_gone(self->f.c.num, 20))
		TH_LOG("the disconnect did not finish after the call left");
	EXPECT_EQ(0, early)
		TH_LOG("the disconnect finished while an ioctl was inside the card");
	TH_LOG("the held ioctl returned %d (%s)", self->hold.rc,
	       strerror(self->hold.err));
	/* The fd it used is cut off. */
	EXPECT_EQ(-1, ioctl(fd, SNDRV_CTL_IOCTL_PVERSION, &early));
	EXPECT_EQ(ENODEV, errno);
}

TEST_HARNESS_MAIN

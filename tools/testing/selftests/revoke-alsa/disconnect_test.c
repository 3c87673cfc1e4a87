// SPDX-License-Identifier: GPL-2.0
/*
 * What open files of an ALSA card do when the card is disconnected (here:
 * its platform device unbound through sysfs, as a hot-unplug does):
 * control, PCM playback and capture in read/write and mmap mode, card
 * timers and rawmidi.  Characterisation tests: they pass on the unpatched
 * kernel and must keep passing once disconnect is built on revoke.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include "alsa_common.h"
#include "pcm_setup.h"
#include "../kselftest_harness.h"

/*
 * How long after the unbind began a blocked caller may take to be back:
 * generous for TCG (the unbind runs a shell), but less than the 3 s after
 * which a revoke interrupts the calls the kick did not wake.
 */
#define BACK_S 2.5

static struct pcm *open_pcm(struct __test_metadata *_metadata, int card,
			    int capture, int mmap, unsigned int buffer_us)
{
	struct pcm *p = pcm_setup(card, capture, mmap, 48000, 2, buffer_us);

	EXPECT_NE(NULL, p) TH_LOG("cannot set up hw:%d,0", card);
	return p;
}

FIXTURE(dummy) {
	struct card c;
	int ctl;
	pid_t unbinder;
};

FIXTURE_SETUP(dummy)
{
	char path[64];

	self->unbinder = 0;
	if (find_card_bound("Dummy", "snd_dummy", &self->c))
		SKIP(return, "no snd-dummy card");
	snprintf(path, sizeof(path), "/dev/snd/controlC%d", self->c.num);
	self->ctl = open(path, O_RDWR);
	ASSERT_LE(0, self->ctl);
}

FIXTURE_TEARDOWN(dummy)
{
	struct card again;

	if (self->ctl >= 0)
		close(self->ctl);
	if (self->unbinder > 0)
		EXPECT_NE(-1, wait_for(self->unbinder, 20))
			TH_LOG("the unbind did not finish after every file was closed");
	if (find_card("Dummy", &again))
		EXPECT_EQ(0, rebind(&self->c, "Dummy"));
}

/* The OSS device @name of card @num: /dev/dsp for card 0, /dev/dsp1... */
static void oss_path(char *path, size_t size, const char *name, int num)
{
	if (num)
		snprintf(path, size, "/dev/%s%d", name, num);
	else
		snprintf(path, size, "/dev/%s", name);
}

/* Every kind of file of the card, after the disconnect. */
TEST_F(dummy, files_after_disconnect)
{
	struct pcm *pb, *cap, *pbm;
	struct snd_obs o;
	char path[64];
	unsigned char *data;
	int *status;
	int ctl2, fd, dsp, mixer, st;
	double end;

	snprintf(path, sizeof(path), "/dev/snd/controlC%d", self->c.num);
	ctl2 = open(path, O_RDWR);
	ASSERT_LE(0, ctl2);
	/* The OSS emulation's PCM and mixer of the card. */
	oss_path(path, sizeof(path), "dsp", self->c.num);
	dsp = open(path, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, dsp) TH_LOG("%s: %s", path, strerror(errno));
	oss_path(path, sizeof(path), "mixer", self->c.num);
	mixer = open(path, O_RDWR);
	ASSERT_LE(0, mixer) TH_LOG("%s: %s", path, strerror(errno));
	pb = open_pcm(_metadata, self->c.num, 0, 0, 500000);
	ASSERT_NE(NULL, pb);
	ASSERT_EQ(1024, pcm_write_silence(pb, 1024));
	cap = open_pcm(_metadata, self->c.num, 1, 0, 500000);
	ASSERT_NE(NULL, cap);
	ASSERT_EQ(0, pcm_start(cap));
	pbm = open_pcm(_metadata, self->c.num, 0, 1, 500000);
	ASSERT_NE(NULL, pbm);
	fd = pcm_fd(pbm);
	ASSERT_LE(0, fd);
	/* Our own mappings of the data area and the status page. */
	data = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    SNDRV_PCM_MMAP_OFFSET_DATA);
	ASSERT_NE(MAP_FAILED, data);
	data[0] = 0x5a;
	status = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd,
		      SNDRV_PCM_MMAP_OFFSET_STATUS_NEW);
	ASSERT_NE(MAP_FAILED, status);
	ASSERT_EQ(SNDRV_PCM_STATE_PREPARED, status[0]);

	self->unbinder = unbind_async(&self->c);
	ASSERT_LT(0, self->unbinder);
	ASSERT_EQ(0, wait_disconnected(self->ctl, 10));

	/* Control files read (events) but do not write. */
	observe(ctl2, SNDRV_CTL_IOCTL_PVERSION, &o);
	ASSERT_DISCONNECTED(&o, ENODEV, EINVAL);
	/* Playback PCMs write, capture PCMs read. */
	observe(pcm_fd(pb), SNDRV_PCM_IOCTL_PVERSION, &o);
	ASSERT_DISCONNECTED(&o, EINVAL, ENODEV);
	observe(pcm_fd(cap), SNDRV_PCM_IOCTL_PVERSION, &o);
	ASSERT_DISCONNECTED(&o, ENODEV, EINVAL);
	observe(fd, SNDRV_PCM_IOCTL_PVERSION, &o);
	ASSERT_DISCONNECTED(&o, EINVAL, ENODEV);
	/* The OSS PCM reads and writes; the OSS mixer does neither. */
	observe(dsp, SNDRV_PCM_IOCTL_PVERSION, &o);
	ASSERT_DISCONNECTED(&o, ENODEV, ENODEV);
	observe(mixer, SNDRV_PCM_IOCTL_PVERSION, &o);
	ASSERT_DISCONNECTED(&o, EINVAL, EINVAL);

	/*
	 * The status page shows the disconnect once the PCM device itself is
	 * disconnected, a little after the card's files are cut off.
	 */
	end = now_s() + 10;
	while (__atomic_load_n(&status[0], __ATOMIC_RELAXED) != SNDRV_PCM_STATE_DISCONNECTED &&
	       now_s() < end)
		usleep(5000);
	EXPECT_EQ(SNDRV_PCM_STATE_DISCONNECTED, __atomic_load_n(&status[0], __ATOMIC_RELAXED));
	/* Touching the data mapping does not kill the process. */
	__atomic_store_n(&data[1], __atomic_load_n(&data[0], __ATOMIC_RELAXED),
			 __ATOMIC_RELAXED);

	/* The card is not freed while its files are open... */
	EXPECT_EQ(0, waitpid(self->unbinder, &st, WNOHANG));
	/* ...and closing them all lets the unbind finish. */
	munmap(data, 4096);
	munmap(status, 4096);
	pcm_close(pb);
	pcm_close(cap);
	pcm_close(pbm);
	EXPECT_EQ(0, close(dsp));
	EXPECT_EQ(0, close(mixer));
	EXPECT_EQ(0, close(ctl2));
	EXPECT_EQ(0, close(self->ctl));
	self->ctl = -1;
	st = wait_for(self->unbinder, 20);
	self->unbinder = 0;
	ASSERT_NE(-1, st) TH_LOG("the unbind did not finish after every file was closed");
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
}

enum wait_kind { W_DRAIN, W_CAPTURE_READ, W_CTL_READ, W_CTL_POLL, W_NR };

struct waiter {
	enum wait_kind kind;
	int fd;
	long rc;
	int err;
	short revents;
	int done;
	double took;
};

static void *wait_thread(void *arg)
{
	struct waiter *w = arg;
	struct snd_xferi xf;
	struct snd_ctl_event ev;
	struct pollfd p = { .fd = w->fd, .events = POLLIN };
	short frame[2];

	errno = 0;
	switch (w->kind) {
	case W_DRAIN:
		w->rc = ioctl(w->fd, SNDRV_PCM_IOCTL_DRAIN);
		break;
	case W_CAPTURE_READ:
		xf.buf = frame;
		xf.frames = 1;
		w->rc = ioctl(w->fd, SNDRV_PCM_IOCTL_READI_FRAMES, &xf);
		break;
	case W_CTL_READ:
		w->rc = read(w->fd, &ev, sizeof(ev));
		break;
	case W_CTL_POLL:
		w->rc = poll(&p, 1, -1);
		w->revents = p.revents;
		break;
	default:
		break;
	}
	w->err = errno;
	w->took = now_s();
	__atomic_store_n(&w->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* Whether *@flag is set by the time now_s() passes @deadline. */
static int set_by(int *flag, double deadline)
{
	while (!__atomic_load_n(flag, __ATOMIC_SEQ_CST) && now_s() < deadline)
		usleep(1000);
	return __atomic_load_n(flag, __ATOMIC_SEQ_CST);
}

static const char *wait_name(enum wait_kind kind)
{
	switch (kind) {
	case W_DRAIN:
		return "drain";
	case W_CAPTURE_READ:
		return "capture read";
	case W_CTL_READ:
		return "control read";
	case W_CTL_POLL:
		return "control poll";
	default:
		return "?";
	}
}

/* Callers blocked in the card's methods return at the disconnect. */
TEST_F(dummy, blocked_waits_return)
{
	struct waiter w[W_NR];
	pthread_t th[W_NR];
	struct pcm *pb, *cap;
	char path[64];
	double t0;
	int i, one = 1, st;

	memset(w, 0, sizeof(w));
	/*
	 * snd-dummy's buffer is at most 64 KiB: at 8 kHz mono that is 4 s of
	 * sound, a drain that takes seconds and a capture read that waits as
	 * long before it times out.
	 */
	pb = pcm_setup(self->c.num, 0, 0, 8000, 1, 4000000);
	ASSERT_NE(NULL, pb);
	ASSERT_LT(16000, pcm_write_silence(pb, 32000));
	w[W_DRAIN].fd = pcm_fd(pb);
	/* A capture stream that never starts: a read waits for data. */
	cap = pcm_setup(self->c.num, 1, 0, 8000, 1, 4000000);
	ASSERT_NE(NULL, cap);
	ASSERT_EQ(0, pcm_no_autostart(cap));
	w[W_CAPTURE_READ].fd = pcm_fd(cap);
	/* Control files waiting for events. */
	snprintf(path, sizeof(path), "/dev/snd/controlC%d", self->c.num);
	for (i = W_CTL_READ; i <= W_CTL_POLL; i++) {
		w[i].fd = open(path, O_RDWR);
		ASSERT_LE(0, w[i].fd);
		ASSERT_EQ(0, ioctl(w[i].fd, SNDRV_CTL_IOCTL_SUBSCRIBE_EVENTS, &one));
	}
	for (i = 0; i < W_NR; i++) {
		w[i].kind = i;
		ASSERT_EQ(0, pthread_create(&th[i], NULL, wait_thread, &w[i]));
	}
	usleep(500000);
	for (i = 0; i < W_NR; i++) {
		const char *name = wait_name(i);

		EXPECT_EQ(0, w[i].done)
			TH_LOG("%s did not block: returned %ld (%s)", name, w[i].rc,
			       strerror(w[i].err));
	}
	ASSERT_EQ(0, w[0].done + w[1].done + w[2].done + w[3].done);

	t0 = now_s();
	self->unbinder = unbind_async(&self->c);
	ASSERT_LT(0, self->unbinder);
	for (i = 0; i < W_NR; i++) {
		ASSERT_EQ(1, set_by(&w[i].done, t0 + BACK_S))
			TH_LOG("%s still blocked %.1f s after the disconnect",
			       wait_name(i), BACK_S);
		pthread_join(th[i], NULL);
		TH_LOG("%s returned %ld (%s) after %.3f s", wait_name(i), w[i].rc,
		       strerror(w[i].err), w[i].took - t0);
	}
	/* Drained early, not played out: well under the 2 s of sound left. */
	EXPECT_LT(w[W_DRAIN].took - t0, 1.5);
	EXPECT_EQ(-1, w[W_DRAIN].rc);
	EXPECT_EQ(ENODEV, w[W_DRAIN].err);
	/* The capture read sees the stream's state: "bad state". */
	EXPECT_EQ(-1, w[W_CAPTURE_READ].rc);
	EXPECT_EQ(EBADFD, w[W_CAPTURE_READ].err);
	EXPECT_EQ(-1, w[W_CTL_READ].rc);
	EXPECT_EQ(ENODEV, w[W_CTL_READ].err);
	EXPECT_EQ(1, w[W_CTL_POLL].rc);
	EXPECT_EQ(POLLERR, w[W_CTL_POLL].revents);

	pcm_close(pb);
	pcm_close(cap);
	close(w[W_CTL_READ].fd);
	close(w[W_CTL_POLL].fd);
	close(self->ctl);
	self->ctl = -1;
	st = wait_for(self->unbinder, 20);
	self->unbinder = 0;
	ASSERT_NE(-1, st) TH_LOG("the unbind did not finish after every file was closed");
}

/* A blocking read of @w->fd, big enough for a timer event. */
static void *reader(void *arg)
{
	struct waiter *w = arg;
	char buf[64];

	errno = 0;
	w->rc = read(w->fd, buf, sizeof(buf));
	w->err = errno;
	__atomic_store_n(&w->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/*
 * The card's timers (e.g. the PCM timers) through /dev/snd/timer, one
 * instance polled and one with a blocking read waiting for an event.
 */
TEST_F(dummy, card_timer)
{
	struct snd_timer_select sel;
	struct snd_timer_id id;
	struct snd_timer_info info;
	struct waiter w = {};
	struct pollfd p;
	char rbuf[64];
	int t, found = 0, st;
	double start, end;
	pthread_t th;
	ssize_t n;

	t = open("/dev/snd/timer", O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, t);
	memset(&id, 0, sizeof(id));
	id.dev_class = -1;
	for (;;) {
		ASSERT_EQ(0, ioctl(t, SNDRV_TIMER_IOCTL_NEXT_DEVICE, &id));
		if (id.dev_class < 0)
			break;
		if (id.card == self->c.num) {
			found = 1;
			break;
		}
	}
	if (!found) {
		close(t);
		SKIP(return, "card %d has no timer", self->c.num);
	}
	memset(&sel, 0, sizeof(sel));
	sel.id = id;
	ASSERT_EQ(0, ioctl(t, SNDRV_TIMER_IOCTL_SELECT, &sel));
	ASSERT_EQ(0, ioctl(t, SNDRV_TIMER_IOCTL_INFO, &info));
	EXPECT_EQ(self->c.num, info.card);
	/* A second instance of the timer, never started: a read waits. */
	w.fd = open("/dev/snd/timer", O_RDONLY);
	ASSERT_LE(0, w.fd);
	ASSERT_EQ(0, ioctl(w.fd, SNDRV_TIMER_IOCTL_SELECT, &sel));
	ASSERT_EQ(0, pthread_create(&th, NULL, reader, &w));
	usleep(300000);
	ASSERT_EQ(0, __atomic_load_n(&w.done, __ATOMIC_SEQ_CST))
		TH_LOG("the timer read did not block: %ld (%s)", w.rc,
		       strerror(w.err));

	start = now_s();
	self->unbinder = unbind_async(&self->c);
	ASSERT_LT(0, self->unbinder);
	ASSERT_EQ(0, wait_disconnected(self->ctl, 10));

	/* The blocked read ends when the timer is disconnected. */
	ASSERT_EQ(1, set_by(&w.done, start + BACK_S))
		TH_LOG("the timer read still blocks %.1f s after the disconnect began",
		       BACK_S);
	pthread_join(th, NULL);
	TH_LOG("the timer read was back after %.3f s", now_s() - start);
	EXPECT_EQ(-1, w.rc);
	EXPECT_EQ(ENODEV, w.err);
	EXPECT_EQ(0, close(w.fd));

	/*
	 * /dev/snd/timer is not a file of the card, so it is not cut off;
	 * the timer instance is disconnected instead, a little after the
	 * card's files are: starting it fails at once, and poll() reports
	 * POLLERR once the timer device itself is disconnected.
	 */
	errno = 0;
	EXPECT_EQ(-1, ioctl(t, SNDRV_TIMER_IOCTL_START));
	EXPECT_EQ(ENODEV, errno);
	p.fd = t;
	p.events = POLLIN;
	end = now_s() + 10;
	while (poll(&p, 1, 0) == 0 && now_s() < end)
		usleep(5000);
	EXPECT_EQ(POLLERR, p.revents);
	/* A non-blocking read finds no event. */
	errno = 0;
	n = read(t, rbuf, sizeof(rbuf));
	EXPECT_EQ(-1, n);
	EXPECT_EQ(EAGAIN, errno);
	/* The file itself still answers. */
	EXPECT_EQ(0, ioctl(t, SNDRV_TIMER_IOCTL_INFO, &info));
	EXPECT_EQ(0, close(t));

	close(self->ctl);
	self->ctl = -1;
	st = wait_for(self->unbinder, 20);
	self->unbinder = 0;
	ASSERT_NE(-1, st);
}

/* rawmidi (and the sequencer beside it) on snd-virmidi. */
FIXTURE(virmidi) {
	struct card c;
	pid_t unbinder;
};

FIXTURE_SETUP(virmidi)
{
	self->unbinder = 0;
	if (find_card_bound("VirMIDI", "snd_virmidi", &self->c))
		SKIP(return, "no snd-virmidi card");
}

FIXTURE_TEARDOWN(virmidi)
{
	struct card again;

	if (self->unbinder > 0)
		wait_for(self->unbinder, 20);
	if (find_card("VirMIDI", &again))
		EXPECT_EQ(0, rebind(&self->c, "VirMIDI"));
}

/*
 * Unbind the card under a read blocked on the rawmidi file @midi: the read
 * returns ENODEV, and @midi is cut off. @ctl tells when the card is gone.
 */
static void disconnect_under_read(struct __test_metadata *_metadata,
				  const struct card *c, pid_t *unbinder,
				  int ctl, int midi)
{
	struct waiter w = { .fd = midi };
	struct snd_obs o;
	pthread_t th;
	double end;

	ASSERT_EQ(0, pthread_create(&th, NULL, reader, &w));
	usleep(300000);
	ASSERT_EQ(0, w.done) TH_LOG("the rawmidi read did not block");

	end = now_s() + BACK_S;
	*unbinder = unbind_async(c);
	ASSERT_LT(0, *unbinder);
	ASSERT_EQ(1, set_by(&w.done, end))
		TH_LOG("the rawmidi read still blocks %.1f s after the disconnect began",
		       BACK_S);
	TH_LOG("the rawmidi read was back after %.3f s",
	       now_s() - (end - BACK_S));
	ASSERT_EQ(0, wait_disconnected(ctl, 10));
	pthread_join(th, NULL);
	EXPECT_EQ(-1, w.rc);
	EXPECT_EQ(ENODEV, w.err);

	observe(midi, SNDRV_RAWMIDI_IOCTL_PVERSION, &o);
	ASSERT_DISCONNECTED(&o, ENODEV, ENODEV);
}

TEST_F(virmidi, rawmidi_and_seq)
{
	char path[64];
	int ctl, midi, seq, v, st;

	snprintf(path, sizeof(path), "/dev/snd/controlC%d", self->c.num);
	ctl = open(path, O_RDWR);
	ASSERT_LE(0, ctl);
	snprintf(path, sizeof(path), "/dev/snd/midiC%dD0", self->c.num);
	midi = open(path, O_RDWR);
	ASSERT_LE(0, midi);
	seq = open("/dev/snd/seq", O_RDWR);
	ASSERT_LE(0, seq);

	disconnect_under_read(_metadata, &self->c, &self->unbinder, ctl, midi);
	/* The sequencer is not a file of the card: it keeps working. */
	EXPECT_EQ(0, ioctl(seq, SNDRV_SEQ_IOCTL_PVERSION, &v));

	EXPECT_EQ(0, close(midi));
	EXPECT_EQ(0, close(ctl));
	st = wait_for(self->unbinder, 20);
	self->unbinder = 0;
	ASSERT_NE(-1, st) TH_LOG("the unbind did not finish after every file was closed");
	EXPECT_EQ(0, ioctl(seq, SNDRV_SEQ_IOCTL_PVERSION, &v));
	EXPECT_EQ(0, close(seq));
}

/*
 * The OSS device of the same rawmidi (/dev/midiN), which soundcore opens
 * without snd_open(): cut off at the disconnect like the ALSA one.
 */
TEST_F(virmidi, oss_rawmidi)
{
	char path[64];
	int ctl, midi, st;

	if (self->c.num)
		snprintf(path, sizeof(path), "/dev/midi%d", self->c.num);
	else
		snprintf(path, sizeof(path), "/dev/midi");
	midi = open(path, O_RDWR);
	if (midi < 0 && errno == ENOENT)
		SKIP(return, "no OSS emulation: %s", path);
	ASSERT_LE(0, midi) TH_LOG("%s: %s", path, strerror(errno));
	snprintf(path, sizeof(path), "/dev/snd/controlC%d", self->c.num);
	ctl = open(path, O_RDWR);
	ASSERT_LE(0, ctl);

	disconnect_under_read(_metadata, &self->c, &self->unbinder, ctl, midi);

	EXPECT_EQ(0, close(midi));
	EXPECT_EQ(0, close(ctl));
	st = wait_for(self->unbinder, 20);
	self->unbinder = 0;
	ASSERT_NE(-1, st) TH_LOG("the unbind did not finish after every file was closed");
}

TEST_HARNESS_MAIN

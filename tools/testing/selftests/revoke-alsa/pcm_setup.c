// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <alsa/asoundlib.h>
#include "pcm_setup.h"

struct pcm {
	snd_pcm_t *pcm;
};

struct pcm *pcm_setup(int card, int capture, int mmap, unsigned int rate,
		      unsigned int channels, unsigned int buffer_us)
{
	struct pcm *p = calloc(1, sizeof(*p));
	char name[32];

	if (!p)
		return NULL;
	snprintf(name, sizeof(name), "hw:%d,0", card);
	if (snd_pcm_open(&p->pcm, name, capture ? SND_PCM_STREAM_CAPTURE :
			 SND_PCM_STREAM_PLAYBACK, 0) < 0)
		goto fail;
	if (snd_pcm_set_params(p->pcm, SND_PCM_FORMAT_S16_LE,
			       mmap ? SND_PCM_ACCESS_MMAP_INTERLEAVED :
			       SND_PCM_ACCESS_RW_INTERLEAVED,
			       channels, rate, 0, buffer_us) < 0) {
		snd_pcm_close(p->pcm);
		goto fail;
	}
	return p;
fail:
	free(p);
	return NULL;
}

int pcm_fd(struct pcm *p)
{
	struct pollfd pfd;

	if (snd_pcm_poll_descriptors(p->pcm, &pfd, 1) != 1)
		return -1;
	return pfd.fd;
}

long pcm_write_silence(struct pcm *p, long frames)
{
	short *buf = calloc(frames, 8);
	long n;

	if (!buf)
		return -ENOMEM;
	snd_pcm_nonblock(p->pcm, 1);
	n = snd_pcm_writei(p->pcm, buf, frames);
	snd_pcm_nonblock(p->pcm, 0);
	free(buf);
	return n;
}

int pcm_start(struct pcm *p)
{
	return snd_pcm_start(p->pcm);
}

int pcm_no_autostart(struct pcm *p)
{
	snd_pcm_sw_params_t *sw;
	snd_pcm_uframes_t boundary;
	int err;

	snd_pcm_sw_params_alloca(&sw);
	err = snd_pcm_sw_params_current(p->pcm, sw);
	if (!err)
		err = snd_pcm_sw_params_get_boundary(sw, &boundary);
	if (!err)
		err = snd_pcm_sw_params_set_start_threshold(p->pcm, sw, boundary);
	if (!err)
		err = snd_pcm_sw_params(p->pcm, sw);
	return err;
}

void pcm_close(struct pcm *p)
{
	snd_pcm_close(p->pcm);
	free(p);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCM set-up through alsa-lib, as real clients do it, kept apart from the
 * tests so that they can use the kernel's own <sound/asound.h>.
 */
#ifndef REVOKE_PCM_SETUP_H
#define REVOKE_PCM_SETUP_H

struct pcm;

/*
 * Open hw:CARD,0, S16_LE at @rate Hz with @channels, a buffer of about
 * @buffer_us; @mmap: mmap access.  NULL on error.
 */
struct pcm *pcm_setup(int card, int capture, int mmap, unsigned int rate,
		      unsigned int channels, unsigned int buffer_us);
/* The file descriptor behind it. */
int pcm_fd(struct pcm *p);
/* Write @frames frames of silence without blocking; frames written or -errno. */
long pcm_write_silence(struct pcm *p, long frames);
int pcm_start(struct pcm *p);
/* Never start the stream by itself (start threshold = boundary). */
int pcm_no_autostart(struct pcm *p);
void pcm_close(struct pcm *p);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scheduler state of a thread of this process, to check that a call
 * a test expects to block is asleep in the kernel.
 */
#ifndef REVOKE_THREAD_STATE_H
#define REVOKE_THREAD_STATE_H

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/* The state letter of thread @tid of this process, as ps(1) shows it. */
static inline char thread_state(pid_t tid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return '?';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

#endif /* REVOKE_THREAD_STATE_H */

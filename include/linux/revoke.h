/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Revoking open files: cut the files of an object off from it.
 *
 * See Documentation/filesystems/revoke.rst.
 */
#ifndef _LINUX_REVOKE_H
#define _LINUX_REVOKE_H

#include <linux/completion.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/lockdep_types.h>
#include <linux/mutex.h>
#include <linux/percpu-refcount.h>
#include <linux/spinlock.h>

struct revokable;
struct vm_area_struct;

/**
 * enum revoke_mmap - what becomes of a mapping of a revoked file
 * @REVOKE_MMAP_SIGBUS: truncate semantics: the PTEs go, the vma stays, and
 *	an access faults with SIGBUS. The default.
 * @REVOKE_MMAP_DUMMY: the PTEs go, the vma stays, and an access maps a
 *	zero-filled page of the file's own, writable if the mapping is, so
 *	that a program writing into a mapped buffer carries on until its
 *	next system call on the file reports the revoke.
 * @REVOKE_MMAP_KEEP: not revoked at all: the mapping keeps its PTEs and
 *	its operations. Only for memory that belongs to the open file rather
 *	than to the object and lives until the file's ->release().
 */
enum revoke_mmap {
	REVOKE_MMAP_SIGBUS,
	REVOKE_MMAP_DUMMY,
	REVOKE_MMAP_KEEP,
};

/**
 * struct revokable_ops - what a subsystem tells revoke about its object
 * @kick: called by revoke_it() once no new method call can start; must end
 *	every indefinite wait a method of the object's files can sleep in
 *	(wake the wait queues; the waits test revoke_in_progress()). May be
 *	%NULL if no method ever sleeps indefinitely.
 * @mmap_policy: which &enum revoke_mmap a mapping of a revoked file gets;
 *	called by revoke_it() with the mmap lock of @vma->vm_mm or the
 *	i_mmap lock of @file held, so it may only look at @vma->vm_ops,
 *	@vma->vm_pgoff and @vma->vm_flags, and must not sleep. %NULL means
 *	%REVOKE_MMAP_SIGBUS for every mapping.
 * @revoked_fops: the operations a revoked file gets. Never %NULL; see
 *	revoked_file_operations for a generic set. Their ->open and ->release
 *	are never called: a revoked file still runs its own ->release, once,
 *	at its last close.
 */
struct revokable_ops {
	void (*kick)(struct revokable *r);
	enum revoke_mmap (*mmap_policy)(struct file *file,
					const struct vm_area_struct *vma);
	const struct file_operations *revoked_fops;
};

/**
 * struct revokable - an object whose open files can be revoked
 * @users: method calls in flight on the files, per-CPU while live
 * @lock: protects @files and @state
 * @files: the &struct revoke of every live file
 * @state: %REVOKABLE_LIVE, %REVOKABLE_REVOKING or %REVOKABLE_DEAD
 * @revoke_mutex: serialises revoke_it() callers
 * @drained: completed when @users drops to zero after a kill
 * @ops: the subsystem's &struct revokable_ops
 * @revokes: how many times the object has been revoked
 * @dep_map: lockdep map; method calls hold it for read, revoke_it() for write
 *
 * Embedded in the object behind the files (a tty, a sound card). Set up with
 * revokable_init() and torn down with revokable_exit().
 */
struct revokable {
	struct percpu_ref users;
	spinlock_t lock;		/* protects files and state */
	struct list_head files;
	unsigned int state;
	struct mutex revoke_mutex;	/* one revoke at a time */
	struct completion drained;
	const struct revokable_ops *ops;
	unsigned long revokes;
#ifdef CONFIG_LOCKDEP
	struct lockdep_map dep_map;
#endif
};

enum {
	REVOKABLE_LIVE,
	REVOKABLE_REVOKING,
	REVOKABLE_DEAD,
};

/**
 * struct revoke - the revoke state of one open file
 * @r: the object; only valid while the file is not revoked
 * @file: the file
 * @list: entry in @r->files
 * @revoked_fops: operations used once the file is revoked
 * @dummy: the page revoked mappings of the file with %REVOKE_MMAP_DUMMY
 *	map, allocated at their first fault
 * @revoked: set once the file is revoked; never cleared
 */
struct revoke {
	struct revokable *r;
	struct file *file;
	struct list_head list;
	const struct file_operations *revoked_fops;
	struct page *dummy;
	bool revoked;
};

extern const struct file_operations revoked_file_operations;

#ifdef CONFIG_REVOKE

int __revokable_init(struct revokable *r, const struct revokable_ops *ops,
		     const char *name, struct lock_class_key *key);

/**
 * revokable_init - set up a revokable object
 * @r: the object's &struct revokable
 * @ops: its &struct revokable_ops
 *
 * Allocates the per-CPU counter. Every object set up with the same call site
 * shares one lockdep class.
 *
 * Return: 0 or -ENOMEM.
 */
#define revokable_init(r, ops)						\
({									\
	static struct lock_class_key __revokable_key;			\
									\
	__revokable_init((r), (ops), #r, &__revokable_key);		\
})

void revokable_exit(struct revokable *r);
int make_revokable(struct file *file, struct revokable *r);
void revoke_it(struct revokable *r);
void revoke_self(struct file *file);
void revokable_kill(struct revokable *r);
void revoke_file_release(struct file *file);

/**
 * revoke_in_progress - should waits in methods of @r's files end now?
 * @r: the object
 *
 * For the wait conditions of methods: true from the moment revoke_it()
 * stops new callers until every caller has left.
 */
static inline bool revoke_in_progress(const struct revokable *r)
{
	return READ_ONCE(r->state) != REVOKABLE_LIVE;
}

/**
 * file_revoked - has @file been revoked?
 * @file: the file
 */
static inline bool file_revoked(const struct file *file)
{
	return (file->f_mode & FMODE_REVOKABLE) &&
		READ_ONCE(file->f_revoke->revoked);
}

#else /* !CONFIG_REVOKE */

static inline void revoke_file_release(struct file *file)
{
}

static inline bool file_revoked(const struct file *file)
{
	return false;
}

#endif /* CONFIG_REVOKE */

#endif /* _LINUX_REVOKE_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Revoking open files: cut the files of an object off from it.
 *
 * See Documentation/filesystems/revoke.rst.
 */
#ifndef _LINUX_REVOKE_H
#define _LINUX_REVOKE_H

#include <linux/fs.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/wait.h>

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
 * struct revokable_count - one CPU's count of method calls on an object
 * @enters: calls that entered on this CPU
 * @leaves: calls that left on this CPU
 *
 * A call may leave on another CPU than the one it entered on; only the sums
 * over all CPUs mean anything. They only grow, so that revoke can read
 * them while they change (see revokable_idle()).
 */
struct revokable_count {
	unsigned long enters;
	unsigned long leaves;
};

/**
 * struct revokable - an object whose open files can be revoked
 * @users: method calls in flight on the files, counted per CPU
 * @lock: protects @files, @nr_files and @state
 * @files: the &struct revoke of every live file
 * @nr_files: files attached by make_revokable() and not released yet,
 *	revoked or not
 * @state: %REVOKABLE_LIVE, %REVOKABLE_REVOKING or %REVOKABLE_DEAD
 * @revoke_mutex: serialises revoke_it() callers
 * @drained: where revoke_it() waits for the calls in flight to leave
 * @ops: the subsystem's &struct revokable_ops
 * @revokes: how many revokes of the object have completed; changed under
 *	@lock, may be read without it
 * @dep_map: lockdep map; method calls hold it for read, revoke_it() for write
 *
 * Embedded in the object behind the files (a tty, a sound card). Set up with
 * revokable_init() and torn down with revokable_exit().
 */
struct revokable {
	struct revokable_count __percpu *users;
	spinlock_t lock;		/* protects files, nr_files, state */
	struct list_head files;
	unsigned int nr_files;
	unsigned int state;
	struct mutex revoke_mutex;	/* one revoke at a time */
	wait_queue_head_t drained;
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
 * @users: @r->users, for the method calls on the file
 * @revoked: 0 while the file is live; once it is revoked, never 0 again:
 *	it tells which revoke of @r marked it or, once revoke_self() counted
 *	its caller's call again, the next one (revoke_stamp() in fs/revoke.c)
 * @r: the object, which make_revokable() requires to live until the
 *	file's ->release()
 * @file: the file
 * @list: entry in @r->files
 * @revoked_fops: operations used once the file is revoked
 * @dummy: the page revoked mappings of the file with %REVOKE_MMAP_DUMMY
 *	map, allocated at their first fault
 *
 * On its fast path a method call reads @users and @revoked only (and @r
 * with lockdep), and writes neither.
 */
struct revoke {
	struct revokable_count __percpu *users;
	unsigned int revoked;
	struct revokable *r;
	struct file *file;
	struct list_head list;
	const struct file_operations *revoked_fops;
	struct page *dummy;
};

extern const struct file_operations revoked_file_operations;

/**
 * revokable_revokes - how many revokes of an object have completed
 * @r: the object
 *
 * Return: the count, which only grows: for revoke_it_since(), and for
 * code that tells whether a revoke ran since it last looked.
 */
static inline unsigned long revokable_revokes(const struct revokable *r)
{
	return READ_ONCE(r->revokes);
}

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
 * Return: 0; -EINVAL if @ops or its revoked_fops is missing; -ENOMEM.
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
void revoke_it_since(struct revokable *r, unsigned long seen);
void revoke_self(struct file *file);
void revokable_kill(struct revokable *r);
void revoke_file_release(struct file *file);

void __revokable_wake(struct revokable *r);

/*
 * Counting method calls without a shared cache line.
 *
 * A call counts itself in its CPU's @enters, then looks whether its file
 * is marked revoked; it leaves by counting in @leaves, then looks at the
 * mark again. revoke_it() marks every file of the object, then sums the
 * counts. A full barrier on both sides between the write and the read
 * makes sure that a call which did not see the mark is seen by the sum,
 * and that a call which leaves unseen by a sum sees the mark and wakes the
 * revoke (store buffering: each side sees the other or is seen by it). A
 * full barrier before the count of a leave, paired with one after the
 * sums, makes everything the call did visible to the revoke once it sees
 * the call gone, so the object may free what the call used (as in SRCU's
 * read unlock). No grace period is involved: a revoke with no call in
 * flight costs a walk of the possible CPUs.
 *
 * A method call reads its file's &struct revoke only: the counters' per-CPU
 * address and the mark are in the same cache line.
 */
static __always_inline void
revokable_count_enter(struct revokable_count __percpu *users)
{
	this_cpu_inc(users->enters);
	/* Pairs with the barrier after the files are marked in revoke_it(). */
	smp_mb();
}

static __always_inline void
revokable_count_leave(struct revokable_count __percpu *users)
{
	/*
	 * The call's own accesses to the object come before its leave is
	 * counted. Pairs with the barrier after the sums in revoke_it().
	 */
	smp_mb();
	this_cpu_inc(users->leaves);
	/* Pairs with the barrier after the files are marked in revoke_it(). */
	smp_mb();
}

/*
 * Method calls hold the lockdep map of their object like a recursive read
 * lock, revoke_it() holds it like a write lock around its wait.
 */
static __always_inline void revoke_dep_read_acquire(struct revokable *r)
{
#ifdef CONFIG_LOCKDEP
	lock_map_acquire_read(&r->dep_map);
#endif
}

static __always_inline void revoke_dep_release(struct revokable *r)
{
#ifdef CONFIG_LOCKDEP
	lock_map_release(&r->dep_map);
#endif
}

void __revoke_enter_revoked(struct revoke *rev);

/**
 * file_revoke - the &struct revoke of a revokable file
 * @file: a file with %FMODE_REVOKABLE
 *
 * Return: @file->f_revoke; %NULL without %CONFIG_REVOKE.
 */
static __always_inline struct revoke *file_revoke(const struct file *file)
{
	return file->f_revoke;
}

/**
 * revoke_enter - count a method call on a revokable file
 * @rev: the file's &struct revoke
 *
 * For the hot callers of the VFS, which keep @rev at hand until
 * revoke_leave() and call the revoked operations out of line; everything
 * else uses start_using() or revoke_start_using().
 *
 * Return: true if the call is counted and may use the file's own
 * operations; false if the file is revoked, nothing is counted and the
 * call must use @rev->revoked_fops instead.
 */
static __always_inline bool revoke_enter(struct revoke *rev)
{
	/*
	 * A revoked file stays revoked, and its calls are not counted: a
	 * program that ignores EOF and POLLHUP and calls again at once, on
	 * every CPU, must not keep the sums of a later revoke of the object
	 * from ever adding up.
	 */
	if (unlikely(READ_ONCE(rev->revoked)))
		return false;
	revokable_count_enter(rev->users);
	/*
	 * Checked again once counted. revoke_it() marks every file of the
	 * object before its barrier and its sums: either this call sees the
	 * mark, or the sums see the call and the revoke waits for it (store
	 * buffering, see above). That holds for a revoke that completed
	 * meanwhile as well as for one in progress.
	 */
	if (unlikely(READ_ONCE(rev->revoked))) {
		__revoke_enter_revoked(rev);
		return false;
	}
	revoke_dep_read_acquire(rev->r);
	return true;
}

/**
 * revoke_leave - end a method call counted by revoke_enter()
 * @rev: the file's &struct revoke
 */
static __always_inline void revoke_leave(struct revoke *rev)
{
	revoke_dep_release(rev->r);
	revokable_count_leave(rev->users);
	/*
	 * A revoke that marked the file before this leave was counted may
	 * have missed it in its sums and be waiting (store buffering, see
	 * above): wake it.
	 */
	if (unlikely(READ_ONCE(rev->revoked)))
		__revokable_wake(rev->r);
}

/**
 * revoke_start_using - start_using() of a file known to be revokable
 * @file: a file with %FMODE_REVOKABLE
 *
 * Return: @file->f_op with the call counted, or the revoked operations
 * with nothing counted.
 */
static __always_inline const struct file_operations *
revoke_start_using(struct file *file)
{
	struct revoke *rev = file->f_revoke;

	if (unlikely(!revoke_enter(rev)))
		return rev->revoked_fops;
	return file->f_op;
}

/**
 * revoke_stop_using - stop_using() of a file known to be revokable
 * @file: a file with %FMODE_REVOKABLE
 * @fop: what revoke_start_using() returned
 */
static __always_inline void revoke_stop_using(struct file *file,
					      const struct file_operations *fop)
{
	if (fop == file->f_op)
		revoke_leave(file->f_revoke);
}

/**
 * revoke_in_progress - should waits in methods of @r's files end now?
 * @r: the object
 *
 * For the wait conditions of methods: true from the moment revoke_it()
 * stops new callers until it returns, and for good after
 * revokable_kill().
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

static inline struct revoke *file_revoke(const struct file *file)
{
	return NULL;
}

static inline bool revoke_enter(struct revoke *rev)
{
	return true;
}

static inline void revoke_leave(struct revoke *rev)
{
}

static inline const struct file_operations *
revoke_start_using(struct file *file)
{
	return file->f_op;
}

static inline void revoke_stop_using(struct file *file,
				     const struct file_operations *fop)
{
}

static inline void revoke_file_release(struct file *file)
{
}

static inline bool file_revoked(const struct file *file)
{
	return false;
}

#endif /* CONFIG_REVOKE */

#endif /* _LINUX_REVOKE_H */

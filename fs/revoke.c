// SPDX-License-Identifier: GPL-2.0
/*
 * Revoking open files.
 *
 * An object that can go away under its open files (a tty that is hung up,
 * a sound card that is unplugged) embeds a struct revokable. Each of its
 * files gets a struct revoke at the end of ->open(). The VFS brackets every
 * file method call with start_using()/stop_using(); revoke_it() stops new
 * calls, kicks the sleeping ones, waits for the calls in flight and from
 * then on sends every call on those files to the revoked operations.
 *
 * See Documentation/filesystems/revoke.rst.
 */

#include <linux/export.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/pfn_t.h>
#include <linux/poll.h>
#include <linux/revoke.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "internal.h"

/**
 * __revokable_wake - wake revoke_it() waiting for the calls to leave
 * @r: the object
 *
 * For revoke_leave() and __revoke_enter_revoked(), when a call leaves a
 * file that is marked revoked: a revoke may be waiting for it.
 */
void __revokable_wake(struct revokable *r)
{
	/*
	 * The barrier after the count in revokable_count_leave() orders it
	 * before this test, as prepare_to_wait_event() orders the waiter on
	 * the queue before its sums: a call that leaves while no revoke waits
	 * (one that ends after the revoke's last sum) takes no lock here.
	 */
	if (waitqueue_active(&r->drained))
		wake_up(&r->drained);
}
EXPORT_SYMBOL(__revokable_wake);

/* The calls counted on @r so far, entered or left, over all CPUs. */
static unsigned long revokable_sum(struct revokable *r, bool leaves)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct revokable_count *c = per_cpu_ptr(r->users, cpu);

		sum += leaves ? READ_ONCE(c->leaves) : READ_ONCE(c->enters);
	}
	return sum;
}

/*
 * Has every call that entered left? Called once the files are marked,
 * which stops new calls. The leaves are summed first: a leave that is
 * counted has its enter, which came before it, counted by the second sum,
 * so a call that is still in flight makes the sums differ even if it moved
 * to another CPU.
 */
static bool revokable_idle(struct revokable *r)
{
	unsigned long leaves = revokable_sum(r, true);

	/* Pairs with the barrier in revokable_count_enter(). */
	smp_mb();
	return revokable_sum(r, false) == leaves;
}

/*
 * revoke_it() holds the lockdep map like a write lock around its wait, the
 * method calls hold it like a recursive read lock (revoke.h), so that
 * revoking while holding a lock some method takes is reported instead of
 * hanging.
 */
static inline void revoke_dep_acquire(struct revokable *r)
{
#ifdef CONFIG_LOCKDEP
	lock_map_acquire(&r->dep_map);
#endif
}

/**
 * __revokable_init - set up a revokable object; use revokable_init()
 * @r: the object's &struct revokable
 * @ops: its &struct revokable_ops; @ops->revoked_fops must be set
 * @name: lockdep name of the object
 * @key: lockdep class of the object
 *
 * Return: 0, -EINVAL for missing @ops, or -ENOMEM.
 */
int __revokable_init(struct revokable *r, const struct revokable_ops *ops,
		     const char *name, struct lock_class_key *key)
{
	if (WARN_ON(!ops || !ops->revoked_fops))
		return -EINVAL;
	r->users = alloc_percpu(struct revokable_count);
	if (!r->users)
		return -ENOMEM;
	spin_lock_init(&r->lock);
	INIT_LIST_HEAD(&r->files);
	r->nr_files = 0;
	r->state = REVOKABLE_LIVE;
	mutex_init(&r->revoke_mutex);
	init_waitqueue_head(&r->drained);
	r->ops = ops;
	r->revokes = 0;
#ifdef CONFIG_LOCKDEP
	lockdep_init_map(&r->dep_map, name, key, 0);
#endif
#ifdef CONFIG_DEBUG_LOCK_ALLOC
	/*
	 * The mutex gets a class per revokable class too, subclass 1 of the
	 * same key: a revoke of one class may run under a lock that methods
	 * of another class take (closing a pty master hangs up its slave).
	 */
	lockdep_init_map_type(&r->revoke_mutex.dep_map, "&r->revoke_mutex",
			      key, 1, LD_WAIT_SLEEP, LD_WAIT_INV,
			      LD_LOCK_NORMAL);
#endif
	return 0;
}
EXPORT_SYMBOL_GPL(__revokable_init);

/**
 * revokable_exit - tear down a revokable object
 * @r: the object
 *
 * Called when the object is freed, after the ->release of its last file,
 * revoked or not: their &struct revoke point to @r until then. A zeroed @r
 * that revokable_init() never set up is left alone.
 */
void revokable_exit(struct revokable *r)
{
	if (!r->ops)
		return;
	WARN_ON_ONCE(r->nr_files);
	free_percpu(r->users);
	r->users = NULL;
}
EXPORT_SYMBOL_GPL(revokable_exit);

/**
 * make_revokable - attach an open file to a revokable object
 * @file: the file being opened
 * @r: the object behind it
 *
 * Called at the end of ->open(), once nothing that can fail is left: from
 * here on a revoke_it() of @r may revoke @file at any moment, even before
 * the open returns to user space. The object must stay alive until the
 * ->release() of @file.
 *
 * Return: 0; -ENODEV if @r is being revoked or is dead, in which case the
 * open must fail; -ENOMEM; -EINVAL (and a warning) if @file is revokable
 * already or has the revoked operations as its own.
 */
int make_revokable(struct file *file, struct revokable *r)
{
	struct revoke *rev;

	if (WARN_ON_ONCE(file->f_mode & FMODE_REVOKABLE) ||
	    WARN_ON_ONCE(file->f_op == r->ops->revoked_fops))
		return -EINVAL;
	rev = kmalloc(sizeof(*rev), GFP_KERNEL);
	if (!rev)
		return -ENOMEM;
	rev->users = r->users;
	rev->revoked = 0;
	rev->r = r;
	rev->file = file;
	rev->revoked_fops = r->ops->revoked_fops;
	rev->dummy = NULL;

	spin_lock(&r->lock);
	if (r->state != REVOKABLE_LIVE) {
		spin_unlock(&r->lock);
		kfree(rev);
		return -ENODEV;
	}
	list_add(&rev->list, &r->files);
	r->nr_files++;
	file->f_revoke = rev;
	file->f_mode |= FMODE_REVOKABLE;
	spin_unlock(&r->lock);
	return 0;
}
EXPORT_SYMBOL_GPL(make_revokable);

/**
 * __revoke_enter_revoked - revoke_enter() of a file marked meanwhile
 * @rev: the file's &struct revoke
 *
 * The call was counted after its file was marked revoked: it does not enter
 * after all. A revoke may be waiting for it.
 */
void __revoke_enter_revoked(struct revoke *rev)
{
	revokable_count_leave(rev->users);
	__revokable_wake(rev->r);
}
EXPORT_SYMBOL(__revoke_enter_revoked);

/**
 * __start_using - slow path of start_using() for revokable files
 * @file: a file with %FMODE_REVOKABLE
 *
 * Return: @file->f_op with a use of the object counted, or the revoked
 * operations with nothing counted.
 */
const struct file_operations *__start_using(struct file *file)
{
	return revoke_start_using(file);
}
EXPORT_SYMBOL(__start_using);

/**
 * __stop_using - slow path of stop_using() for revokable files
 * @file: a file with %FMODE_REVOKABLE
 * @fop: what start_using() returned
 */
void __stop_using(struct file *file, const struct file_operations *fop)
{
	revoke_stop_using(file, fop);
}
EXPORT_SYMBOL(__stop_using);

/**
 * call_read_iter_revokable - call_read_iter() of a revokable file
 * @file: a file with %FMODE_REVOKABLE
 * @kio: the kiocb
 * @iter: the destination
 *
 * Out of line, so that call_read_iter() of other files keeps its tail call.
 *
 * Return: what ->read_iter returned, or -EINVAL if there is none.
 */
ssize_t call_read_iter_revokable(struct file *file, struct kiocb *kio,
				 struct iov_iter *iter)
{
	const struct file_operations *fop = revoke_start_using(file);
	ssize_t ret = -EINVAL;

	if (likely(fop->read_iter))
		ret = fop->read_iter(kio, iter);
	revoke_stop_using(file, fop);
	return ret;
}
EXPORT_SYMBOL(call_read_iter_revokable);

/**
 * call_write_iter_revokable - call_write_iter() of a revokable file
 * @file: a file with %FMODE_REVOKABLE
 * @kio: the kiocb
 * @iter: the source
 *
 * Return: what ->write_iter returned, or -EINVAL if there is none.
 */
ssize_t call_write_iter_revokable(struct file *file, struct kiocb *kio,
				  struct iov_iter *iter)
{
	const struct file_operations *fop = revoke_start_using(file);
	ssize_t ret = -EINVAL;

	if (likely(fop->write_iter))
		ret = fop->write_iter(kio, iter);
	revoke_stop_using(file, fop);
	return ret;
}
EXPORT_SYMBOL(call_write_iter_revokable);

static __always_inline __poll_t vfs_poll_fop(const struct file_operations *fop,
					     struct file *file,
					     struct poll_table_struct *pt)
{
	if (unlikely(!fop->poll))
		return DEFAULT_POLLMASK;
	return fop->poll(file, pt);
}

/**
 * vfs_poll_revokable - vfs_poll() of a revokable file
 * @file: a file with %FMODE_REVOKABLE
 * @pt: the poll table
 *
 * Return: what ->poll returned, or %DEFAULT_POLLMASK if there is none.
 */
__poll_t vfs_poll_revokable(struct file *file, struct poll_table_struct *pt)
{
	struct revoke *rev = file->f_revoke;
	__poll_t mask;

	if (unlikely(!revoke_enter(rev)))
		return vfs_poll_fop(rev->revoked_fops, file, pt);
	mask = vfs_poll_fop(file->f_op, file, pt);
	revoke_leave(rev);
	return mask;
}
EXPORT_SYMBOL(vfs_poll_revokable);

#ifdef CONFIG_MMU
static vm_fault_t revoked_vm_fault_sigbus(struct vm_fault *vmf)
{
	return VM_FAULT_SIGBUS;
}

static struct page *revoke_dummy_page(struct file *file)
{
	struct revoke *rev = file->f_revoke;
	struct page *page = READ_ONCE(rev->dummy);
	struct page *old;

	if (page)
		return page;
	page = alloc_page(GFP_HIGHUSER | __GFP_ZERO);
	if (!page)
		return NULL;
	old = cmpxchg(&rev->dummy, NULL, page);
	if (old) {
		__free_page(page);
		return old;
	}
	return page;
}

static vm_fault_t revoked_vm_fault_dummy(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct page *page = revoke_dummy_page(vma->vm_file);

	if (!page)
		return VM_FAULT_OOM;
	if (vma->vm_flags & VM_PFNMAP) {
		/* A private PFN mapping cannot take a page in. */
		if (is_cow_mapping(vma->vm_flags))
			return VM_FAULT_SIGBUS;
		return vmf_insert_pfn(vma, vmf->address, page_to_pfn(page));
	}
	if (vma->vm_flags & VM_MIXEDMAP)
		return vmf_insert_mixed(vma, vmf->address,
					page_to_pfn_t(page));
	get_page(page);
	vmf->page = page;
	return 0;
}

/*
 * The operations of a revoked mapping. They never call into the object,
 * and have no ->close(): the old one ran when the mapping was revoked.
 */
static const struct vm_operations_struct revoked_vm_ops_sigbus = {
	.fault		= revoked_vm_fault_sigbus,
};

static const struct vm_operations_struct revoked_vm_ops_dummy = {
	.fault		= revoked_vm_fault_dummy,
};

static enum revoke_mmap revoke_vma_policy(struct revokable *r,
					  struct file *file,
					  struct vm_area_struct *vma)
{
	if (vma->vm_file != file || vma->vm_ops == &revoked_vm_ops_sigbus ||
	    vma->vm_ops == &revoked_vm_ops_dummy)
		return REVOKE_MMAP_KEEP;
	if (!r->ops->mmap_policy)
		return REVOKE_MMAP_SIGBUS;
	return r->ops->mmap_policy(file, vma);
}

/*
 * Revoke every mapping of @file, one mm at a time: find a mapping still to
 * revoke in the file's i_mmap tree, then revoke all of them in its mm under
 * the mmap lock. Mappings only multiply (fork, split, mremap) by copying a
 * mapping that is not revoked yet, with the mmap lock of its mm held, so
 * the walk ends once it finds nothing; a copy made before we took a lock is
 * in the tree by the time we have it.
 */
static void revoke_file_mappings(struct revokable *r, struct file *file)
{
	struct address_space *mapping = file->f_mapping;
	struct vm_area_struct *vma;
	struct mm_struct *mm;
	enum revoke_mmap policy;

	for (;;) {
		mm = NULL;
		i_mmap_lock_read(mapping);
		vma_interval_tree_foreach(vma, &mapping->i_mmap, 0, ULONG_MAX) {
			if (revoke_vma_policy(r, file, vma) != REVOKE_MMAP_KEEP) {
				mm = vma->vm_mm;
				mmgrab(mm);
				break;
			}
		}
		i_mmap_unlock_read(mapping);
		if (!mm)
			return;

		mmap_write_lock(mm);
		{
			VMA_ITERATOR(vmi, mm, 0);

			for_each_vma(vmi, vma) {
				/*
				 * A fork that failed half-way left this mark
				 * where its copy stopped; the entries after it
				 * are the parent's vmas, which we do not lock.
				 */
				if (unlikely(xa_is_zero(vma)))
					break;
				policy = revoke_vma_policy(r, file, vma);
				if (policy == REVOKE_MMAP_KEEP)
					continue;
				revoke_vma(vma, policy == REVOKE_MMAP_DUMMY ?
					   &revoked_vm_ops_dummy :
					   &revoked_vm_ops_sigbus);
			}
		}
		mmap_write_unlock(mm);
		mmdrop(mm);
		cond_resched();
	}
}
#else /* !CONFIG_MMU */
static void revoke_file_mappings(struct revokable *r, struct file *file)
{
}
#endif /* CONFIG_MMU */

/*
 * How long a revoke waits for the calls in flight to leave on their own
 * before it interrupts them; longer than any wait a kick ends, or a driver
 * waits for its hardware.
 */
#define REVOKE_GRACE	(3 * HZ)

/*
 * The mark of the files a revoke revokes, from the number of revokes of
 * their object completed before it: never 0, which is a live file's.
 */
static unsigned int revoke_stamp(unsigned long revokes)
{
	return (unsigned int)revokes + 1 ?: 1;
}

/*
 * A file of @p that the revoke under way marked, or whose revoke_self()
 * call was counted again after the last revoke (or was, and has returned
 * since: its holders may be interrupted for nothing). Otherwise a file an
 * earlier revoke marked has no call in flight: that revoke waited for
 * them, and later ones are not counted.
 */
static int revoke_file_of(const void *p, struct file *file, unsigned int fd)
{
	const struct revokable *r = p;
	const struct revoke *rev = file->f_revoke;

	return (file->f_mode & FMODE_REVOKABLE) && rev->r == r &&
	       READ_ONCE(rev->revoked) == revoke_stamp(r->revokes);
}

/*
 * The last resort of a revoke whose calls do not leave: one sleeps where
 * the kick did not reach, on a wait of a driver's own. Interrupt the tasks
 * that have one of the files this revoke marked in their file table, as a
 * signal would, but without one (TIF_NOTIFY_SIGNAL): an interruptible wait
 * ends, the method returns, and a system call restarted after -ERESTARTSYS
 * finds its file revoked. Their other interruptible sleeps end too, and a
 * system call that is not restarted returns -EINTR there. Kernel threads,
 * waits that are not interruptible and calls whose file is in no file
 * table any more (another thread closed it meanwhile) are out of reach:
 * the revoke waits for them, and tries again every grace period, as one
 * may get back into an interruptible wait.
 */
static void revoke_interrupt(struct revokable *r, unsigned int round)
{
	struct task_struct *g, *t;
	bool found;

	if (round == 1)
		pr_notice_ratelimited("revoke: a method call on a file of %ps sleeps where the kick did not reach it, interrupting\n",
				      r->ops);
	else if (round == 2)
		pr_warn_ratelimited("revoke: a method call on a file of %ps did not return when interrupted, still waiting\n",
				    r->ops);
	rcu_read_lock();
	for_each_process_thread(g, t) {
		if (t == current || (t->flags & PF_KTHREAD))
			continue;
		task_lock(t);
		found = t->files && iterate_fd(t->files, 0, revoke_file_of, r);
		task_unlock(t);
		if (found)
			set_notify_signal(t);
	}
	rcu_read_unlock();
}

static void __revoke(struct revokable *r, bool kill, struct file *self,
		     const unsigned long *since)
{
	struct revoke *rev, *tmp;
	unsigned int rounds = 0, stamp;
	LIST_HEAD(mapped);

	might_sleep();
	/* Our own call must not hold up the wait below. */
	if (self)
		revoke_leave(self->f_revoke);

	mutex_lock(&r->revoke_mutex);
	spin_lock(&r->lock);
	/*
	 * A revoke that ran meanwhile revoked our file, or every file our
	 * caller wants revoked: it was ours too.
	 */
	if (r->state == REVOKABLE_DEAD ||
	    (self && file_revoked(self)) ||
	    (since && r->revokes != *since)) {
		spin_unlock(&r->lock);
		goto out;
	}
	/*
	 * 1. No new caller: mark the files and the object. A file without
	 * ->mmap can have no mapping, so it is no longer the object's from
	 * here on; it keeps its struct revoke until its ->release.
	 */
	WRITE_ONCE(r->state, REVOKABLE_REVOKING);
	stamp = revoke_stamp(r->revokes);
	list_for_each_entry_safe(rev, tmp, &r->files, list) {
		WRITE_ONCE(rev->revoked, stamp);
		if (!rev->file->f_op->mmap)
			list_del_init(&rev->list);
	}
	spin_unlock(&r->lock);
	/*
	 * Pairs with the barriers after the counts in revokable_count_enter()
	 * and revokable_count_leave(): a caller that did not see its file
	 * marked, on its way in or out, is in the sums below.
	 */
	smp_mb();

	/* 2. End every indefinite wait of the callers in flight. */
	if (r->ops->kick)
		r->ops->kick(r);

	/* 3. Wait until they have all left. */
	revoke_dep_acquire(r);
	while (!wait_event_timeout(r->drained, revokable_idle(r), REVOKE_GRACE))
		revoke_interrupt(r, ++rounds);
	/*
	 * What the calls did before they left is visible from here on, so
	 * the object may free what they used. Pairs with the barrier before
	 * the count in revokable_count_leave().
	 */
	smp_mb();
	revoke_dep_release(r);

	/*
	 * 4. The other files are no longer the object's either. Those that
	 * are mapped (an mmap in flight has linked its mapping by now) are
	 * kept open for step 5 (a mapping holds its file, so one whose count
	 * already dropped to zero has none).
	 */
	spin_lock(&r->lock);
	list_for_each_entry_safe(rev, tmp, &r->files, list) {
		if (mapping_mapped(rev->file->f_mapping) &&
		    atomic_long_inc_not_zero(&rev->file->f_count))
			list_move(&rev->list, &mapped);
		else
			list_del_init(&rev->list);
	}
	spin_unlock(&r->lock);

	/*
	 * 5. Their mappings: no PTE to the object's memory survives, and no
	 * fault reaches the object any more. A file unmapped and closed
	 * meanwhile is released from a workqueue: our caller may wait for
	 * its ->release() before returning to user space.
	 */
	list_for_each_entry_safe(rev, tmp, &mapped, list) {
		list_del_init(&rev->list);
		revoke_file_mappings(r, rev->file);
		revoke_fput(rev->file);
	}

	spin_lock(&r->lock);
	WRITE_ONCE(r->revokes, r->revokes + 1);
	/* New files may attach again (a hung-up tty can be opened again). */
	WRITE_ONCE(r->state, kill ? REVOKABLE_DEAD : REVOKABLE_LIVE);
	spin_unlock(&r->lock);
out:
	/*
	 * Count our call again before another revoke can start, so that its
	 * wait sees it, and make it one of the calls that revoke may have
	 * to interrupt.
	 */
	if (self) {
		WRITE_ONCE(self->f_revoke->revoked, revoke_stamp(r->revokes));
		revokable_count_enter(r->users);
	}
	mutex_unlock(&r->revoke_mutex);
	if (self)
		revoke_dep_read_acquire(r);
}

/**
 * revoke_it - revoke every open file of an object
 * @r: the object
 *
 * Stops new method calls on the files of @r, calls the kick, waits until
 * every call in flight has left and makes the files revoked: from then on
 * every method call on them goes to the revoked operations. A call still
 * in flight after a grace period of three seconds sleeps where the kick did
 * not reach: the tasks that have one of the files it revokes open are
 * interrupted then, as by a signal, see Documentation/filesystems/revoke.rst.
 * When it returns no method of the old operations runs on those files any
 * more, and the object accepts new files again (a hung-up tty can be
 * opened again). Each file still gets its ->release, once, at its last
 * close.
 *
 * The mappings of the files are revoked too, as @r->ops->mmap_policy
 * says: when it returns no PTE maps the memory behind them, no fault
 * reaches their old vm_operations, whose ->close() has run once per
 * mapping, and the object may free that memory. The exception is a
 * mapping that a concurrent munmap() had already unlinked: its ->close()
 * may come after the return, but before the file's ->release(), and until
 * then its TLB entries may not be flushed yet, so memory mapped by PFN
 * must stay until that ->close(). Memory that get_user_pages() pinned
 * before stays pinned; see Documentation/filesystems/revoke.rst.
 *
 * Must not be called from a method of one of @r's files (use revoke_self())
 * or with a lock held that any method of them may take, nor with an mmap
 * lock held. The caller must hold a reference of its own to the object:
 * the last close of one of its files, and so its ->release(), may happen
 * during the call.
 *
 * Context: process context, may sleep.
 */
void revoke_it(struct revokable *r)
{
	__revoke(r, false, NULL, NULL);
}
EXPORT_SYMBOL_GPL(revoke_it);

/**
 * revoke_it_since - revoke_it(), unless a revoke of the object ran meanwhile
 * @r: the object
 * @seen: revokable_revokes(@r), read once no new file of @r could be
 *	attached any more
 *
 * For a caller that keeps new files away from when it reads @seen until
 * this returns (a tty hangup makes opens wait), and that a method of one
 * of the files may overtake with revoke_self() in the meantime. A revoke
 * of @r that completed since @seen was read revoked every file the caller
 * wants revoked: once a revoke in progress is over, this returns without
 * revoking again, which would wait for that method, still counted and
 * perhaps waiting for the caller in turn.
 *
 * Context: process context, may sleep.
 */
void revoke_it_since(struct revokable *r, unsigned long seen)
{
	__revoke(r, false, NULL, &seen);
}
EXPORT_SYMBOL_GPL(revoke_it_since);

/**
 * revokable_kill - revoke every open file of an object, for good
 * @r: the object
 *
 * Like revoke_it(), but the object stays dead: make_revokable() fails for
 * it from now on. For objects that go away (an unplugged device).
 *
 * Context: process context, may sleep.
 */
void revokable_kill(struct revokable *r)
{
	__revoke(r, true, NULL, NULL);
}
EXPORT_SYMBOL_GPL(revokable_kill);

/**
 * revoke_self - revoke the object of a file from one of its own methods
 * @file: the file whose method is running in the caller
 *
 * revoke_it() of @file's object for a method of @file that was entered
 * through start_using(): the caller's own use does not hold up the wait.
 * Several threads may do this at once. If another revoke of the object
 * revoked @file first, that revoke stands for this one: revoke_self() only
 * waits until it is done. When it returns, @file is revoked and other
 * callers are out, but the caller is still inside its method: it must not
 * touch what the revoke was meant to cut off.
 *
 * Only the caller's own call is taken out of the count: not from ->mmap(),
 * which runs with the mmap lock held and counted a second time until its
 * mapping is linked, nor from a call that holds @file in use twice (the
 * same file passed to both sides of with_files_ops()). The wait would
 * never end; lockdep reports it.
 *
 * Context: process context, inside a method of @file, may sleep.
 */
void revoke_self(struct file *file)
{
	if (WARN_ON_ONCE(!(file->f_mode & FMODE_REVOKABLE)))
		return;
	__revoke(file->f_revoke->r, false, file, NULL);
}
EXPORT_SYMBOL_GPL(revoke_self);

/**
 * revoke_file_release - detach a file from its object at its last close
 * @file: a file with %FMODE_REVOKABLE
 *
 * Called by __fput() before ->release().
 */
void revoke_file_release(struct file *file)
{
	struct revoke *rev = file->f_revoke;
	struct revokable *r = rev->r;

	spin_lock(&r->lock);
	list_del_init(&rev->list);
	r->nr_files--;
	spin_unlock(&r->lock);
	file->f_revoke = NULL;
	file->f_mode &= ~FMODE_REVOKABLE;
	/* The mappings that may map the dummy page went before the file. */
	if (rev->dummy)
		__free_page(rev->dummy);
	kfree(rev);
}

static ssize_t revoked_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	return -ENODEV;
}

static ssize_t revoked_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	return -ENODEV;
}

static __poll_t revoked_poll(struct file *file, struct poll_table_struct *wait)
{
	return EPOLLERR | EPOLLHUP;
}

static long revoked_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	return -ENODEV;
}

static int revoked_mmap(struct file *file, struct vm_area_struct *vma)
{
	return -ENODEV;
}

static loff_t revoked_llseek(struct file *file, loff_t offset, int whence)
{
	return -ENODEV;
}

static int revoked_fsync(struct file *file, loff_t start, loff_t end,
			 int datasync)
{
	return -ENODEV;
}

static int revoked_fasync(int fd, struct file *file, int on)
{
	return -ENODEV;
}

static ssize_t revoked_splice_read(struct file *in, loff_t *ppos,
				   struct pipe_inode_info *pipe, size_t len,
				   unsigned int flags)
{
	return -ENODEV;
}

static ssize_t revoked_splice_write(struct pipe_inode_info *pipe,
				    struct file *out, loff_t *ppos, size_t len,
				    unsigned int flags)
{
	return -ENODEV;
}

/*
 * The generic revoked operations: every method fails with ENODEV, poll
 * reports an error and a hangup.
 */
const struct file_operations revoked_file_operations = {
	.llseek		= revoked_llseek,
	.read_iter	= revoked_read_iter,
	.write_iter	= revoked_write_iter,
	.poll		= revoked_poll,
	.unlocked_ioctl	= revoked_ioctl,
	.compat_ioctl	= revoked_ioctl,
	.mmap		= revoked_mmap,
	.fsync		= revoked_fsync,
	.fasync		= revoked_fasync,
	.splice_read	= revoked_splice_read,
	.splice_write	= revoked_splice_write,
};
EXPORT_SYMBOL_GPL(revoked_file_operations);

#ifdef CONFIG_REVOKE_KUNIT_TEST
#include "tests/revoke_kunit.c"
#endif

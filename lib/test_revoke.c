// SPDX-License-Identifier: GPL-2.0
/*
 * Test driver for the revoke of open files (fs/revoke.c).
 *
 * /dev/test_revoke gives revokable files on a "current object": a
 * kref-counted object with a ring buffer that blocking readers and writers
 * wait on. Every method counts itself in and out of the object and reports
 * a violation when it runs on a file whose revoke has completed.
 *
 * /dev/test_revoke_ctl revokes the current object in one of two styles:
 * hangup (revoke_it(); the object stays current and can be opened again,
 * with a fresh ring buffer) or unplug (a fresh object becomes current, then
 * revokable_kill() of the old one). Either way the ring buffer the revoked
 * files used is freed at the next revoke: a method that still runs on one
 * of them after its revoke returned is counted as a violation, and is a
 * use-after-free KASAN reports once a later revoke freed the ring.
 *
 * Each session also has a few pages the files can map, in two styles: at
 * fault time (page offset 0) or all at ->mmap time with remap_pfn_range()
 * (page offset %TRV_MAP_REMAP). Each file may also map one page of its own
 * (page offset %TRV_MAP_FILE), which stays mapped across a revoke. The
 * pages of a revoked session are kept until the next revoke, for the tests
 * to check that nothing wrote to them after the revoke, and then freed.
 *
 * The tests are in tools/testing/selftests/revoke/.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/ioctl.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pagemap.h>
#include <linux/poll.h>
#include <linux/revoke.h>
#include <linux/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <linux/wait.h>

/*
 * The ioctls. tools/testing/selftests/revoke/test_revoke.h mirrors them:
 * change both together.
 */

/* Stay in the method for *arg milliseconds, deaf to signals and revoke. */
#define TRV_IOC_HOLD		_IOW('R', 1, u32)
/* Sleep until a revoke kicks the object: -EIO then. */
#define TRV_IOC_SLEEP		_IO('R', 2)
/* revoke_self() from inside the method; returns 0. */
#define TRV_IOC_SELF_REVOKE	_IO('R', 3)
/* The id of the file's object (ids count up from 1). */
#define TRV_IOC_OBJ_ID		_IOR('R', 4, u32)
/* What the file's mappings become when it is revoked: TRV_POLICY_*. */
#define TRV_IOC_MAP_POLICY	_IOW('R', 5, u32)
/* The byte the pages of the file's session were filled with (1..255). */
#define TRV_IOC_MAP_GEN		_IOR('R', 6, u32)
/* Sleep until a signal, on a queue the kick does not wake. */
#define TRV_IOC_SLEEP_DEAF	_IO('R', 7)

#define TRV_POLICY_SIGBUS	0
#define TRV_POLICY_DUMMY	1

/* Page offsets of the mmap styles; the fault style is at offset 0. */
#define TRV_MAP_PAGES		4
#define TRV_MAP_REMAP		16
#define TRV_MAP_FILE		32

/*
 * On /dev/test_revoke_ctl. REVOKE and REPLACE return how many threads were
 * inside methods of the object when the revoke returned.
 */
#define TRV_CTL_REVOKE		_IO('R', 16)
#define TRV_CTL_REPLACE		_IO('R', 17)
#define TRV_CTL_STATS		_IOR('R', 18, struct trv_stats)
/* The pages of the session revoked last, kept until the next revoke. */
#define TRV_CTL_OLD_MAP		_IOR('R', 19, struct trv_old_map)

/*
 * vma_opens counts ->mmap() and vm ->open() of the two revokable styles,
 * vma_closes their vm ->close(); late_closes are the closes that ran after
 * the revoke of their file returned (an munmap() that had begun before).
 */
struct trv_stats {
	u32 obj_id;
	u32 opens;
	u32 releases;
	u32 in_method;
	u32 revokes;
	u32 violations;
	u64 total_opens;
	u64 total_releases;
	u64 vma_opens;
	u64 vma_closes;
	u64 late_closes;
	u64 faults;
};

/* uniform: every byte of the pages equals value, the first one. */
struct trv_old_map {
	u32 valid;
	u32 gen;
	u32 value;
	u32 uniform;
};

#define TRV_BUF_SIZE		4096
#define TRV_HOLD_MAX_MS		10000

/* The data a session of the object passes between its files. */
struct trv_ring {
	size_t head;
	size_t len;
	u8 data[TRV_BUF_SIZE];
	struct page *pages[TRV_MAP_PAGES];
	u8 gen;
};

/**
 * struct trv_obj - what the files of /dev/test_revoke are revoked from
 * @kref: held by each file and, while the object is current, by the driver
 * @r: the revokable
 * @id: counts up from 1
 * @lock: protects the contents of the rings
 * @open_lock: protects @ring, @spare and @retired; held by open() from
 *	reading @ring until make_revokable() returned, and by the kick
 * @ring: the ring the files opened now use (%NULL once the object is killed)
 * @spare: a ring the next kick makes @ring, for a hangup-style revoke
 * @retired: the ring the kick replaced; freed at the next revoke
 * @read_wq: readers wait here for data
 * @write_wq: writers wait here for room
 * @hold_wq: TRV_IOC_SLEEP waits here
 * @fasync: the files with O_ASYNC
 * @in_method: threads inside methods of the object's files
 * @opens: successful opens of the object
 * @releases: releases of the object's files
 * @revokes: revokes of the object that returned
 * @fsyncs: calls of ->fsync
 */
struct trv_obj {
	struct kref kref;
	struct revokable r;
	unsigned int id;
	struct mutex lock;		/* the contents of the rings */
	struct mutex open_lock;		/* ring, spare, retired */
	struct trv_ring *ring;
	struct trv_ring *spare;
	struct trv_ring *retired;
	wait_queue_head_t read_wq;
	wait_queue_head_t write_wq;
	wait_queue_head_t hold_wq;
	struct fasync_struct *fasync;
	atomic_t in_method;
	atomic_t opens;
	atomic_t releases;
	atomic_t revokes;
	atomic_t fsyncs;
};

/**
 * struct trv_file - file->private_data of /dev/test_revoke
 * @obj: the object, referenced until ->release
 * @file: the file
 * @ring: the ring of the object's session the file was opened in; freed
 *	at the revoke after the one that revoked the file, so only a method
 *	that should not run any more can touch it afterwards
 * @own: the file's own page for %TRV_MAP_FILE, freed at ->release
 * @revokes_at_open: how many revokes of the object had completed when the
 *	file was attached to it
 * @policy: %TRV_POLICY_SIGBUS or %TRV_POLICY_DUMMY
 */
struct trv_file {
	struct trv_obj *obj;
	struct file *file;
	struct trv_ring *ring;
	struct page *own;
	unsigned long revokes_at_open;
	u32 policy;
};

/* Serialises the ctl operations; an unplug drops it once trv_cur moved on. */
static DEFINE_MUTEX(trv_ctl_mutex);
/* Protects trv_cur; it is only changed under trv_ctl_mutex too. */
static DEFINE_SPINLOCK(trv_cur_lock);
static struct trv_obj *trv_cur;

static atomic_t trv_next_id = ATOMIC_INIT(0);
static atomic_t trv_next_gen = ATOMIC_INIT(0);
static atomic_t trv_violations = ATOMIC_INIT(0);
static atomic64_t trv_total_opens = ATOMIC64_INIT(0);
static atomic64_t trv_total_releases = ATOMIC64_INIT(0);
static atomic64_t trv_vma_opens = ATOMIC64_INIT(0);
static atomic64_t trv_vma_closes = ATOMIC64_INIT(0);
static atomic64_t trv_late_closes = ATOMIC64_INIT(0);
static atomic64_t trv_faults = ATOMIC64_INIT(0);

/* The ring of the session revoked last; see trv_retire(). */
static DEFINE_MUTEX(trv_old_lock);
static struct trv_ring *trv_old;

static void trv_violation(const char *what)
{
	atomic_inc(&trv_violations);
	pr_err_once("%s\n", what);
}

static void trv_ring_free(struct trv_ring *ring)
{
	int i;

	if (!ring)
		return;
	for (i = 0; i < TRV_MAP_PAGES; i++) {
		if (!ring->pages[i])
			continue;
		/* Only pages inserted at fault time are counted as mapped. */
		if (page_mapped(ring->pages[i]))
			trv_violation("a page of a revoked session is still mapped");
		/* A pin (get_user_pages) keeps the page until it is dropped. */
		put_page(ring->pages[i]);
	}
	kfree(ring);
}

static struct trv_ring *trv_ring_alloc(void)
{
	struct trv_ring *ring = kzalloc(sizeof(*ring), GFP_KERNEL);
	int i;

	if (!ring)
		return NULL;
	ring->gen = atomic_inc_return(&trv_next_gen) % 255 + 1;
	for (i = 0; i < TRV_MAP_PAGES; i++) {
		ring->pages[i] = alloc_page(GFP_KERNEL);
		if (!ring->pages[i]) {
			trv_ring_free(ring);
			return NULL;
		}
		memset(page_address(ring->pages[i]), ring->gen, PAGE_SIZE);
	}
	return ring;
}

/*
 * The ring of a revoked session: keep it until the next one comes, so
 * that TRV_CTL_OLD_MAP can show what its pages hold, then free it.
 */
static void trv_retire(struct trv_ring *ring)
{
	struct trv_ring *old;

	mutex_lock(&trv_old_lock);
	old = trv_old;
	trv_old = ring;
	mutex_unlock(&trv_old_lock);
	trv_ring_free(old);
}

static void trv_kick(struct revokable *r)
{
	struct trv_obj *obj = container_of(r, struct trv_obj, r);

	/*
	 * No file can be made revokable from here until the revoke is over:
	 * the files opened after it get the spare ring, the files revoked now
	 * keep the old one, which the revoker frees when the revoke returned.
	 */
	mutex_lock(&obj->open_lock);
	if (obj->spare) {
		obj->retired = obj->ring;
		obj->ring = obj->spare;
		obj->spare = NULL;
	}
	mutex_unlock(&obj->open_lock);

	wake_up_all(&obj->read_wq);
	wake_up_all(&obj->write_wq);
	wake_up_all(&obj->hold_wq);
}

static enum revoke_mmap trv_mmap_policy(struct file *file,
					const struct vm_area_struct *vma);

static const struct revokable_ops trv_revokable_ops = {
	.kick		= trv_kick,
	.mmap_policy	= trv_mmap_policy,
	.revoked_fops	= &revoked_file_operations,
};

static struct trv_obj *trv_obj_create(void)
{
	struct trv_obj *obj;
	int ret;

	obj = kzalloc(sizeof(*obj), GFP_KERNEL);
	if (!obj)
		return ERR_PTR(-ENOMEM);
	obj->ring = trv_ring_alloc();
	if (!obj->ring) {
		ret = -ENOMEM;
		goto free_obj;
	}
	ret = revokable_init(&obj->r, &trv_revokable_ops);
	if (ret)
		goto free_ring;
	kref_init(&obj->kref);
	mutex_init(&obj->lock);
	mutex_init(&obj->open_lock);
	init_waitqueue_head(&obj->read_wq);
	init_waitqueue_head(&obj->write_wq);
	init_waitqueue_head(&obj->hold_wq);
	obj->id = atomic_inc_return(&trv_next_id);
	return obj;

free_ring:
	trv_ring_free(obj->ring);
free_obj:
	kfree(obj);
	return ERR_PTR(ret);
}

static void trv_obj_release(struct kref *kref)
{
	struct trv_obj *obj = container_of(kref, struct trv_obj, kref);

	revokable_exit(&obj->r);
	trv_ring_free(obj->ring);
	trv_ring_free(obj->spare);
	trv_ring_free(obj->retired);
	kfree(obj);
}

static void trv_obj_put(struct trv_obj *obj)
{
	kref_put(&obj->kref, trv_obj_release);
}

static struct trv_obj *trv_get_current(void)
{
	struct trv_obj *obj;

	spin_lock(&trv_cur_lock);
	obj = trv_cur;
	kref_get(&obj->kref);
	spin_unlock(&trv_cur_lock);
	return obj;
}

/*
 * A method must not run on a file once the revoke that cut it off has
 * returned. The file was attached after the first @tf->revokes_at_open
 * revokes of its object had completed, so the next one to complete is the
 * one that revoked it. While we are inside a method, that revoke cannot
 * complete (it waits for us): seeing it completed means it did so before
 * this method entered or while it was still running, a violation, even if
 * a later revoke of the object is in progress by now.
 */
static bool trv_revoke_returned(struct trv_file *tf)
{
	return revokable_revokes(&tf->obj->r) != tf->revokes_at_open;
}

static void trv_check(struct trv_file *tf, const char *what)
{
	if (trv_revoke_returned(tf)) {
		atomic_inc(&trv_violations);
		pr_err_once("%s ran on a file of object %u after its revoke returned\n",
			    what, tf->obj->id);
	}
}

static void trv_enter(struct trv_file *tf, const char *what)
{
	atomic_inc(&tf->obj->in_method);
	trv_check(tf, what);
}

static void trv_leave(struct trv_file *tf, const char *what)
{
	trv_check(tf, what);
	atomic_dec(&tf->obj->in_method);
}

static bool trv_nowait(struct kiocb *iocb)
{
	return (iocb->ki_filp->f_flags & O_NONBLOCK) ||
		(iocb->ki_flags & IOCB_NOWAIT);
}

static ssize_t trv_do_read(struct trv_file *tf, struct iov_iter *to,
			   bool nowait)
{
	struct trv_obj *obj = tf->obj;
	struct trv_ring *ring = tf->ring;
	size_t want = iov_iter_count(to);
	size_t done = 0;
	int ret;

	if (!want)
		return 0;
	for (;;) {
		mutex_lock(&obj->lock);
		if (ring->len)
			break;
		mutex_unlock(&obj->lock);
		if (revoke_in_progress(&obj->r))
			return -EIO;
		if (nowait)
			return -EAGAIN;
		ret = wait_event_interruptible(obj->read_wq,
					       READ_ONCE(ring->len) ||
					       revoke_in_progress(&obj->r));
		if (ret)
			return ret;
	}
	while (ring->len && done < want) {
		size_t contig = TRV_BUF_SIZE - ring->head;
		size_t chunk = min3(ring->len, contig, want - done);
		size_t n = copy_to_iter(ring->data + ring->head, chunk, to);

		ring->head = (ring->head + n) % TRV_BUF_SIZE;
		WRITE_ONCE(ring->len, ring->len - n);
		done += n;
		if (n < chunk)
			break;
	}
	mutex_unlock(&obj->lock);
	if (!done)
		return -EFAULT;
	wake_up_interruptible_poll(&obj->write_wq, EPOLLOUT | EPOLLWRNORM);
	return done;
}

static ssize_t trv_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct trv_file *tf = iocb->ki_filp->private_data;
	ssize_t ret;

	trv_enter(tf, "read_iter");
	ret = trv_do_read(tf, to, trv_nowait(iocb));
	trv_leave(tf, "read_iter");
	return ret;
}

static ssize_t trv_do_write(struct trv_file *tf, struct iov_iter *from,
			    bool nowait)
{
	struct trv_obj *obj = tf->obj;
	struct trv_ring *ring = tf->ring;
	size_t want = iov_iter_count(from);
	size_t done = 0;
	int ret;

	if (!want)
		return 0;
	for (;;) {
		mutex_lock(&obj->lock);
		if (ring->len < TRV_BUF_SIZE)
			break;
		mutex_unlock(&obj->lock);
		if (revoke_in_progress(&obj->r))
			return -EIO;
		if (nowait)
			return -EAGAIN;
		ret = wait_event_interruptible(obj->write_wq,
					       READ_ONCE(ring->len) < TRV_BUF_SIZE ||
					       revoke_in_progress(&obj->r));
		if (ret)
			return ret;
	}
	while (ring->len < TRV_BUF_SIZE && done < want) {
		size_t tail = (ring->head + ring->len) % TRV_BUF_SIZE;
		size_t room = TRV_BUF_SIZE - ring->len;
		size_t contig = TRV_BUF_SIZE - tail;
		size_t chunk = min3(room, contig, want - done);
		size_t n = copy_from_iter(ring->data + tail, chunk, from);

		WRITE_ONCE(ring->len, ring->len + n);
		done += n;
		if (n < chunk)
			break;
	}
	mutex_unlock(&obj->lock);
	if (!done)
		return -EFAULT;
	wake_up_interruptible_poll(&obj->read_wq, EPOLLIN | EPOLLRDNORM);
	kill_fasync(&obj->fasync, SIGIO, POLL_IN);
	return done;
}

static ssize_t trv_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct trv_file *tf = iocb->ki_filp->private_data;
	ssize_t ret;

	trv_enter(tf, "write_iter");
	ret = trv_do_write(tf, from, trv_nowait(iocb));
	trv_leave(tf, "write_iter");
	return ret;
}

static __poll_t trv_poll(struct file *file, poll_table *wait)
{
	struct trv_file *tf = file->private_data;
	struct trv_obj *obj = tf->obj;
	__poll_t mask = 0;
	size_t len;

	trv_enter(tf, "poll");
	poll_wait(file, &obj->read_wq, wait);
	poll_wait(file, &obj->write_wq, wait);
	if (revoke_in_progress(&obj->r)) {
		/* What the revoked operations will say. */
		mask = EPOLLERR | EPOLLHUP;
	} else {
		len = READ_ONCE(tf->ring->len);
		if (len)
			mask |= EPOLLIN | EPOLLRDNORM;
		if (len < TRV_BUF_SIZE)
			mask |= EPOLLOUT | EPOLLWRNORM;
	}
	trv_leave(tf, "poll");
	return mask;
}

static long trv_hold(u32 __user *argp)
{
	u32 ms;

	if (get_user(ms, argp))
		return -EFAULT;
	if (ms > TRV_HOLD_MAX_MS)
		return -EINVAL;
	/* A caller in flight that a revoke has to wait for. */
	if (ms)
		msleep(ms);
	return 0;
}

static long trv_sleep(struct trv_obj *obj)
{
	int ret;

	ret = wait_event_interruptible(obj->hold_wq,
				       revoke_in_progress(&obj->r));
	return ret ? ret : -EIO;
}

/*
 * A driver's own wait that its kick forgot: only a signal ends it, or the
 * interruption a revoke falls back on.
 */
static DECLARE_WAIT_QUEUE_HEAD(trv_deaf_wq);

static long trv_sleep_deaf(void)
{
	return wait_event_interruptible(trv_deaf_wq, false);
}

static long trv_set_policy(struct trv_file *tf, u32 __user *argp)
{
	u32 policy;

	if (get_user(policy, argp))
		return -EFAULT;
	if (policy != TRV_POLICY_SIGBUS && policy != TRV_POLICY_DUMMY)
		return -EINVAL;
	WRITE_ONCE(tf->policy, policy);
	return 0;
}

static long trv_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct trv_file *tf = file->private_data;
	struct trv_obj *obj = tf->obj;
	void __user *argp = (void __user *)arg;
	long ret;

	trv_enter(tf, "ioctl");
	switch (cmd) {
	case TRV_IOC_HOLD:
		ret = trv_hold(argp);
		break;
	case TRV_IOC_SLEEP:
		ret = trv_sleep(obj);
		break;
	case TRV_IOC_SLEEP_DEAF:
		ret = trv_sleep_deaf();
		break;
	case TRV_IOC_SELF_REVOKE:
		/*
		 * revoke_self() returns with the caller still inside this
		 * method while the revoke is complete for everybody else:
		 * stop counting the caller first. From here on it must not
		 * touch the ring, only the object its file pins.
		 */
		trv_leave(tf, "ioctl");
		revoke_self(file);
		atomic_inc(&obj->revokes);
		return 0;
	case TRV_IOC_OBJ_ID:
		ret = put_user(obj->id, (u32 __user *)argp);
		break;
	case TRV_IOC_MAP_POLICY:
		ret = trv_set_policy(tf, argp);
		break;
	case TRV_IOC_MAP_GEN:
		ret = put_user(tf->ring->gen, (u32 __user *)argp);
		break;
	default:
		ret = -ENOTTY;
		break;
	}
	trv_leave(tf, "ioctl");
	return ret;
}

static loff_t trv_llseek(struct file *file, loff_t offset, int whence)
{
	struct trv_file *tf = file->private_data;
	loff_t ret;

	trv_enter(tf, "llseek");
	ret = fixed_size_llseek(file, offset, whence, TRV_BUF_SIZE);
	trv_leave(tf, "llseek");
	return ret;
}

static int trv_fsync(struct file *file, loff_t start, loff_t end, int datasync)
{
	struct trv_file *tf = file->private_data;

	trv_enter(tf, "fsync");
	atomic_inc(&tf->obj->fsyncs);
	trv_leave(tf, "fsync");
	return 0;
}

static int trv_fasync(int fd, struct file *file, int on)
{
	struct trv_file *tf = file->private_data;
	int ret;

	/*
	 * The last close tears down what the file set up, with its own
	 * operations, whether it was revoked or not: like ->release, that
	 * call is not a method call a revoke cuts off.
	 */
	if (fd == -1 && !on)
		return fasync_helper(fd, file, on, &tf->obj->fasync);

	trv_enter(tf, "fasync");
	ret = fasync_helper(fd, file, on, &tf->obj->fasync);
	trv_leave(tf, "fasync");
	return ret;
}

/*
 * The vm operations of the two revokable mmap styles. Like the file
 * methods, they report a violation when they run once the revoke of their
 * file returned; ->close() may, for an munmap() that had begun before the
 * revoke, and is counted apart.
 */
static void trv_vm_open(struct vm_area_struct *vma)
{
	struct trv_file *tf = vma->vm_private_data;

	trv_enter(tf, "vm open");
	atomic64_inc(&trv_vma_opens);
	trv_leave(tf, "vm open");
}

static void trv_vm_close(struct vm_area_struct *vma)
{
	struct trv_file *tf = vma->vm_private_data;

	if (trv_revoke_returned(tf))
		atomic64_inc(&trv_late_closes);
	atomic64_inc(&trv_vma_closes);
}

static vm_fault_t trv_vm_fault(struct vm_fault *vmf)
{
	struct trv_file *tf = vmf->vma->vm_private_data;
	vm_fault_t ret = VM_FAULT_SIGBUS;

	trv_enter(tf, "vm fault");
	atomic64_inc(&trv_faults);
	if (vmf->pgoff < TRV_MAP_PAGES) {
		vmf->page = tf->ring->pages[vmf->pgoff];
		get_page(vmf->page);
		ret = 0;
	}
	trv_leave(tf, "vm fault");
	return ret;
}

static vm_fault_t trv_vm_page_mkwrite(struct vm_fault *vmf)
{
	struct trv_file *tf = vmf->vma->vm_private_data;

	trv_enter(tf, "vm page_mkwrite");
	lock_page(vmf->page);
	trv_leave(tf, "vm page_mkwrite");
	return VM_FAULT_LOCKED;
}

/* Pages inserted at fault time, with write notification. */
static const struct vm_operations_struct trv_vm_fault_ops = {
	.open		= trv_vm_open,
	.close		= trv_vm_close,
	.fault		= trv_vm_fault,
	.page_mkwrite	= trv_vm_page_mkwrite,
};

/* Every PTE set up by ->mmap() with remap_pfn_range(). */
static const struct vm_operations_struct trv_vm_remap_ops = {
	.open		= trv_vm_open,
	.close		= trv_vm_close,
};

static vm_fault_t trv_vm_file_fault(struct vm_fault *vmf)
{
	struct trv_file *tf = vmf->vma->vm_private_data;

	if (vmf->pgoff != TRV_MAP_FILE)
		return VM_FAULT_SIGBUS;
	vmf->page = tf->own;
	get_page(vmf->page);
	return 0;
}

/* The file's own page: not the object's, so never revoked. */
static const struct vm_operations_struct trv_vm_file_ops = {
	.fault		= trv_vm_file_fault,
};

static enum revoke_mmap trv_mmap_policy(struct file *file,
					const struct vm_area_struct *vma)
{
	struct trv_file *tf = file->private_data;

	if (vma->vm_ops == &trv_vm_file_ops)
		return REVOKE_MMAP_KEEP;
	if (READ_ONCE(tf->policy) == TRV_POLICY_DUMMY)
		return REVOKE_MMAP_DUMMY;
	return REVOKE_MMAP_SIGBUS;
}

static int trv_mmap_remap(struct trv_file *tf, struct vm_area_struct *vma,
			  unsigned long first)
{
	unsigned long addr;
	int ret;

	/* A private PFN mapping would need its own pages to copy into. */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	for (addr = vma->vm_start; addr < vma->vm_end; addr += PAGE_SIZE) {
		struct page *page = tf->ring->pages[first++];

		ret = remap_pfn_range(vma, addr, page_to_pfn(page), PAGE_SIZE,
				      vma->vm_page_prot);
		if (ret)
			return ret;
	}
	vma->vm_ops = &trv_vm_remap_ops;
	return 0;
}

static int trv_mmap_own(struct trv_file *tf, struct vm_area_struct *vma)
{
	struct page *page;

	if (!READ_ONCE(tf->own)) {
		page = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!page)
			return -ENOMEM;
		if (cmpxchg(&tf->own, NULL, page))
			__free_page(page);
	}
	vma->vm_ops = &trv_vm_file_ops;
	return 0;
}

/*
 * Note ->mmap runs under mmap_lock, and the read and write paths may fault
 * with obj->lock held: never take obj->lock here.
 */
static int trv_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct trv_file *tf = file->private_data;
	unsigned long pages = vma_pages(vma);
	unsigned long pgoff = vma->vm_pgoff;
	int ret = -EINVAL;

	trv_enter(tf, "mmap");
	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_private_data = tf;
	if (pgoff + pages <= TRV_MAP_PAGES) {
		vma->vm_ops = &trv_vm_fault_ops;
		ret = 0;
	} else if (pgoff >= TRV_MAP_REMAP &&
		   pgoff + pages <= TRV_MAP_REMAP + TRV_MAP_PAGES) {
		ret = trv_mmap_remap(tf, vma, pgoff - TRV_MAP_REMAP);
	} else if (pgoff == TRV_MAP_FILE && pages == 1) {
		ret = trv_mmap_own(tf, vma);
	}
	if (!ret && vma->vm_ops != &trv_vm_file_ops)
		atomic64_inc(&trv_vma_opens);
	trv_leave(tf, "mmap");
	return ret;
}

static void trv_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct trv_file *tf = file->private_data;

	trv_enter(tf, "show_fdinfo");
	seq_printf(m, "test_revoke_obj:\t%u\n", tf->obj->id);
	trv_leave(tf, "show_fdinfo");
}

static int trv_open(struct inode *inode, struct file *file)
{
	struct trv_file *tf;
	struct trv_obj *obj;
	int ret;

	tf = kzalloc(sizeof(*tf), GFP_KERNEL);
	if (!tf)
		return -ENOMEM;
	obj = trv_get_current();
	tf->obj = obj;
	tf->file = file;
	file->private_data = tf;
	/* read_iter and write_iter honour IOCB_NOWAIT. */
	file->f_mode |= FMODE_NOWAIT;

	/*
	 * The last step: from here on a revoke may cut the file off at any
	 * moment. open_lock keeps the kick from switching rings between
	 * picking the ring and attaching the file. It also keeps a revoke that
	 * marks the file from completing (its kick waits for open_lock) before
	 * we read how many had completed; one that marked files before could
	 * not be completed without the kick, nor let make_revokable() succeed.
	 */
	mutex_lock(&obj->open_lock);
	tf->ring = obj->ring;
	ret = make_revokable(file, &obj->r);
	tf->revokes_at_open = revokable_revokes(&obj->r);
	mutex_unlock(&obj->open_lock);
	if (ret) {
		file->private_data = NULL;
		kfree(tf);
		trv_obj_put(obj);
		return ret;
	}
	atomic_inc(&obj->opens);
	atomic64_inc(&trv_total_opens);
	return 0;
}

/* Not a method a revoke waits for: it runs once per file, revoked or not. */
static int trv_release(struct inode *inode, struct file *file)
{
	struct trv_file *tf = file->private_data;
	struct trv_obj *obj = tf->obj;

	/* Harmless if the close-time ->fasync already removed it. */
	fasync_helper(-1, file, 0, &obj->fasync);
	atomic_inc(&obj->releases);
	atomic64_inc(&trv_total_releases);
	if (tf->own)
		put_page(tf->own);
	kfree(tf);
	trv_obj_put(obj);
	return 0;
}

static const struct file_operations trv_fops = {
	.owner		= THIS_MODULE,
	.open		= trv_open,
	.release	= trv_release,
	.llseek		= trv_llseek,
	.read_iter	= trv_read_iter,
	.write_iter	= trv_write_iter,
	.splice_read	= copy_splice_read,
	.splice_write	= iter_file_splice_write,
	.poll		= trv_poll,
	.unlocked_ioctl	= trv_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= trv_mmap,
	.fsync		= trv_fsync,
	.fasync		= trv_fasync,
	.show_fdinfo	= trv_show_fdinfo,
};

static struct miscdevice trv_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "test_revoke",
	.fops	= &trv_fops,
	.mode	= 0600,
};

/*
 * After a revoke returned: free the ring the revoked files used, the spare
 * no kick took and, for a killed object, the current ring too.
 */
static void trv_free_rings(struct trv_obj *obj, bool killed)
{
	struct trv_ring *ring = NULL, *spare, *retired;

	mutex_lock(&obj->open_lock);
	if (killed) {
		ring = obj->ring;
		obj->ring = NULL;
	}
	spare = obj->spare;
	obj->spare = NULL;
	retired = obj->retired;
	obj->retired = NULL;
	mutex_unlock(&obj->open_lock);
	trv_ring_free(spare);
	if (retired)
		trv_retire(retired);
	if (ring)
		trv_retire(ring);
}

/*
 * Hangup style: revoke every file of the current object, which stays
 * current. The files opened from the kick on use a fresh ring; the ring of
 * the revoked files is freed at the next revoke.
 */
static long trv_ctl_revoke(void)
{
	struct trv_ring *spare;
	struct trv_obj *obj;
	long in_method;

	spare = trv_ring_alloc();
	if (!spare)
		return -ENOMEM;

	mutex_lock(&trv_ctl_mutex);
	obj = trv_cur;
	mutex_lock(&obj->open_lock);
	obj->spare = spare;
	mutex_unlock(&obj->open_lock);

	/* Nothing a method takes may be held here: obj->lock is not. */
	revoke_it(&obj->r);
	in_method = atomic_read(&obj->in_method);
	atomic_inc(&obj->revokes);

	/*
	 * The kick of this revoke, or of a revoke_self() that took the
	 * spare before us, retired the old ring; either revoke is over.
	 */
	trv_free_rings(obj, false);
	mutex_unlock(&trv_ctl_mutex);
	return in_method;
}

/*
 * Unplug style: a fresh object becomes current, the old one is killed, so
 * no open can attach to it any more, and loses its ring at once.
 */
static long trv_ctl_replace(void)
{
	struct trv_obj *old, *new;
	long in_method;

	mutex_lock(&trv_ctl_mutex);
	new = trv_obj_create();
	if (IS_ERR(new)) {
		mutex_unlock(&trv_ctl_mutex);
		return PTR_ERR(new);
	}
	spin_lock(&trv_cur_lock);
	old = trv_cur;
	trv_cur = new;
	spin_unlock(&trv_cur_lock);
	/* The old object is ours alone now: kill it while others go on. */
	mutex_unlock(&trv_ctl_mutex);

	revokable_kill(&old->r);
	in_method = atomic_read(&old->in_method);
	atomic_inc(&old->revokes);

	trv_free_rings(old, true);

	/* The files keep the object until their ->release. */
	trv_obj_put(old);
	return in_method;
}

static long trv_ctl_stats(struct trv_stats __user *argp)
{
	struct trv_stats st = {};
	struct trv_obj *obj;

	obj = trv_get_current();
	st.obj_id = obj->id;
	st.opens = atomic_read(&obj->opens);
	st.releases = atomic_read(&obj->releases);
	st.in_method = atomic_read(&obj->in_method);
	st.revokes = atomic_read(&obj->revokes);
	trv_obj_put(obj);
	st.violations = atomic_read(&trv_violations);
	st.total_opens = atomic64_read(&trv_total_opens);
	st.total_releases = atomic64_read(&trv_total_releases);
	st.vma_opens = atomic64_read(&trv_vma_opens);
	st.vma_closes = atomic64_read(&trv_vma_closes);
	st.late_closes = atomic64_read(&trv_late_closes);
	st.faults = atomic64_read(&trv_faults);
	return copy_to_user(argp, &st, sizeof(st)) ? -EFAULT : 0;
}

static long trv_ctl_old_map(struct trv_old_map __user *argp)
{
	struct trv_old_map om = {};
	const u8 *p;
	int i, j;

	mutex_lock(&trv_old_lock);
	if (trv_old) {
		om.valid = 1;
		om.gen = trv_old->gen;
		om.value = *(u8 *)page_address(trv_old->pages[0]);
		om.uniform = 1;
		for (i = 0; i < TRV_MAP_PAGES && om.uniform; i++) {
			p = page_address(trv_old->pages[i]);
			for (j = 0; j < PAGE_SIZE; j++) {
				if (p[j] != om.value) {
					om.uniform = 0;
					break;
				}
			}
		}
	}
	mutex_unlock(&trv_old_lock);
	return copy_to_user(argp, &om, sizeof(om)) ? -EFAULT : 0;
}

static long trv_ctl_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	switch (cmd) {
	case TRV_CTL_REVOKE:
		return trv_ctl_revoke();
	case TRV_CTL_REPLACE:
		return trv_ctl_replace();
	case TRV_CTL_STATS:
		return trv_ctl_stats((struct trv_stats __user *)arg);
	case TRV_CTL_OLD_MAP:
		return trv_ctl_old_map((struct trv_old_map __user *)arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations trv_ctl_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= trv_ctl_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice trv_ctl_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "test_revoke_ctl",
	.fops	= &trv_ctl_fops,
	.mode	= 0600,
};

static int __init test_revoke_init(void)
{
	struct trv_obj *obj;
	int ret;

	obj = trv_obj_create();
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	trv_cur = obj;

	ret = misc_register(&trv_misc);
	if (ret)
		goto put;
	ret = misc_register(&trv_ctl_misc);
	if (ret)
		goto deregister;
	return 0;

deregister:
	misc_deregister(&trv_misc);
put:
	trv_cur = NULL;
	trv_obj_put(obj);
	return ret;
}

static void __exit test_revoke_exit(void)
{
	/* Open files pin the module: nothing uses an object any more. */
	misc_deregister(&trv_ctl_misc);
	misc_deregister(&trv_misc);
	trv_obj_put(trv_cur);
	trv_cur = NULL;
	trv_ring_free(trv_old);
	trv_old = NULL;
}

module_init(test_revoke_init);
module_exit(test_revoke_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test driver for the revoke of open files");

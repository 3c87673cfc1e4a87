// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the revoke core. Included from fs/revoke.c.
 */

#include <kunit/test.h>
#include <linux/anon_inodes.h>
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/kthread.h>
#include <linux/wait.h>

struct rk_obj {
	struct revokable r;
	wait_queue_head_t wq;
	atomic_t kicks;
	atomic_t releases;
};

static void rk_kick(struct revokable *r)
{
	struct rk_obj *o = container_of(r, struct rk_obj, r);

	atomic_inc(&o->kicks);
	wake_up_all(&o->wq);
}

static const struct revokable_ops rk_ops = {
	.kick		= rk_kick,
	.revoked_fops	= &revoked_file_operations,
};

static int rk_release(struct inode *inode, struct file *file)
{
	struct rk_obj *o = file->private_data;

	atomic_inc(&o->releases);
	return 0;
}

static const struct file_operations rk_fops = {
	.owner		= THIS_MODULE,
	.release	= rk_release,
};

static struct rk_obj *rk_obj_new(struct kunit *test)
{
	struct rk_obj *o = kunit_kzalloc(test, sizeof(*o), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, o);
	init_waitqueue_head(&o->wq);
	KUNIT_ASSERT_EQ(test, revokable_init(&o->r, &rk_ops), 0);
	return o;
}

static struct file *rk_open(struct kunit *test, struct rk_obj *o)
{
	struct file *f;

	f = anon_inode_getfile("[revoke-kunit]", &rk_fops, o, O_RDWR);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f));
	KUNIT_ASSERT_EQ(test, make_revokable(f, &o->r), 0);
	return f;
}

static void rk_close(struct file *f)
{
	__fput_sync(f);
}

/* A live file gets its operations, a revoked one the revoked operations. */
static void revoke_test_states(struct kunit *test)
{
	struct rk_obj *o = rk_obj_new(test);
	struct file *f = rk_open(test, o), *g, *h;
	const struct file_operations *fop;

	KUNIT_EXPECT_TRUE(test, f->f_mode & FMODE_REVOKABLE);
	KUNIT_EXPECT_FALSE(test, file_revoked(f));
	fop = start_using(f);
	KUNIT_EXPECT_PTR_EQ(test, fop, &rk_fops);
	stop_using(f, fop);

	revoke_it(&o->r);
	KUNIT_EXPECT_TRUE(test, file_revoked(f));
	KUNIT_EXPECT_EQ(test, atomic_read(&o->kicks), 1);
	KUNIT_EXPECT_EQ(test, revokable_revokes(&o->r), 1UL);
	fop = start_using(f);
	KUNIT_EXPECT_PTR_EQ(test, fop, &revoked_file_operations);
	stop_using(f, fop);
	KUNIT_EXPECT_FALSE(test, revoke_in_progress(&o->r));

	/* revoke_it() leaves the object open to new files. */
	g = rk_open(test, o);
	fop = start_using(g);
	KUNIT_EXPECT_PTR_EQ(test, fop, &rk_fops);
	stop_using(g, fop);

	/* revokable_kill() does not. */
	revokable_kill(&o->r);
	KUNIT_EXPECT_TRUE(test, file_revoked(g));
	KUNIT_EXPECT_TRUE(test, revoke_in_progress(&o->r));
	h = anon_inode_getfile("[revoke-kunit]", &rk_fops, o, O_RDWR);
	KUNIT_ASSERT_FALSE(test, IS_ERR(h));
	KUNIT_EXPECT_EQ(test, make_revokable(h, &o->r), -ENODEV);
	KUNIT_EXPECT_FALSE(test, h->f_mode & FMODE_REVOKABLE);
	rk_close(h);
	/* Killing twice is harmless. */
	revokable_kill(&o->r);

	rk_close(g);
	rk_close(f);
	KUNIT_EXPECT_EQ(test, atomic_read(&o->releases), 3);
	revokable_exit(&o->r);
}

/*
 * revoke_it_since() revokes, unless a revoke completed since the count it
 * is given was read: that one stands for it, even though a file opened
 * after it is left alone (the caller keeps new files away, a tty hangup
 * makes opens wait).
 */
static void revoke_test_since(struct kunit *test)
{
	struct rk_obj *o = rk_obj_new(test);
	struct file *f = rk_open(test, o), *g;
	unsigned long seen = revokable_revokes(&o->r);

	revoke_it(&o->r);
	KUNIT_EXPECT_EQ(test, atomic_read(&o->kicks), 1);
	g = rk_open(test, o);
	revoke_it_since(&o->r, seen);
	KUNIT_EXPECT_EQ(test, atomic_read(&o->kicks), 1);
	KUNIT_EXPECT_EQ(test, revokable_revokes(&o->r), 1UL);
	KUNIT_EXPECT_FALSE(test, file_revoked(g));

	revoke_it_since(&o->r, revokable_revokes(&o->r));
	KUNIT_EXPECT_EQ(test, atomic_read(&o->kicks), 2);
	KUNIT_EXPECT_EQ(test, revokable_revokes(&o->r), 2UL);
	KUNIT_EXPECT_TRUE(test, file_revoked(g));
	rk_close(g);
	rk_close(f);
	KUNIT_EXPECT_EQ(test, atomic_read(&o->releases), 2);
	revokable_exit(&o->r);
}

struct rk_caller {
	struct rk_obj *o;
	struct file *f;
	unsigned int hold_ms;
	bool wait_kick;
	bool self;
	bool entered;
	bool left;
	bool kick_missed;
	struct completion *after_self;
	struct task_struct *task;
	const struct file_operations *fop;
	struct completion in;
	struct completion done;
};

static int rk_caller_fn(void *arg)
{
	struct rk_caller *c = arg;

	c->fop = start_using(c->f);
	WRITE_ONCE(c->entered, true);
	complete(&c->in);
	if (c->hold_ms)
		msleep(c->hold_ms);
	/*
	 * A kthread is out of reach of the revoke's last resort: without a
	 * kick, only the timeout ends the wait.
	 */
	if (c->wait_kick &&
	    !wait_event_timeout(c->o->wq, revoke_in_progress(&c->o->r), 10 * HZ))
		WRITE_ONCE(c->kick_missed, true);
	if (c->self && c->fop == c->f->f_op)
		revoke_self(c->f);
	/* Still counted, as a TIOCVHANGUP waiting for the end of a hangup. */
	if (c->after_self)
		wait_for_completion(c->after_self);
	WRITE_ONCE(c->left, true);
	stop_using(c->f, c->fop);
	complete(&c->done);
	return 0;
}

static void rk_caller_start(struct kunit *test, struct rk_caller *c)
{
	struct task_struct *t;

	init_completion(&c->in);
	init_completion(&c->done);
	t = kthread_run(rk_caller_fn, c, "revoke-kunit");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	c->task = t;
	wait_for_completion(&c->in);
}

/*
 * Calls on a revoked file are not counted, so that callers that keep
 * calling on old files cannot hold up a later revoke of the object.
 */
static void revoke_test_revoked_not_counted(struct kunit *test)
{
	struct rk_obj *o = rk_obj_new(test);
	const struct file_operations *fop;
	unsigned long enters, leaves;
	struct file *f, *g;

	f = rk_open(test, o);
	revoke_it(&o->r);
	KUNIT_ASSERT_TRUE(test, file_revoked(f));
	g = rk_open(test, o);
	enters = revokable_sum(&o->r, false);
	leaves = revokable_sum(&o->r, true);
	fop = start_using(f);
	KUNIT_EXPECT_PTR_EQ(test, fop, &revoked_file_operations);
	stop_using(f, fop);
	KUNIT_EXPECT_EQ(test, revokable_sum(&o->r, false), enters);
	KUNIT_EXPECT_EQ(test, revokable_sum(&o->r, true), leaves);
	/* A live file of the same object still is. */
	fop = start_using(g);
	KUNIT_EXPECT_PTR_EQ(test, fop, &rk_fops);
	KUNIT_EXPECT_EQ(test, revokable_sum(&o->r, false), enters + 1);
	stop_using(g, fop);
	KUNIT_EXPECT_EQ(test, revokable_sum(&o->r, true), leaves + 1);
	rk_close(g);
	rk_close(f);
	revokable_exit(&o->r);
}

/* revoke_it() returns only after a caller in flight has left. */
static void revoke_test_waits_for_callers(struct kunit *test)
{
	struct rk_obj *o = rk_obj_new(test);
	struct rk_caller c = { .o = o, .hold_ms = 300 };
	unsigned long t0;

	c.f = rk_open(test, o);
	rk_caller_start(test, &c);
	KUNIT_EXPECT_PTR_EQ(test, c.fop, &rk_fops);
	t0 = jiffies;
	revoke_it(&o->r);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(c.left));
	KUNIT_EXPECT_GE(test, jiffies_to_msecs(jiffies - t0), 100U);
	wait_for_completion(&c.done);
	rk_close(c.f);
	KUNIT_EXPECT_EQ(test, atomic_read(&o->releases), 1);
	revokable_exit(&o->r);
}

/* The kick ends a wait that would otherwise never end. */
static void revoke_test_kick(struct kunit *test)
{
	struct rk_obj *o = rk_obj_new(test);
	struct rk_caller c = { .o = o, .wait_kick = true };
	int i;

	c.f = rk_open(test, o);
	rk_caller_start(test, &c);
	/*
	 * Revoke only once the caller sleeps, so that only the kick's wake-up
	 * can end its wait. It cannot exit before: it waits for 10 s.
	 */
	for (i = 0; i < 250; i++) {
		if (READ_ONCE(c.task->__state) == TASK_UNINTERRUPTIBLE &&
		    wait_task_inactive(c.task, TASK_UNINTERRUPTIBLE))
			break;
		msleep(20);
	}
	KUNIT_EXPECT_LT(test, i, 250);
	revoke_it(&o->r);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(c.left));
	KUNIT_EXPECT_FALSE(test, READ_ONCE(c.kick_missed));
	KUNIT_EXPECT_EQ(test, atomic_read(&o->kicks), 1);
	wait_for_completion(&c.done);
	rk_close(c.f);
	revokable_exit(&o->r);
}

/*
 * A revoke_self() whose file another revoke got first waits for that revoke
 * and does not revoke again: a second revoke could catch files opened after
 * the first one.
 */
static void revoke_test_self_after_revoke(struct kunit *test)
{
	struct rk_obj *o = rk_obj_new(test);
	struct rk_caller c = { .o = o, .wait_kick = true, .self = true };

	c.f = rk_open(test, o);
	rk_caller_start(test, &c);
	revoke_it(&o->r);
	KUNIT_EXPECT_EQ(test,
			wait_for_completion_timeout(&c.done, 30 * HZ) > 0, true);
	KUNIT_EXPECT_TRUE(test, file_revoked(c.f));
	KUNIT_EXPECT_EQ(test, revokable_revokes(&o->r), 1UL);
	KUNIT_EXPECT_EQ(test, atomic_read(&o->kicks), 1);
	rk_close(c.f);
	revokable_exit(&o->r);
}

/* ->release runs once per file, whether it is closed before or after. */
static void revoke_test_release_once(struct kunit *test)
{
	struct rk_obj *o = rk_obj_new(test);
	struct file *f[4];
	int i;

	for (i = 0; i < 4; i++)
		f[i] = rk_open(test, o);
	rk_close(f[0]);
	rk_close(f[1]);
	KUNIT_EXPECT_EQ(test, atomic_read(&o->releases), 2);
	revoke_it(&o->r);
	KUNIT_EXPECT_EQ(test, atomic_read(&o->releases), 2);
	revoke_it(&o->r);
	/* Revoked, off the list, but still attached until released. */
	KUNIT_EXPECT_TRUE(test, list_empty(&o->r.files));
	KUNIT_EXPECT_EQ(test, o->r.nr_files, 2);
	rk_close(f[2]);
	rk_close(f[3]);
	KUNIT_EXPECT_EQ(test, atomic_read(&o->releases), 4);
	KUNIT_EXPECT_EQ(test, o->r.nr_files, 0);
	revokable_exit(&o->r);
}

struct rk_revoker {
	struct rk_obj *o;
	bool since;
	unsigned long seen;
	struct completion done;
};

static int rk_revoker_fn(void *arg)
{
	struct rk_revoker *rv = arg;

	if (rv->since)
		revoke_it_since(&rv->o->r, rv->seen);
	else
		revoke_it(&rv->o->r);
	complete(&rv->done);
	return 0;
}

/*
 * What revoke_it_since() is for: a method overtakes the revoke its
 * caller is about to start, revokes with revoke_self(), and waits for
 * that caller while counted again. The overtaken revoke must not wait for
 * it. revoke_it() would, for good: a kthread is not interrupted.
 */
static void revoke_test_since_overtaken(struct kunit *test)
{
	struct rk_obj *o = rk_obj_new(test);
	struct rk_caller c = { .o = o, .self = true };
	struct rk_revoker rv = { .o = o, .since = true };
	DECLARE_COMPLETION_ONSTACK(release);
	struct task_struct *t;
	unsigned long left;
	int i;

	rv.seen = revokable_revokes(&o->r);
	c.f = rk_open(test, o);
	c.after_self = &release;
	rk_caller_start(test, &c);
	/* The caller's revoke_self() is done. */
	for (i = 0; i < 500 && revokable_revokes(&o->r) == rv.seen; i++)
		msleep(20);
	KUNIT_EXPECT_NE(test, revokable_revokes(&o->r), rv.seen);

	init_completion(&rv.done);
	t = kthread_run(rk_revoker_fn, &rv, "revoke-kunit-rv");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	left = wait_for_completion_timeout(&rv.done, 10 * HZ);
	KUNIT_EXPECT_GT(test, left, 0UL);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(c.left));
	KUNIT_EXPECT_EQ(test, revokable_revokes(&o->r), rv.seen + 1);

	/* Either way, both are done once the method leaves. */
	complete(&release);
	wait_for_completion(&c.done);
	if (!left)
		wait_for_completion(&rv.done);
	rk_close(c.f);
	revokable_exit(&o->r);
}

/* An open that races a revoke either is revoked by it or fails. */
static void revoke_test_open_vs_revoke(struct kunit *test)
{
	struct rk_obj *o = rk_obj_new(test);
	struct rk_caller c = { .o = o, .hold_ms = 300 };
	struct rk_revoker rv = { .o = o };
	struct task_struct *t;
	struct file *f;

	c.f = rk_open(test, o);
	rk_caller_start(test, &c);
	init_completion(&rv.done);
	t = kthread_run(rk_revoker_fn, &rv, "revoke-kunit-rv");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	while (!revoke_in_progress(&o->r))
		usleep_range(1000, 2000);

	/* The revoke is waiting for the caller: opens fail. */
	f = anon_inode_getfile("[revoke-kunit]", &rk_fops, o, O_RDWR);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f));
	KUNIT_EXPECT_EQ(test, make_revokable(f, &o->r), -ENODEV);
	rk_close(f);

	wait_for_completion(&rv.done);
	wait_for_completion(&c.done);
	KUNIT_EXPECT_TRUE(test, file_revoked(c.f));

	/* Afterwards they work again. */
	f = rk_open(test, o);
	KUNIT_EXPECT_FALSE(test, file_revoked(f));
	rk_close(f);
	rk_close(c.f);
	revokable_exit(&o->r);
}

/* A method revoking its own object, from several threads at once. */
static void revoke_test_self(struct kunit *test)
{
	struct rk_obj *o = rk_obj_new(test);
	struct rk_caller c[4];
	struct file *other = rk_open(test, o);
	const struct file_operations *fop;
	int i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		c[i] = (struct rk_caller){ .o = o, .self = true,
					    .hold_ms = 20 };
		c[i].f = rk_open(test, o);
	}
	for (i = 0; i < ARRAY_SIZE(c); i++)
		rk_caller_start(test, &c[i]);
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		KUNIT_EXPECT_EQ(test,
				wait_for_completion_timeout(&c[i].done, 30 * HZ) > 0,
				true);
		KUNIT_EXPECT_TRUE(test, file_revoked(c[i].f));
	}
	KUNIT_EXPECT_TRUE(test, file_revoked(other));
	KUNIT_EXPECT_GE(test, revokable_revokes(&o->r), 1UL);

	/* The count is balanced: a new file can be revoked again. */
	for (i = 0; i < ARRAY_SIZE(c); i++)
		rk_close(c[i].f);
	rk_close(other);
	other = rk_open(test, o);
	fop = start_using(other);
	KUNIT_EXPECT_PTR_EQ(test, fop, &rk_fops);
	stop_using(other, fop);
	revoke_it(&o->r);
	KUNIT_EXPECT_TRUE(test, file_revoked(other));
	rk_close(other);
	revokable_exit(&o->r);
}

/*
 * with_file_ops() and with_files_ops() expand their call once for files
 * that are not revokable and once for revokable ones: each must run the
 * call exactly once with the right operations, and count it only for a
 * live revokable file.
 */
static void revoke_test_with_file_ops(struct kunit *test)
{
	struct rk_obj *o = rk_obj_new(test);
	struct file *f = rk_open(test, o), *plain;
	const struct file_operations *fop, *fop1, *fop2;
	const struct file_operations *seen = NULL, *seen2 = NULL;
	int runs = 0;
	bool idle = true;

	plain = anon_inode_getfile("[revoke-kunit]", &rk_fops, o, O_RDWR);
	KUNIT_ASSERT_FALSE(test, IS_ERR(plain));
	KUNIT_EXPECT_FALSE(test, file_revokable(plain));
	KUNIT_EXPECT_TRUE(test, file_revokable(f));

	with_file_ops(plain, &fop, {
		seen = fop;
		runs++;
	});
	KUNIT_EXPECT_PTR_EQ(test, seen, &rk_fops);
	KUNIT_EXPECT_EQ(test, runs, 1);

	with_file_ops(f, &fop, {
		seen = fop;
		idle = revokable_idle(&o->r);
		runs++;
	});
	KUNIT_EXPECT_PTR_EQ(test, seen, &rk_fops);
	KUNIT_EXPECT_FALSE(test, idle);
	KUNIT_EXPECT_TRUE(test, revokable_idle(&o->r));
	KUNIT_EXPECT_EQ(test, runs, 2);

	with_files_ops(plain, &fop1, f, &fop2, {
		seen = fop1;
		seen2 = fop2;
		idle = revokable_idle(&o->r);
		runs++;
	});
	KUNIT_EXPECT_PTR_EQ(test, seen, &rk_fops);
	KUNIT_EXPECT_PTR_EQ(test, seen2, &rk_fops);
	KUNIT_EXPECT_FALSE(test, idle);
	KUNIT_EXPECT_TRUE(test, revokable_idle(&o->r));
	KUNIT_EXPECT_EQ(test, runs, 3);

	revoke_it(&o->r);
	with_file_ops(f, &fop, {
		seen = fop;
		runs++;
	});
	KUNIT_EXPECT_PTR_EQ(test, seen, &revoked_file_operations);
	KUNIT_EXPECT_EQ(test, runs, 4);

	with_files_ops(f, &fop1, plain, &fop2, {
		seen = fop1;
		seen2 = fop2;
		runs++;
	});
	KUNIT_EXPECT_PTR_EQ(test, seen, &revoked_file_operations);
	KUNIT_EXPECT_PTR_EQ(test, seen2, &rk_fops);
	KUNIT_EXPECT_EQ(test, runs, 5);
	KUNIT_EXPECT_TRUE(test, revokable_idle(&o->r));

	rk_close(plain);
	rk_close(f);
	KUNIT_EXPECT_EQ(test, atomic_read(&o->releases), 2);
	revokable_exit(&o->r);
}

static struct kunit_case revoke_test_cases[] = {
	KUNIT_CASE(revoke_test_states),
	KUNIT_CASE(revoke_test_since),
	KUNIT_CASE(revoke_test_since_overtaken),
	KUNIT_CASE(revoke_test_revoked_not_counted),
	KUNIT_CASE(revoke_test_with_file_ops),
	KUNIT_CASE(revoke_test_waits_for_callers),
	KUNIT_CASE(revoke_test_kick),
	KUNIT_CASE(revoke_test_release_once),
	KUNIT_CASE(revoke_test_open_vs_revoke),
	KUNIT_CASE(revoke_test_self),
	KUNIT_CASE(revoke_test_self_after_revoke),
	{}
};

static struct kunit_suite revoke_test_suite = {
	.name = "revoke",
	.test_cases = revoke_test_cases,
};

kunit_test_suite(revoke_test_suite);

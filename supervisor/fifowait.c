/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fifowait.h"
#include "notif.h"

/* How often callers that went away are looked for, in seconds. */
#define CHECK_INTERVAL 0.1

/* Interrupts a wait: handled by nothing, without SA_RESTART. */
#define WAKE_SIGNAL (SIGRTMIN + 1)

struct fifowait {
	struct fifowait *next;
	struct fifowaits *w;
	uint64_t id;
	int opath;
	int flags;
	struct caller c;
	pthread_t thread;
	atomic_bool cancel;
	int result;
	fifowait_done_cb done;
	void *userdata;
};

static void on_wake(int sig)
{
	(void)sig;
}

static void unlink_from(struct fifowait **list, struct fifowait *f)
{
	for (; *list; list = &(*list)->next)
		if (*list == f) {
			*list = f->next;
			return;
		}
}

/* The open that blocks: through the magic link of the checked O_PATH fd,
 * so it is the very FIFO that was decided on. */
static int wait_open(struct fifowait *f)
{
	char name[16];
	int procfd, fd, r;
	int flags =
		(f->flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOFOLLOW | O_DIRECTORY)) | O_CLOEXEC;

	r = caller_enter(&f->c, &procfd);
	if (r < 0)
		return -EACCES; /* its identity could not be taken: fail closed */
	snprintf(name, sizeof(name), "%d", f->opath);
	for (;;) {
		if (atomic_load(&f->cancel)) {
			r = -ECANCELED;
			break;
		}
		fd = openat(procfd, name, flags);
		if (fd >= 0) {
			r = fd;
			break;
		}
		if (errno != EINTR) {
			r = -errno;
			break;
		}
	}
	close(procfd);
	return r;
}

static void *thread_main(void *arg)
{
	struct fifowait *f = arg;
	struct fifowaits *w = f->w;
	int fd = wait_open(f);

	if (fd == -ECANCELED) {
		f->result = -ESRCH;
	} else if (fd >= 0) {
		int got = notif_addfd_send(w->listener, f->id, fd, f->flags & O_CLOEXEC);

		close(fd);
		f->result = got >= 0 ? got : got == -ENOENT ? -ESRCH : got;
	} else {
		int r = notif_send_id(w->listener, f->id, -fd);

		f->result = r == -ENOENT ? -ESRCH : fd;
	}
	pthread_mutex_lock(&w->lock);
	unlink_from(&w->waiting, f);
	f->next = w->done;
	w->done = f;
	pthread_mutex_unlock(&w->lock);
	ev_async_send(w->loop, &w->async);
	return NULL;
}

static void reap(struct fifowaits *w)
{
	struct fifowait *list;

	pthread_mutex_lock(&w->lock);
	list = w->done;
	w->done = NULL;
	pthread_mutex_unlock(&w->lock);
	while (list) {
		struct fifowait *f = list;

		list = f->next;
		pthread_join(f->thread, NULL);
		if (f->done)
			f->done(f->userdata, f->result);
		close(f->opath);
		caller_done(&f->c);
		free(f);
		w->count--;
	}
	if (w->count == 0)
		ev_timer_stop(w->loop, &w->check);
}

static void on_async(struct ev_loop *loop, ev_async *a, int revents)
{
	(void)loop;
	(void)revents;
	reap((struct fifowaits *)((char *)a - offsetof(struct fifowaits, async)));
}

static void on_check(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct fifowaits *w = (struct fifowaits *)((char *)t - offsetof(struct fifowaits, check));

	(void)loop;
	(void)revents;
	pthread_mutex_lock(&w->lock);
	for (struct fifowait *f = w->waiting; f; f = f->next)
		if (atomic_load(&f->cancel) || notif_id_valid(w->listener, f->id) < 0) {
			/* again at every check: a signal that came just
			 * before the open began is lost */
			atomic_store(&f->cancel, true);
			pthread_kill(f->thread, WAKE_SIGNAL);
		}
	pthread_mutex_unlock(&w->lock);
}

int fifowaits_init(struct fifowaits *w, struct ev_loop *loop, int listener)
{
	struct sigaction sa = { .sa_handler = on_wake };
	int r;

	*w = (struct fifowaits){ .loop = loop, .listener = listener };
	sigemptyset(&sa.sa_mask);
	if (sigaction(WAKE_SIGNAL, &sa, NULL) < 0)
		return -errno;
	r = pthread_mutex_init(&w->lock, NULL);
	if (r)
		return -r;
	ev_async_init(&w->async, on_async);
	ev_async_start(loop, &w->async);
	ev_unref(loop); /* waits keep the loop going through the timer */
	ev_timer_init(&w->check, on_check, CHECK_INTERVAL, CHECK_INTERVAL);
	return 0;
}

void fifowaits_stop(struct fifowaits *w)
{
	if (!w->loop)
		return;
	while (w->count) {
		pthread_mutex_lock(&w->lock);
		for (struct fifowait *f = w->waiting; f; f = f->next) {
			atomic_store(&f->cancel, true);
			pthread_kill(f->thread, WAKE_SIGNAL);
		}
		pthread_mutex_unlock(&w->lock);
		usleep(1000);
		reap(w);
	}
	ev_ref(w->loop);
	ev_async_stop(w->loop, &w->async);
	ev_timer_stop(w->loop, &w->check);
	pthread_mutex_destroy(&w->lock);
	w->loop = NULL;
}

int fifowait_start(struct fifowaits *w, uint64_t id, int opath, int flags, const struct caller *c,
		   fifowait_done_cb done, void *userdata)
{
	struct fifowait *f;
	int r;

	if (w->count >= FIFOWAIT_MAX) {
		close(opath);
		return -EAGAIN;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		close(opath);
		return -ENOMEM;
	}
	*f = (struct fifowait){
		.w = w, .id = id, .opath = opath, .flags = flags, .done = done, .userdata = userdata
	};
	r = caller_copy(c, &f->c);
	if (r < 0) {
		close(opath);
		free(f);
		return r;
	}
	pthread_mutex_lock(&w->lock);
	r = pthread_create(&f->thread, NULL, thread_main, f);
	if (r == 0) {
		f->next = w->waiting;
		w->waiting = f;
	}
	pthread_mutex_unlock(&w->lock);
	if (r) {
		close(opath);
		caller_done(&f->c);
		free(f);
		return -r;
	}
	w->count++;
	ev_timer_start(w->loop, &w->check);
	return 0;
}

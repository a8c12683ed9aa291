/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "notif.h"
#include "pending.h"

/* Enough for the open or poll and the answer, and for a sanitizer's
 * runtime; a target may make PENDING_MAX of them. */
#define PENDING_STACK (256u * 1024)

struct pending {
	struct pending *next;
	struct pending_set *set;
	struct pending_job job;
	struct caller c; /* FIFO: a copy that holds its own root fd */
	pthread_t thread;
	atomic_bool cancel;
};

static void on_wake(int sig)
{
	(void)sig;
}

struct timespec pending_deadline(clockid_t clock, long ms)
{
	struct timespec t;

	clock_gettime(clock, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

int pending_wake_signal(void)
{
	return SIGRTMIN + 1;
}

int pending_wake_signal_install(void)
{
	struct sigaction sa = { .sa_handler = on_wake };

	sigemptyset(&sa.sa_mask);
	return sigaction(pending_wake_signal(), &sa, NULL) < 0 ? -errno : 0;
}

static void unlink_from(struct pending **list, struct pending *p)
{
	for (; *list; list = &(*list)->next)
		if (*list == p) {
			*list = p->next;
			return;
		}
}

/* Whether the wait is over for nothing: stopped, or its caller gone. */
static bool abandoned(struct pending *p)
{
	if (atomic_load(&p->cancel))
		return true;
	if (notif_id_valid(p->set->listener, p->job.id) < 0) {
		atomic_store(&p->cancel, true);
		return true;
	}
	return false;
}

/*
 * A timer that interrupts this thread every PENDING_CHECK_MS, so that a
 * blocking open looks whether its caller is still there.  Returns 0 or
 * -errno.
 */
static int wake_timer_start(timer_t *t)
{
	struct sigevent ev = { .sigev_notify = SIGEV_THREAD_ID,
			       .sigev_signo = pending_wake_signal() };
	struct itimerspec its = {
		.it_value = { .tv_nsec = PENDING_CHECK_MS * 1000000L },
		.it_interval = { .tv_nsec = PENDING_CHECK_MS * 1000000L },
	};

	/* glibc 2.36 names the field only through its union */
	ev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
	if (timer_create(CLOCK_MONOTONIC, &ev, t) < 0)
		return -errno;
	if (timer_settime(*t, 0, &its, NULL) < 0) {
		int r = -errno;

		timer_delete(*t);
		return r;
	}
	return 0;
}

/* The open that blocks: through the magic link of the checked O_PATH fd,
 * so it is the very FIFO that was decided on.  Returns the fd, -ESRCH
 * (abandoned) or -errno. */
static int wait_fifo(struct pending *p)
{
	char name[16];
	int procfd, fd, r;
	int flags = (p->job.flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOFOLLOW | O_DIRECTORY)) |
		    O_CLOEXEC;
	timer_t timer;

	r = caller_enter(&p->c, &procfd);
	if (r < 0)
		return -EACCES; /* its identity could not be taken: fail closed */
	r = wake_timer_start(&timer);
	if (r < 0) {
		close(procfd);
		return r == -EAGAIN || r == -ENOMEM ? -EAGAIN : r;
	}
	snprintf(name, sizeof(name), "%d", p->job.fd);
	for (;;) {
		if (abandoned(p)) {
			r = -ESRCH;
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
	timer_delete(timer);
	close(procfd);
	return r;
}

/* A connect under way on the caller's socket (non-blocking for us):
 * returns 0, -errno (the connect's outcome) or -ESRCH (abandoned). */
static int wait_connect(struct pending *p)
{
	struct pollfd pfd = { .fd = p->job.fd, .events = POLLOUT };
	socklen_t len = sizeof(int);
	int err = 0;

	for (;;) {
		int n = poll(&pfd, 1, PENDING_CHECK_MS);

		if (n > 0)
			break;
		if (n < 0 && errno != EINTR)
			return -errno;
		if (abandoned(p))
			return -ESRCH;
	}
	if (getsockopt(p->job.fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	return -err;
}

static void *thread_main(void *arg)
{
	struct pending *p = arg;
	struct pending_set *set = p->set;
	int result, r;

	if (p->job.kind == PENDING_FIFO_OPEN) {
		int fd = wait_fifo(p);

		if (fd >= 0) {
			r = notif_addfd_send(set->listener, p->job.id, fd,
					     p->job.flags & O_CLOEXEC);
			close(fd);
			result = r >= 0 ? r : r == -ENOENT ? -ESRCH : r;
		} else if (fd == -ESRCH) {
			result = -ESRCH;
		} else {
			r = notif_send_id(set->listener, p->job.id, -fd);
			result = r == -ENOENT ? -ESRCH : fd;
		}
	} else {
		int err = wait_connect(p);

		if (err == -ESRCH) {
			result = -ESRCH;
		} else {
			/* -ENOENT: the caller went away or was interrupted */
			r = notif_send_id(set->listener, p->job.id, -err);
			result = r == -ENOENT ? -ESRCH : err;
		}
	}
	if (p->job.done)
		p->job.done(p->job.userdata, result);
	pthread_mutex_lock(&set->lock);
	unlink_from(&set->waiting, p);
	p->next = set->finished;
	set->finished = p;
	pthread_cond_broadcast(&set->changed);
	pthread_mutex_unlock(&set->lock);
	return NULL;
}

/* Join the threads that are over.  Called with the lock held. */
static void reap_locked(struct pending_set *set)
{
	while (set->finished) {
		struct pending *p = set->finished;

		set->finished = p->next;
		pthread_join(p->thread, NULL);
		close(p->job.fd);
		if (p->job.kind == PENDING_FIFO_OPEN)
			caller_done(&p->c);
		free(p);
		set->count--;
	}
}

int pending_set_init(struct pending_set *set, int listener)
{
	pthread_condattr_t ca;
	int r;

	*set = (struct pending_set){ .listener = listener };
	r = pthread_mutex_init(&set->lock, NULL);
	if (r)
		return -r;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	r = pthread_cond_init(&set->changed, &ca);
	pthread_condattr_destroy(&ca);
	if (r) {
		pthread_mutex_destroy(&set->lock);
		return -r;
	}
	set->ready = true;
	return 0;
}

void pending_set_stop(struct pending_set *set)
{
	if (!set->ready)
		return;
	pthread_mutex_lock(&set->lock);
	reap_locked(set);
	while (set->count) {
		struct timespec until;

		/* again at every round: a signal that came just before
		 * the open began is lost */
		for (struct pending *p = set->waiting; p; p = p->next) {
			atomic_store(&p->cancel, true);
			pthread_kill(p->thread, pending_wake_signal());
		}
		until = pending_deadline(CLOCK_MONOTONIC, 10);
		pthread_cond_timedwait(&set->changed, &set->lock, &until);
		reap_locked(set);
	}
	pthread_mutex_unlock(&set->lock);
	pthread_cond_destroy(&set->changed);
	pthread_mutex_destroy(&set->lock);
	set->ready = false;
}

int pending_start(struct pending_set *set, const struct pending_job *job)
{
	pthread_attr_t attr;
	struct pending *p;
	int r;

	pthread_mutex_lock(&set->lock);
	reap_locked(set);
	r = set->count >= PENDING_MAX ? -EAGAIN : 0;
	pthread_mutex_unlock(&set->lock);
	if (r < 0) {
		close(job->fd);
		return r;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		close(job->fd);
		return -ENOMEM;
	}
	p->set = set;
	p->job = *job;
	p->job.caller = NULL;
	p->c.rootfd = -1;
	if (job->kind == PENDING_FIFO_OPEN) {
		r = caller_copy(job->caller, &p->c);
		if (r < 0) {
			close(job->fd);
			free(p);
			return r;
		}
	}
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, PENDING_STACK);
	pthread_mutex_lock(&set->lock);
	r = -pthread_create(&p->thread, &attr, thread_main, p);
	if (r == 0) {
		p->next = set->waiting;
		set->waiting = p;
		set->count++;
	}
	pthread_mutex_unlock(&set->lock);
	pthread_attr_destroy(&attr);
	if (r < 0) {
		close(job->fd);
		if (job->kind == PENDING_FIFO_OPEN)
			caller_done(&p->c);
		free(p);
	}
	return r;
}

/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include "fdreserve.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int reserve[FDRESERVE_FDS] = { -1, -1, -1, -1, -1, -1, -1, -1 };

long fdreserve_raise_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -errno;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			return -errno;
	}
	return (long)rl.rlim_cur;
}

static void refill_locked(void)
{
	for (int i = 0; i < FDRESERVE_FDS; i++)
		if (reserve[i] < 0)
			reserve[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

int fdreserve_init(void)
{
	int r = 0;

	pthread_mutex_lock(&lock);
	refill_locked();
	for (int i = 0; i < FDRESERVE_FDS; i++)
		if (reserve[i] < 0)
			r = -EMFILE;
	pthread_mutex_unlock(&lock);
	return r;
}

int fdreserve_retry(int (*fn)(void *arg), void *arg)
{
	int r = -EMFILE;

	/* under the lock: another thread that runs out meanwhile waits for
	 * its turn instead of taking the slot we freed */
	pthread_mutex_lock(&lock);
	for (int i = 0; i < FDRESERVE_FDS && (r == -EMFILE || r == -ENFILE); i++) {
		if (reserve[i] < 0)
			continue;
		close(reserve[i]);
		reserve[i] = -1;
		r = fn(arg);
	}
	refill_locked();
	pthread_mutex_unlock(&lock);
	return r;
}

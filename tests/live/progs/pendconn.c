/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pendconn listen PORTFILE: the other end, run outside callgate.  Listens
 * on 127.0.0.1 (an ephemeral port) with a backlog of 0, fills its accept
 * queue with one connection of its own and never accepts, so that every
 * further SYN is dropped and a connect to it stays under way (for minutes:
 * tcp_syn_retries).  Checks that a probe connect does stay under way,
 * writes the port to PORTFILE and waits until its parent goes.
 *
 * pendconn PORT N [HOLDFILE]: the target.  Prints "pid P ppid Q nofile
 * SOFT HARD" (the limit it was started with), raises its own soft
 * RLIMIT_NOFILE as far as its hard limit allows, then starts N threads
 * that each make one blocking connect() to 127.0.0.1:PORT on a socket of
 * their own; at most as many sockets are open at once as its own limit
 * allows (a thread waits for a slot).  It waits, with a deadline, until
 * every thread has either returned from its connect or sleeps in it
 * (/proc/self/task/TID/syscall), then makes one more notified call, a
 * connect to 127.0.0.2:PORT that the policy refuses (EPERM expected):
 * notifications are received in the order they were made, so once it is
 * answered every connect before it was answered or handed to a wait of
 * the supervisor's.  Then it waits for the threads so answered to return
 * (and makes that call again, B times in all, if an answer freed a slot
 * for a thread that connects in turn).  Last, with nothing queued before
 * it, the same call once more: the extra call, answered in T ms.  It
 * prints
 *
 *   returned R eagain E emfile M connected C other O pending P
 *   starved S unsettled U extra-call ok|ERRNO ms T barriers B
 *
 * (ok: every one of the B + 1 refused calls got EPERM, else the first
 * other errno; other: an errno other than EAGAIN and EMFILE, or a
 * socket() that failed; starved: threads that never got a socket because
 * every slot was held by a pending connect; unsettled: threads neither
 * returned nor sleeping in connect at the deadline).  With HOLDFILE it then prints
 * "holding" and waits (with a deadline) until HOLDFILE exists, its
 * pending connects still pending, so that the supervisor can be looked
 * at.  It exits 0 (the pending threads end with the process) if every
 * thread settled and the extra call got EPERM, 1 otherwise.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define THREAD_STACK (64u * 1024)
/* kept free for stdio, a /proc read and the extra call; the rest of the
 * limit is for the threads' sockets, more than callgate can hold with the
 * same limit (its own fds, its reserve) */
#define OWN_FDS	    8
#define DEADLINE_MS 15000

enum state {
	ST_NEW,	       /* not started */
	ST_WAITING,    /* for a slot (set under slot_lock) */
	ST_SLOT,       /* has a slot (set under slot_lock) */
	ST_CONNECTING, /* tid set, in (or about to enter) connect() */
	ST_DONE,       /* err set */
};

struct worker {
	pthread_t thread;
	atomic_int state;
	atomic_int tid;
	int err; /* 0 or the errno of socket() or connect() */
	bool socket_failed;
};

static struct sockaddr_in target;
static struct worker *workers;
static int n_workers;

static pthread_mutex_t slot_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t slot_free = PTHREAD_COND_INITIALIZER;
static int slots_left;
static atomic_int started; /* connects begun */

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void nap(void)
{
	struct timespec ts = { .tv_nsec = 2 * 1000000L };

	nanosleep(&ts, NULL);
}

static void *work(void *arg)
{
	struct worker *w = arg;
	int fd;

	pthread_mutex_lock(&slot_lock);
	atomic_store(&w->state, ST_WAITING);
	while (slots_left == 0)
		pthread_cond_wait(&slot_free, &slot_lock);
	slots_left--;
	atomic_store(&w->state, ST_SLOT);
	pthread_mutex_unlock(&slot_lock);

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		w->err = errno;
		w->socket_failed = true;
	} else {
		atomic_store(&w->tid, gettid());
		atomic_store(&w->state, ST_CONNECTING);
		atomic_fetch_add(&started, 1);
		w->err = connect(fd, (struct sockaddr *)&target, sizeof(target)) < 0 ? errno : 0;
		close(fd);
	}
	pthread_mutex_lock(&slot_lock);
	slots_left++;
	pthread_cond_signal(&slot_free);
	pthread_mutex_unlock(&slot_lock);
	atomic_store(&w->state, ST_DONE);
	return NULL;
}

/* Whether thread @tid sleeps in connect(2): its notification is queued. */
static bool in_connect(int tid)
{
	char path[64], buf[64], want[16];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	snprintf(want, sizeof(want), "%d ", (int)SYS_connect);
	return strncmp(buf, want, strlen(want)) == 0;
}

struct census {
	int done, blocked, waiting;
	bool stuck;
};

/* Called with slot_lock held: the slots and the waiting threads agree. */
static struct census count(void)
{
	struct census c = { 0 };

	for (int i = 0; i < n_workers; i++) {
		int st = atomic_load(&workers[i].state);

		if (st == ST_DONE)
			c.done++;
		else if (st == ST_CONNECTING && in_connect(atomic_load(&workers[i].tid)))
			c.blocked++;
		else if (st == ST_WAITING)
			c.waiting++;
	}
	/* every slot held by a connect that sleeps, and threads wait for one */
	c.stuck = slots_left == 0 && c.waiting > 0 && c.done + c.blocked + c.waiting == n_workers;
	return c;
}

/*
 * Until every thread returned or sleeps in connect (its notification
 * queued), or none can go on (stuck), or @deadline.
 */
static struct census settle(long deadline)
{
	struct census c;

	for (;;) {
		pthread_mutex_lock(&slot_lock);
		c = count();
		pthread_mutex_unlock(&slot_lock);
		if (c.done + c.blocked == n_workers || c.stuck || now_ms() > deadline)
			return c;
		nap();
	}
}

static const char *errname(int err)
{
	const char *name = err ? strerrorname_np(err) : "0";

	return name ? name : "?";
}

/* The call the policy refuses: answered at once, whatever is pending. */
static int extra_call(uint16_t port, long *ret_ms)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	long t0 = now_ms();
	int fd, err;

	a.sin_addr.s_addr = htonl(0x7f000002);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	err = connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ? errno : 0;
	close(fd);
	*ret_ms = now_ms() - t0;
	return err;
}

static void hold(const char *file)
{
	long deadline = now_ms() + 30000;

	printf("holding\n");
	fflush(stdout);
	while (access(file, F_OK) < 0 && now_ms() < deadline)
		nap();
}

static int target_main(uint16_t port, int n, const char *holdfile)
{
	struct rlimit rl;
	pthread_attr_t attr;
	struct census c;
	long deadline, ms = -1;
	int eagain = 0, emfile = 0, connected = 0, other = 0, barriers = 0;
	int extra = EPERM, err;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 2;
	printf("pid %d ppid %d nofile %llu %llu\n", (int)getpid(), (int)getppid(),
	       (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
	fflush(stdout);
	if (rl.rlim_cur < (rlim_t)n + OWN_FDS * 2 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max < (rlim_t)n + OWN_FDS * 2 ? rl.rlim_max
								    : (rlim_t)n + OWN_FDS * 2;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			return 2;
	}
	slots_left = (int)rl.rlim_cur - OWN_FDS;
	if (slots_left < 1)
		return 2;

	target = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(port) };
	target.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	n_workers = n;
	workers = calloc((size_t)n, sizeof(*workers));
	if (!workers)
		return 2;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, THREAD_STACK);
	for (int i = 0; i < n; i++) {
		int r = pthread_create(&workers[i].thread, &attr, work, &workers[i]);

		if (r) {
			fprintf(stderr, "pthread_create: %s\n", strerror(r));
			return 2;
		}
	}
	pthread_attr_destroy(&attr);

	/*
	 * Settled, every connect made so far is queued; the extra call is
	 * queued behind them and answered after them.  Again if a connect
	 * began meanwhile (a slot freed by an answer).
	 */
	deadline = now_ms() + DEADLINE_MS;
	for (;;) {
		int before;

		settle(deadline);
		before = atomic_load(&started);
		err = extra_call(port, &ms);
		extra = extra == EPERM ? err : extra;
		barriers++;
		c = settle(deadline);
		if (atomic_load(&started) == before || now_ms() > deadline)
			break;
	}
	err = extra_call(port, &ms);
	extra = extra == EPERM ? err : extra;

	for (int i = 0; i < n; i++) {
		struct worker *w = &workers[i];

		if (atomic_load(&w->state) != ST_DONE)
			continue;
		if (w->socket_failed)
			other++;
		else if (w->err == EAGAIN)
			eagain++;
		else if (w->err == EMFILE)
			emfile++;
		else if (w->err == 0)
			connected++;
		else
			other++;
	}
	printf("returned %d eagain %d emfile %d connected %d other %d pending %d starved %d "
	       "unsettled %d extra-call %s ms %ld barriers %d\n",
	       c.done, eagain, emfile, connected, other, c.blocked, c.waiting,
	       n - c.done - c.blocked - c.waiting, extra == EPERM ? "ok" : errname(extra), ms,
	       barriers);
	fflush(stdout);
	if (holdfile)
		hold(holdfile);
	return c.done + c.blocked == n && extra == EPERM ? 0 : 1;
}

/* A probe connect must stay under way: SYNs to the listener are dropped. */
static int probe(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct pollfd p = { .events = POLLOUT };
	int r;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	p.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (p.fd < 0)
		return -1;
	if (connect(p.fd, (struct sockaddr *)&a, sizeof(a)) == 0 || errno != EINPROGRESS) {
		close(p.fd);
		return -1;
	}
	/* longer than a loopback handshake takes, shorter than the first
	 * SYN retransmission (1 s) */
	r = poll(&p, 1, 300);
	close(p.fd);
	return r == 0 ? 0 : -1;
}

static int listen_main(const char *portfile)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct pollfd p = { .events = POLLOUT };
	socklen_t len = sizeof(a), errlen = sizeof(int);
	int l, filler, err = 0;
	FILE *f;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return 2;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 0) < 0 ||
	    getsockname(l, (struct sockaddr *)&a, &len) < 0) {
		perror("listen");
		return 2;
	}
	/* backlog 0: the accept queue is full with one connection in it
	 * (sk_acceptq_is_full: more than the backlog) */
	filler = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (filler < 0 ||
	    (connect(filler, (struct sockaddr *)&a, sizeof(a)) < 0 && errno != EINPROGRESS)) {
		perror("connect");
		return 2;
	}
	p.fd = filler;
	if (poll(&p, 1, 5000) != 1 || getsockopt(filler, SOL_SOCKET, SO_ERROR, &err, &errlen) < 0 ||
	    err) {
		fprintf(stderr, "the first connection to the listener did not complete\n");
		return 2;
	}
	/* readable once the connection is in the accept queue: the client
	 * may see it complete first */
	p = (struct pollfd){ .fd = l, .events = POLLIN };
	if (poll(&p, 1, 5000) != 1) {
		fprintf(stderr, "the accept queue did not fill\n");
		return 2;
	}
	if (probe(ntohs(a.sin_port)) < 0) {
		fprintf(stderr, "a connect to the full listener did not stay under way\n");
		return 2;
	}
	f = fopen(portfile, "w");
	if (!f || fprintf(f, "%d\n", ntohs(a.sin_port)) < 0 || fclose(f) != 0)
		return 2;
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "listen") == 0)
		return listen_main(argv[2]);
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: pendconn listen PORTFILE | pendconn PORT N [HOLDFILE]\n");
		return 2;
	}
	return target_main((uint16_t)atoi(argv[1]), atoi(argv[2]), argc > 3 ? argv[3] : NULL);
}

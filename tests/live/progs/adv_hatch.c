/* SPDX-License-Identifier: Apache-2.0 */
/*
 * adv_hatch MODE ...: ways around a path or address rule by a call the rule
 * does not name, or names through another door.  Each prints "hatch-MODE
 * breaches N tries M allowed_ok K" (or "hatch-MODE unsupported WHY") and
 * exits 0; connections are counted by the listener outside, breaches
 * printed here are those the program saw itself.
 *
 *   bind-unspec OKPORT NOPORT   bind(AF_UNSPEC, 0.0.0.0:NOPORT) on a UDP
 *                               socket (a breach: bound to NOPORT); allowed:
 *                               bind AF_INET 127.0.0.1:OKPORT
 *   i386 OKPORT NOPORT TRIES SECS
 *                               socketcall(SYS_CONNECT) by int $0x80, its
 *                               argument block's sockaddr pointer flipping
 *                               between OKPORT and NOPORT, and once
 *                               connect (i386 362) to NOPORT
 *   uring-open OKFILE NOFILE    IORING_OP_OPENAT (a breach: "forbidden" read)
 *   uring-connect OKPORT NOPORT IORING_OP_CONNECT
 *   handle OKFILE NOFILE [HANDLE] open_by_handle_at of NOFILE's handle (got
 *                               here, else HANDLE from "gethandle" run
 *                               outside); a breach: "forbidden" read
 *   fastopen OKPORT NOPORT TRIES SECS
 *                               sendto(MSG_FASTOPEN) on an unconnected TCP
 *                               socket to NOPORT, then racing: its sockaddr's
 *                               port flipping between OKPORT and NOPORT
 *   listen OKPORT               listen() on an unbound TCP socket (a breach:
 *                               it is bound to 0.0.0.0); allowed: bind UDP
 *                               to 127.0.0.1:OKPORT
 *   gethandle PATH              prints PATH's file handle (run outside)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/io_uring.h>
#include <linux/net.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "adv.h"
#include "ia32.h"

static atomic_int stop;

static struct sockaddr_in inet_addr_of(unsigned short port, in_addr_t ip)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	a.sin_addr.s_addr = ip;
	return a;
}

static int tcp_socket(void)
{
	struct linger lin = { .l_onoff = 1, .l_linger = 0 };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lin, sizeof(lin));
	return fd;
}

static int bound_port(int fd, in_addr_t *ip)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	if (getsockname(fd, (struct sockaddr *)&a, &len) < 0 || a.sin_family != AF_INET)
		return -1;
	if (ip)
		*ip = a.sin_addr.s_addr;
	return ntohs(a.sin_port);
}

static int peer_port(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	if (getpeername(fd, (struct sockaddr *)&a, &len) < 0 || a.sin_family != AF_INET)
		return -1;
	return ntohs(a.sin_port);
}

static int bind_unspec(unsigned short okport, unsigned short noport)
{
	struct sockaddr_in a = inet_addr_of(noport, htonl(INADDR_ANY));
	int fd = socket(AF_INET, SOCK_DGRAM, 0), breaches = 0, allowed = 0;

	a.sin_family = AF_UNSPEC;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 && bound_port(fd, NULL) == noport)
		breaches++;
	close(fd);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	a = inet_addr_of(okport, htonl(INADDR_LOOPBACK));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 && bound_port(fd, NULL) == okport)
		allowed++;
	close(fd);
	adv_summary("hatch-bind-unspec", breaches, 1, allowed);
	return 0;
}

/* ---- i386 --------------------------------------------------------------- */

struct low {
	unsigned int args[3]; /* socketcall's block: fd, sockaddr, length */
	struct sockaddr_in ok, no;
};

static struct low *low;

static void *args_flipper(void *arg)
{
	volatile unsigned int *p = &low->args[1];
	unsigned int ok = (unsigned int)(unsigned long)&low->ok;
	unsigned int no = (unsigned int)(unsigned long)&low->no;

	(void)arg;
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		*p = no;
		adv_flipped();
		*p = ok;
		adv_flipped();
	}
	return NULL;
}

static int i386_connect(int fd, int flip)
{
	low->args[0] = (unsigned int)fd;
	if (!flip)
		low->args[1] = (unsigned int)(unsigned long)&low->ok;
	low->args[2] = sizeof(struct sockaddr_in);
	return (int)int80(102 /* socketcall */, SYS_CONNECT, (long)(unsigned long)low->args, 0);
}

static int i386(unsigned short okport, unsigned short noport, long tries, double secs)
{
	long breaches = 0, allowed = 0;
	struct adv_budget b;
	pthread_t t;
	int fd;

	if (!ia32_reached()) {
		printf("hatch-i386 unsupported no IA32 emulation\n");
		return 0;
	}
	low = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1,
		   0);
	if (low == MAP_FAILED)
		return 2;
	low->ok = inet_addr_of(okport, htonl(INADDR_LOOPBACK));
	low->no = inet_addr_of(noport, htonl(INADDR_LOOPBACK));
	/* connect (362) straight to the forbidden port */
	fd = tcp_socket();
	if (int80(362, fd, (long)(unsigned long)&low->no, sizeof(low->no)) == 0 &&
	    peer_port(fd) == noport)
		breaches++;
	close(fd);
	low->args[1] = (unsigned int)(unsigned long)&low->ok;
	if (pthread_create(&t, NULL, args_flipper, NULL) != 0)
		return 2;
	adv_wait_flipper();
	adv_budget_init(&b, tries, secs);
	while (adv_more(&b)) {
		fd = tcp_socket();
		if (i386_connect(fd, 1) == 0 && peer_port(fd) == noport)
			breaches++;
		close(fd);
	}
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	for (int i = 0; i < 10; i++) {
		fd = tcp_socket();
		if (i386_connect(fd, 0) == 0 && peer_port(fd) == okport)
			allowed++;
		close(fd);
	}
	adv_summary("hatch-i386", breaches, b.tries + 1, allowed);
	return 0;
}

/* ---- io_uring, raw ---------------------------------------------------- */

struct ring {
	int fd;
	unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
};

static int ring_setup(struct ring *r)
{
	struct io_uring_params p;
	size_t sq_len, cq_len;
	char *sq, *cq;

	memset(&p, 0, sizeof(p));
	r->fd = (int)syscall(__NR_io_uring_setup, 4, &p);
	if (r->fd < 0)
		return -1;
	sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if (p.features & IORING_FEAT_SINGLE_MMAP)
		sq_len = cq_len = sq_len > cq_len ? sq_len : cq_len;
	sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
		  IORING_OFF_SQ_RING);
	if (sq == MAP_FAILED)
		return -1;
	cq = sq;
	if (!(p.features & IORING_FEAT_SINGLE_MMAP)) {
		cq = mmap(NULL, cq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
			  IORING_OFF_CQ_RING);
		if (cq == MAP_FAILED)
			return -1;
	}
	r->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
	if (r->sqes == MAP_FAILED)
		return -1;
	r->sq_tail = (unsigned *)(sq + p.sq_off.tail);
	r->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
	r->sq_array = (unsigned *)(sq + p.sq_off.array);
	r->cq_head = (unsigned *)(cq + p.cq_off.head);
	r->cq_tail = (unsigned *)(cq + p.cq_off.tail);
	r->cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	return 0;
}

/* submits SQE and waits for its completion: its res, or -errno of enter */
static int ring_run(struct ring *r, const struct io_uring_sqe *sqe)
{
	unsigned tail = *r->sq_tail, idx = tail & *r->sq_mask, head;
	int res;

	r->sqes[idx] = *sqe;
	r->sq_array[idx] = idx;
	__atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, r->fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
		return -errno;
	head = *r->cq_head;
	if (head == __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE))
		return -EAGAIN;
	res = r->cqes[head & *r->cq_mask].res;
	__atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
	return res;
}

static int uring_open_one(struct ring *r, const char *path)
{
	struct io_uring_sqe sqe;
	int fd, c;

	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_OPENAT;
	sqe.fd = AT_FDCWD;
	sqe.addr = (unsigned long)path;
	sqe.open_flags = O_RDONLY;
	fd = ring_run(r, &sqe);
	if (fd < 0)
		return 0;
	c = adv_fd_content(fd);
	close(fd);
	return c;
}

static int uring_open(const char *okfile, const char *nofile)
{
	struct ring r;
	int breaches, allowed;

	if (ring_setup(&r) < 0) {
		printf("hatch-uring-open unsupported io_uring_setup: %s\n",
		       strerrorname_np(errno) ?: "?");
		return 0;
	}
	breaches = uring_open_one(&r, nofile) == 1;
	allowed = uring_open_one(&r, okfile) == 2;
	adv_summary("hatch-uring-open", breaches, 1, allowed);
	return 0;
}

static int uring_connect_one(struct ring *r, unsigned short port)
{
	struct sockaddr_in a = inet_addr_of(port, htonl(INADDR_LOOPBACK));
	struct io_uring_sqe sqe;
	int fd = tcp_socket(), got = -1;

	memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_CONNECT;
	sqe.fd = fd;
	sqe.addr = (unsigned long)&a;
	sqe.off = sizeof(a);
	if (ring_run(r, &sqe) == 0)
		got = peer_port(fd);
	close(fd);
	return got;
}

static int uring_connect(unsigned short okport, unsigned short noport)
{
	struct ring r;
	int breaches, allowed;

	if (ring_setup(&r) < 0) {
		printf("hatch-uring-connect unsupported io_uring_setup: %s\n",
		       strerrorname_np(errno) ?: "?");
		return 0;
	}
	breaches = uring_connect_one(&r, noport) == noport;
	allowed = uring_connect_one(&r, okport) == okport;
	adv_summary("hatch-uring-connect", breaches, 1, allowed);
	return 0;
}

/* ---- file handles ----------------------------------------------------- */

struct handle {
	struct file_handle h;
	unsigned char bytes[MAX_HANDLE_SZ];
};

static int get_handle(const char *path, struct handle *h)
{
	int mount_id;

	h->h.handle_bytes = MAX_HANDLE_SZ;
	return name_to_handle_at(AT_FDCWD, path, &h->h, &mount_id, 0);
}

static int parse_handle(const char *text, struct handle *h)
{
	unsigned int n = 0, byte;
	int type, off;

	if (sscanf(text, "%d:%n", &type, &off) != 1)
		return -1;
	h->h.handle_type = type;
	for (text += off; n < MAX_HANDLE_SZ && sscanf(text, "%2x", &byte) == 1; text += 2)
		h->bytes[n++] = (unsigned char)byte;
	h->h.handle_bytes = n;
	return 0;
}

static int by_handle(struct handle *h, const char *dir)
{
	int mfd = open(dir, O_RDONLY | O_DIRECTORY), fd, c = 0;

	if (mfd < 0)
		return -1;
	fd = open_by_handle_at(mfd, &h->h, O_RDONLY);
	if (fd >= 0) {
		c = adv_fd_content(fd);
		close(fd);
	}
	close(mfd);
	return c;
}

static int handle(int argc, char **argv)
{
	struct handle h, okh;
	int breaches = 0, allowed = 0, tries = 0, inside = get_handle(argv[3], &h) == 0;
	char dir[4200], *slash;

	printf("name_to_handle_at inside: %s\n", inside ? "ok" : strerrorname_np(errno) ?: "?");
	snprintf(dir, sizeof(dir), "%s", argv[2]);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = 0;
	if (inside) {
		tries++;
		breaches += by_handle(&h, dir) == 1;
	}
	if (argc > 4 && parse_handle(argv[4], &h) == 0) {
		tries++;
		breaches += by_handle(&h, dir) == 1;
	}
	if (get_handle(argv[2], &okh) == 0)
		allowed = by_handle(&okh, dir) == 2;
	adv_summary("hatch-handle", breaches, tries, allowed);
	return 0;
}

static int gethandle(const char *path)
{
	struct handle h;

	if (get_handle(path, &h) < 0)
		return 1;
	printf("%d:", h.h.handle_type);
	for (unsigned i = 0; i < h.h.handle_bytes; i++)
		printf("%02x", h.bytes[i]);
	printf("\n");
	return 0;
}

/* ---- TCP fast open ---------------------------------------------------- */

static struct sockaddr_in tfo_addr;
static unsigned short tfo_ports[2];

static void *port_flipper(void *arg)
{
	volatile in_port_t *p = &tfo_addr.sin_port;
	in_port_t ok = htons(tfo_ports[0]), no = htons(tfo_ports[1]);

	(void)arg;
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		*p = no;
		adv_flipped();
		*p = ok;
		adv_flipped();
	}
	return NULL;
}

/* the port reached, as far as seen (the listener closing may reset the
 * connection first: then 0), or -1 when sendto failed */
static int fastopen_one(const struct sockaddr_in *a)
{
	int fd = tcp_socket(), got = -1;

	struct pollfd p = { .fd = fd, .events = POLLOUT };

	/* with a cookie, the data leaves in the SYN and sendto returns at once */
	if (sendto(fd, "x", 1, MSG_FASTOPEN, (const struct sockaddr *)a, sizeof(*a)) >= 0 &&
	    poll(&p, 1, 1000) == 1) {
		got = peer_port(fd);
		if (got < 0)
			got = 0;
	}
	close(fd);
	return got;
}

static int fastopen(unsigned short okport, unsigned short noport, long tries, double secs)
{
	struct sockaddr_in no = inet_addr_of(noport, htonl(INADDR_LOOPBACK));
	struct sockaddr_in ok = inet_addr_of(okport, htonl(INADDR_LOOPBACK));
	long breaches = 0, allowed = 0;
	struct adv_budget b;
	pthread_t t;

	breaches += fastopen_one(&no) == noport;
	tfo_ports[0] = okport;
	tfo_ports[1] = noport;
	tfo_addr = ok;
	if (pthread_create(&t, NULL, port_flipper, NULL) != 0)
		return 2;
	adv_wait_flipper();
	adv_budget_init(&b, tries, secs);
	while (adv_more(&b))
		breaches += fastopen_one(&tfo_addr) == noport;
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	for (int i = 0; i < 10; i++)
		allowed += fastopen_one(&ok) >= 0;
	adv_summary("hatch-fastopen", breaches, b.tries + 1, allowed);
	return 0;
}

static int listen_unbound(unsigned short okport)
{
	struct sockaddr_in a = inet_addr_of(okport, htonl(INADDR_LOOPBACK));
	int fd = socket(AF_INET, SOCK_STREAM, 0), breaches = 0, allowed = 0, port;
	in_addr_t ip = 0;

	if (listen(fd, 1) == 0 && (port = bound_port(fd, &ip)) > 0 && ip == htonl(INADDR_ANY)) {
		printf("listening on 0.0.0.0:%d without a bind\n", port);
		breaches++;
	}
	close(fd);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	allowed = bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	close(fd);
	adv_summary("hatch-listen", breaches, 1, allowed);
	return 0;
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";

	if (strcmp(m, "bind-unspec") == 0 && argc == 4)
		return bind_unspec((unsigned short)atoi(argv[2]), (unsigned short)atoi(argv[3]));
	if (strcmp(m, "i386") == 0 && argc == 6)
		return i386((unsigned short)atoi(argv[2]), (unsigned short)atoi(argv[3]),
			    atol(argv[4]), atof(argv[5]));
	if (strcmp(m, "uring-open") == 0 && argc == 4)
		return uring_open(argv[2], argv[3]);
	if (strcmp(m, "uring-connect") == 0 && argc == 4)
		return uring_connect((unsigned short)atoi(argv[2]), (unsigned short)atoi(argv[3]));
	if (strcmp(m, "handle") == 0 && argc >= 4)
		return handle(argc, argv);
	if (strcmp(m, "gethandle") == 0 && argc == 3)
		return gethandle(argv[2]);
	if (strcmp(m, "fastopen") == 0 && argc == 6)
		return fastopen((unsigned short)atoi(argv[2]), (unsigned short)atoi(argv[3]),
				atol(argv[4]), atof(argv[5]));
	if (strcmp(m, "listen") == 0 && argc == 3)
		return listen_unbound((unsigned short)atoi(argv[2]));
	fprintf(stderr, "adv_hatch: bad arguments (see the source's header)\n");
	return 2;
}

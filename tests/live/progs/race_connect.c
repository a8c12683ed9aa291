/* SPDX-License-Identifier: Apache-2.0 */
/*
 * race_connect ALLOWED_PORT FORBIDDEN_PORT ATTEMPTS: listens on both ports
 * of 127.0.0.1, then connects ATTEMPTS times through a sockaddr whose port
 * another thread flips between the two, so the address the supervisor
 * checks may not be the one the kernel uses.  Prints "forbidden_accepts N
 * allowed_accepts M refused K" (accepts counted by the listeners) and
 * exits 0.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static struct sockaddr_in addr;
static uint16_t ports[2];
static atomic_int stop;
static atomic_long accepts[2];

static int listener(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 4096) < 0)
		return -1;
	return fd;
}

static void *acceptor(void *arg)
{
	int which = (int)(long)arg, fd = listener(ports[which]);

	if (fd < 0) {
		perror("listen");
		exit(2);
	}
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 100) > 0) {
			int c = accept(fd, NULL, NULL);

			if (c >= 0) {
				accepts[which]++;
				close(c);
			}
		} else if (atomic_load(&stop)) {
			return NULL;
		}
	}
}

static void *flipper(void *arg)
{
	volatile uint16_t *port = &addr.sin_port;

	(void)arg;
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		*port = htons(ports[1]);
		*port = htons(ports[0]);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct linger lin = { .l_onoff = 1, .l_linger = 0 };
	long attempts, refused = 0;
	pthread_t t[3];

	if (argc != 4)
		return 2;
	ports[0] = (uint16_t)atoi(argv[1]);
	ports[1] = (uint16_t)atoi(argv[2]);
	attempts = atol(argv[3]);
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.sin_port = htons(ports[0]);
	pthread_create(&t[0], NULL, acceptor, (void *)0L);
	pthread_create(&t[1], NULL, acceptor, (void *)1L);
	usleep(200000);
	pthread_create(&t[2], NULL, flipper, NULL);
	for (long i = 0; i < attempts; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd < 0)
			return 2;
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lin, sizeof(lin));
		if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
			refused++;
		close(fd);
	}
	usleep(300000);
	atomic_store(&stop, 1);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	printf("forbidden_accepts %ld allowed_accepts %ld refused %ld\n", (long)accepts[1],
	       (long)accepts[0], refused);
	return 0;
}

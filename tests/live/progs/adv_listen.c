/* SPDX-License-Identifier: Apache-2.0 */
/*
 * adv_listen PORT...: listens on 127.0.0.1:PORT for each PORT, prints
 * "ready" once all listen, and accepts until SIGTERM; then takes what is
 * still queued and prints "accepts PORT N" per port.  Run by
 * tests/live/adversary.sh outside callgate: its count of accepted
 * connections is how a connection to a forbidden port is seen.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_PORTS 8

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int listener(unsigned short port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* a connection that brings data (TCP fast open) is accepted as any */
	setsockopt(fd, IPPROTO_TCP, 23 /* TCP_FASTOPEN */, &(int){ 64 }, sizeof(int));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 4096) < 0)
		return -1;
	return fd;
}

static void drain(int fd, long *count)
{
	for (;;) {
		int c = accept(fd, NULL, NULL);

		if (c < 0)
			return;
		(*count)++;
		close(c);
	}
}

int main(int argc, char **argv)
{
	struct pollfd p[MAX_PORTS];
	long count[MAX_PORTS] = { 0 };
	struct sigaction sa = { .sa_handler = on_term };
	int n = argc - 1;

	if (n < 1 || n > MAX_PORTS)
		return 2;
	sigaction(SIGTERM, &sa, NULL);
	for (int i = 0; i < n; i++) {
		p[i].fd = listener((unsigned short)atoi(argv[i + 1]));
		p[i].events = POLLIN;
		if (p[i].fd < 0) {
			perror(argv[i + 1]);
			return 2;
		}
	}
	printf("ready\n");
	fflush(stdout);
	while (!stop) {
		if (poll(p, (nfds_t)n, 100) <= 0)
			continue;
		for (int i = 0; i < n; i++)
			if (p[i].revents & POLLIN)
				drain(p[i].fd, &count[i]);
	}
	for (int i = 0; i < n; i++) {
		drain(p[i].fd, &count[i]);
		printf("accepts %s %ld\n", argv[i + 1], count[i]);
	}
	return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * decodecalls DIR PORT: the calls tests/live/decode.sh finds in callgate's
 * logs, each result on stdout (so that runs with and without a trace
 * filter can be compared): a socket, a connect to 127.0.0.1:PORT, opens
 * in DIR (one the policy denies, one whose name holds an escape sequence
 * and a newline) and an open with a pointer nobody can read.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static void report(const char *what, long r)
{
	if (r < 0)
		printf("%s: %s\n", what, strerrorname_np(errno));
	else
		printf("%s: ok\n", what);
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	char path[4096];
	int s;
	long r;

	if (argc != 3)
		return 2;
	sin.sin_port = htons((unsigned short)atoi(argv[2]));
	inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	report("socket", s);
	r = connect(s, (struct sockaddr *)&sin, sizeof(sin));
	report("connect", r);
	snprintf(path, sizeof(path), "%s/ok", argv[1]);
	r = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	report("open ok", r);
	snprintf(path, sizeof(path), "%s/deny-me", argv[1]);
	r = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
	report("open deny-me", r);
	snprintf(path, sizeof(path), "%s/e\033[31mred\nline", argv[1]);
	r = openat(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	report("open escape", r);
	r = syscall(SYS_openat, AT_FDCWD, (const char *)1, O_RDONLY);
	report("open badptr", r);
	return 0;
}

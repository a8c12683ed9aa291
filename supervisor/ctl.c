/* SPDX-License-Identifier: Apache-2.0 */
#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "callgate/macro.h"
#include "callgate/answer.h"
#include "callgate/systable.h"
#include "ctl.h"
#include "ctlpeer.h"
#include "log.h"
#include "unixsock.h"

struct ctl_conn {
	ev_io io; /* first */
	ev_io out_io;
	struct ctl_conn *next;
	struct ctl_server *c;
	char in[CTL_LINE_MAX];
	size_t in_len;
	char *out;
	size_t out_len, out_cap;
	bool watching;
	bool closing; /* close once the output is written */
};

/* ---- the server ---------------------------------------------------- */

static void conn_close(struct ctl_conn *k)
{
	struct ctl_server *c = k->c;

	if (k->watching)
		interact_unlisten(c->ix, k);
	ev_io_stop(c->loop, &k->io);
	ev_io_stop(c->loop, &k->out_io);
	close(k->io.fd);
	for (struct ctl_conn **p = &c->conns; *p; p = &(*p)->next)
		if (*p == k) {
			*p = k->next;
			break;
		}
	c->n_conns--;
	free(k->out);
	free(k);
}

static void flush_out(struct ctl_conn *k)
{
	while (k->out_len) {
		ssize_t n = write(k->io.fd, k->out, k->out_len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			ev_io_start(k->c->loop, &k->out_io);
			return;
		}
		if (n <= 0) {
			k->out_len = 0;
			k->closing = true;
			break;
		}
		memmove(k->out, k->out + n, k->out_len - (size_t)n);
		k->out_len -= (size_t)n;
	}
	ev_io_stop(k->c->loop, &k->out_io);
}

/* Queue one JSON line; a client that reads nothing is dropped. */
static void send_json(struct ctl_conn *k, cJSON *obj)
{
	char *text = cJSON_PrintUnformatted(obj);
	size_t n;

	cJSON_Delete(obj);
	if (!text) {
		k->closing = true;
		return;
	}
	n = strlen(text);
	if (k->out_len + n + 1 > CTL_OUT_MAX) {
		free(text);
		k->closing = true;
		return;
	}
	if (k->out_len + n + 1 > k->out_cap) {
		size_t cap = (k->out_len + n + 1) * 2;
		char *grown = realloc(k->out, cap);

		if (!grown) {
			free(text);
			k->closing = true;
			return;
		}
		k->out = grown;
		k->out_cap = cap;
	}
	memcpy(k->out + k->out_len, text, n);
	k->out[k->out_len + n] = '\n';
	k->out_len += n + 1;
	free(text);
	flush_out(k);
}

static void send_ok(struct ctl_conn *k, const char *error)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddBoolToObject(o, "ok", !error);
	if (error)
		cJSON_AddStringToObject(o, "error", error);
	send_json(k, o);
}

static cJSON *question_json(const struct question *q, ev_tstamp now)
{
	cJSON *o = cJSON_CreateObject();
	const char *en = errno_name(q->policy.log_err);

	cJSON_AddNumberToObject(o, "id", q->id);
	cJSON_AddNumberToObject(o, "pid", q->rec->pid);
	cJSON_AddNumberToObject(o, "tid", q->rec->tid);
	cJSON_AddStringToObject(o, "comm", q->store.comm);
	cJSON_AddStringToObject(o, "exe", q->store.exe);
	cJSON_AddStringToObject(o, "cmdline", q->cmdline);
	if (q->rec->container)
		cJSON_AddStringToObject(o, "container", q->rec->container);
	cJSON_AddStringToObject(o, "arch", arch_to_string(q->rec->arch));
	cJSON_AddStringToObject(o, "syscall", q->rec->syscall ? q->rec->syscall : "?");
	cJSON_AddStringToObject(o, "call", q->call);
	if (q->rec->rule >= 0)
		cJSON_AddNumberToObject(o, "rule", q->rec->rule);
	else
		cJSON_AddStringToObject(o, "rule", "default");
	if (q->rec->comment)
		cJSON_AddStringToObject(o, "comment", q->rec->comment);
	if (en)
		cJSON_AddStringToObject(o, "errno", en);
	cJSON_AddStringToObject(o, "where", q->where);
	cJSON_AddBoolToObject(o, "held", q->held);
	cJSON_AddNumberToObject(o, "waiting", (double)(long)((now - q->asked) * 1000) / 1000);
	return o;
}

static void on_event(void *userdata, enum interact_event ev, const struct question *q,
		     const struct answer *a)
{
	struct ctl_conn *k = userdata;
	static const char *const names[] = {
		[INTERACT_ASKED] = "ask",
		[INTERACT_ANSWERED] = "answered",
		[INTERACT_GONE] = "gone",
		[INTERACT_HELD] = "held",
	};
	cJSON *o =
		ev == INTERACT_ASKED ? question_json(q, ev_now(k->c->loop)) : cJSON_CreateObject();

	cJSON_AddStringToObject(o, "event", names[ev]);
	if (ev != INTERACT_ASKED)
		cJSON_AddNumberToObject(o, "id", q->id);
	if (a && ev == INTERACT_ANSWERED) {
		cJSON_AddStringToObject(o, "answer", answer_kind_to_string(a->kind));
		cJSON_AddStringToObject(o, "by", a->by);
	}
	send_json(k, o);
}

static struct question *question_arg(struct ctl_conn *k, const char *arg)
{
	char *end;
	unsigned long id = arg ? strtoul(arg, &end, 10) : 0;
	struct question *q;

	if (!arg || *end || !id) {
		send_ok(k, "expected a question number");
		return NULL;
	}
	q = interact_find(k->c->ix, (unsigned)id);
	if (!q)
		send_ok(k, "no such question (answered, or its caller went away)");
	return q;
}

static void do_save(struct ctl_conn *k)
{
	char *text = NULL, err[160];
	cJSON *o;
	int r = interact_profile(k->c->ix, &text);

	if (r < 0) {
		if (r == -ENOENT)
			snprintf(err, sizeof(err),
				 "nothing to save yet: no allow-always answer names a policy");
		else
			snprintf(err, sizeof(err), "cannot write the profile: %s", strerror(-r));
		send_ok(k, err);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "profile", text);
	free(text);
	send_json(k, o);
	send_ok(k, NULL);
}

/* "VERB ID [ARGS...]": an answer (callgate/answer.h) to question ID. */
static void do_answer(struct ctl_conn *k, char *const *argv, int argc)
{
	const char *words[8];
	struct answer a = { .by = "ctl" };
	struct question *q;
	char why[160];
	size_t n = 0;
	int r;

	words[n++] = argv[0];
	for (int i = 2; i < argc && n < sizeof(words) / sizeof(words[0]); i++)
		words[n++] = argv[i];
	r = answer_parse(words, n, &a, why, sizeof(why));
	if (r == -ENOENT) {
		send_ok(k, "unknown command (list, allow, deny, kill, hold, watch, save)");
		return;
	}
	if (r < 0) {
		send_ok(k, why);
		return;
	}
	q = question_arg(k, argc > 1 ? argv[1] : NULL);
	if (!q)
		return;
	r = interact_answer(k->c->ix, q, &a);
	send_ok(k, r == 0	  ? NULL
		   : r == -EINVAL ? "nothing to narrow the rule to (no such argument, or none a "
				    "pattern can match)"
				  : strerror(-r));
}

static void do_command(struct ctl_conn *k, char *line)
{
	char *argv[8], *save;
	int argc = 0;
	struct question *q;

	for (char *t = strtok_r(line, " \t\r", &save); t && argc < 8;
	     t = strtok_r(NULL, " \t\r", &save))
		argv[argc++] = t;
	if (argc == 0)
		return;
	if (strcmp(argv[0], "list") == 0) {
		for (q = k->c->ix->questions; q; q = q->next)
			send_json(k, question_json(q, ev_now(k->c->loop)));
		send_ok(k, NULL);
	} else if (strcmp(argv[0], "watch") == 0) {
		if (!k->watching && interact_listen(k->c->ix, on_event, k) == 0)
			k->watching = true;
		send_ok(k, k->watching ? NULL : "too many watchers");
		for (q = k->c->ix->questions; k->watching && q; q = q->next)
			on_event(k, INTERACT_ASKED, q, NULL);
	} else if (strcmp(argv[0], "save") == 0) {
		do_save(k);
	} else {
		do_answer(k, argv, argc);
	}
}

static void on_conn_write(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ctl_conn *k = container_of(w, struct ctl_conn, out_io);

	(void)loop;
	(void)revents;
	flush_out(k);
	if (k->closing && !k->out_len)
		conn_close(k);
}

static void on_conn_read(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ctl_conn *k = container_of(w, struct ctl_conn, io);
	ssize_t n;
	char *nl;

	(void)loop;
	(void)revents;
	n = read(w->fd, k->in + k->in_len, sizeof(k->in) - k->in_len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		conn_close(k);
		return;
	}
	k->in_len += (size_t)n;
	while ((nl = memchr(k->in, '\n', k->in_len))) {
		size_t used = (size_t)(nl - k->in) + 1;

		*nl = '\0';
		do_command(k, k->in);
		memmove(k->in, k->in + used, k->in_len - used);
		k->in_len -= used;
	}
	if (k->in_len == sizeof(k->in)) {
		send_ok(k, "line too long");
		k->closing = true;
	}
	if (k->closing && !k->out_len)
		conn_close(k);
}

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77 /* 6.5 */
#endif

/* A pidfd of the process that connected on @fd: SO_PEERPIDFD (6.5), else
 * one opened on its pid (which may have been given to another process
 * meanwhile, if it is gone: refused then, unless reused at once). */
static int peer_pidfd(int fd, pid_t pid)
{
	socklen_t len = sizeof(int);
	int pidfd = -1;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERPIDFD, &pidfd, &len) == 0 && pidfd >= 0)
		return pidfd;
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* Why the peer connected on @fd, @pid, is refused as one of the
 * supervised (ctlpeer.h), in @buf; NULL if it is not. */
static const char *supervised(const struct ctl_server *c, int fd, pid_t pid, char *buf, size_t size)
{
	struct ctl_peer p;
	const char *how = NULL;
	int pidfd = peer_pidfd(fd, pid);
	int r;

	if (pidfd < 0)
		return errno == ESRCH ? "the peer is gone: it cannot be identified"
				      : "cannot identify the peer";
	r = ctl_peer_read(&p, pid, pidfd);
	close(pidfd);
	if (r == -ESRCH)
		return "the peer is gone: it cannot be identified";
	if (r < 0)
		return "cannot identify the peer";
	/* run: callgate is the child subreaper of all it supervises */
	if (ctl_peer_descends(&p, &c->self))
		how = p.chain_ok ? "a descendant of callgate" : "its ancestry cannot be read";
	else if (c->supervised)
		how = c->supervised(c->supervised_userdata, &p);
	ctl_peer_done(&p);
	if (!how)
		return NULL;
	snprintf(buf, size,
		 "the peer is a supervised process (%s): it cannot answer its own questions", how);
	return buf;
}

static void on_accept(struct ev_loop *loop, ev_io *w, int revents)
{
	struct ctl_server *c = container_of(w, struct ctl_server, io);
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct ctl_conn *k;
	const char *why = NULL;
	char how[256];
	int fd;

	(void)revents;
	fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		why = "cannot identify the peer";
	else if (cred.uid != geteuid() && cred.uid != 0)
		why = "the peer is another user";
	else if (c->n_conns >= CTL_CONNS_MAX)
		why = "too many control connections";
	else
		why = supervised(c, fd, cred.pid, how, sizeof(how));
	if (why) {
		char line[384];
		int n = snprintf(line, sizeof(line), "{\"ok\":false,\"error\":\"%s\"}\n", why);

		c->refused++;
		if (write(fd, line, (size_t)n) < 0) {
			/* refused either way */
		}
		log_error("Refused a control connection (pid %d, uid %u): %s", (int)cred.pid,
			  (unsigned)cred.uid, why);
		close(fd);
		return;
	}
	k = calloc(1, sizeof(*k));
	if (!k) {
		close(fd);
		return;
	}
	k->c = c;
	ev_io_init(&k->io, on_conn_read, fd, EV_READ);
	ev_io_init(&k->out_io, on_conn_write, fd, EV_WRITE);
	ev_io_start(loop, &k->io);
	k->next = c->conns;
	c->conns = k;
	c->n_conns++;
}

/* A directory only we can enter: made, or checked if it is there. */
static int private_dir(const char *dir, bool *made)
{
	struct stat st;

	*made = mkdir(dir, 0700) == 0;
	if (!*made && errno != EEXIST)
		return -errno;
	if (lstat(dir, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077))
		return -EPERM;
	return 0;
}

int ctl_socket_dir(char *buf, size_t size)
{
	const char *run = getenv("XDG_RUNTIME_DIR");

	if (run && run[0] == '/')
		return snprintf(buf, size, "%s/callgate", run) < (int)size ? 0 : -ENAMETOOLONG;
	return snprintf(buf, size, "/tmp/callgate-%u", (unsigned)geteuid()) < (int)size
		       ? 0
		       : -ENAMETOOLONG;
}

int ctl_server_start(struct ctl_server *c, struct ev_loop *loop, struct interact *ix,
		     const char *path, char *err, size_t err_size)
{
	bool made = false;
	int r;

	*c = (struct ctl_server){ .loop = loop, .ix = ix, .fd = -1, .claim = { .fd = -1 } };
	r = ctl_proc_read(getpid(), &c->self, NULL);
	if (r < 0) {
		snprintf(err, err_size, "cannot read /proc/self/stat: %s", strerror(-r));
		return r;
	}
	if (path) {
		snprintf(c->path, sizeof(c->path), "%s", path);
	} else {
		r = ctl_socket_dir(c->dir, sizeof(c->dir));
		if (r == 0)
			r = private_dir(c->dir, &made);
		if (r < 0) {
			snprintf(err, err_size, "%s: %s", c->dir,
				 r == -EPERM ? "not a private directory of this user"
					     : strerror(-r));
			c->dir[0] = '\0';
			return r;
		}
		if (snprintf(c->path, sizeof(c->path), "%.4000s/%d.sock", c->dir, (int)getpid()) >=
		    (int)sizeof(c->path))
			return -ENAMETOOLONG;
	}
	/* a stale socket (of an earlier run with our pid, say) is replaced,
	 * a live one never: another run or serve answers there */
	r = unix_listen_claim(c->path, 0600, (uid_t)-1, (gid_t)-1, 16, &c->claim);
	if (r < 0) {
		snprintf(err, err_size, "%s: %s", c->path,
			 r == -EADDRINUSE     ? "another callgate (or some other program) listens "
						"there"
			 : r == -EEXIST	      ? "a file that is not a socket is there"
			 : r == -ENAMETOOLONG ? "path too long for a socket"
					      : strerror(-r));
		if (made)
			rmdir(c->dir);
		c->dir[0] = '\0';
		return r;
	}
	c->fd = c->claim.fd;
	if (!made)
		c->dir[0] = '\0'; /* not ours to remove */
	ev_io_init(&c->io, on_accept, c->fd, EV_READ);
	ev_io_start(loop, &c->io);
	ev_unref(loop); /* the control socket alone keeps nothing running */
	return 0;
}

void ctl_server_stop(struct ctl_server *c)
{
	if (c->fd < 0)
		return;
	ev_ref(c->loop);
	ev_io_stop(c->loop, &c->io);
	while (c->conns)
		conn_close(c->conns);
	unix_claim_release(&c->claim, c->path); /* only if still ours */
	c->fd = -1;
	if (c->dir[0])
		rmdir(c->dir); /* only if empty: other runs may use it */
}

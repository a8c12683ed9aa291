/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "callgate/policy_write.h"
#include "callgate/sysargs.h"
#include "interact.h"
#include "log.h"
#include "logsink.h"
#include "notif.h"
#include "policy_load.h"

/* How often questions are looked at (callers gone, timeouts), seconds. */
#define TICK 0.25
/* Checks a question's notification may stay invalid before it is dropped:
 * a call restarted after a signal comes back as a new one meanwhile. */
#define STALE_CHECKS 4

const char *answer_kind_to_string(enum answer_kind k)
{
	switch (k) {
	case ANSWER_ALLOW: return "allow";
	case ANSWER_ALWAYS: return "allow-always";
	case ANSWER_DENY: return "deny";
	case ANSWER_KILL: return "kill";
	default: return "hold";
	}
}

static int64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void emit(struct interact *ix, enum interact_event ev, const struct question *q,
		 const struct answer *a)
{
	/* a listener may leave while called: walk a copy */
	size_t n = ix->n_listeners;
	__typeof__(ix->listeners[0]) copy[INTERACT_LISTENERS_MAX];

	memcpy(copy, ix->listeners, n * sizeof(copy[0]));
	for (size_t i = 0; i < n; i++)
		copy[i].cb(copy[i].userdata, ev, q, a);
}

int interact_listen(struct interact *ix, interact_cb cb, void *userdata)
{
	if (ix->n_listeners >= INTERACT_LISTENERS_MAX)
		return -ENOSPC;
	ix->listeners[ix->n_listeners].cb = cb;
	ix->listeners[ix->n_listeners].userdata = userdata;
	ix->n_listeners++;
	return 0;
}

void interact_unlisten(struct interact *ix, void *userdata)
{
	for (size_t i = 0; i < ix->n_listeners; i++)
		if (ix->listeners[i].userdata == userdata) {
			memmove(&ix->listeners[i], &ix->listeners[i + 1],
				(ix->n_listeners - i - 1) * sizeof(ix->listeners[0]));
			ix->n_listeners--;
			return;
		}
}

/* Which arguments are integers (not pointers, fds or lengths of a
 * buffer), the ones an allow-always rule can be narrowed to. */
static unsigned int_args(const char *name)
{
	const char *k = sysargs_kinds(name);
	unsigned mask = 0;

	if (!k)
		return 0;
	for (unsigned i = 0; k[i] && i < 6; i++)
		if (strchr("iuxof", k[i]))
			mask |= 1u << i;
	return mask;
}

bool interact_allowed_always(const struct interact *ix, enum cg_arch arch, int nr,
			     const uint64_t args[6], const char *path, const char *addr)
{
	for (size_t i = 0; i < ix->n_always; i++) {
		const struct always_rule *r = &ix->always[i];

		if (r->arch != arch || r->nr != nr)
			continue;
		switch (r->scope) {
		case SCOPE_SYSCALL: return true;
		case SCOPE_ARGS: {
			bool same = true;

			for (unsigned a = 0; a < 6; a++)
				if ((r->arg_mask & (1u << a)) && args[a] != r->args[a])
					same = false;
			if (same)
				return true;
			break;
		}
		case SCOPE_PATH: {
			const char *v = r->is_addr ? addr : path;

			if (v && strcmp(v, r->value) == 0)
				return true;
			break;
		}
		}
	}
	return false;
}

/* The caller's instruction pointer as "library+0xoffset", from its maps. */
static void describe_ip(pid_t tid, uint64_t ip, char *buf, size_t size)
{
	char path[64], line[PATH_MAX + 128];
	FILE *f;

	snprintf(buf, size, "0x%" PRIx64, ip);
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)tid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start, end, off;
		char file[PATH_MAX] = "";

		if (sscanf(line, "%llx-%llx %*s %llx %*s %*s %4095[^\n]", &start, &end, &off,
			   file) < 3)
			continue;
		if (ip < start || ip >= end)
			continue;
		if (file[0]) {
			const char *base = strrchr(file, '/');

			snprintf(buf, size, "%s+0x%llx (%s)", base ? base + 1 : file,
				 (unsigned long long)(ip - start + off), file);
		}
		break;
	}
	fclose(f);
}

static void read_cmdline(pid_t tid, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int fd;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return;
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\0' || buf[i] == '\n')
			buf[i] = ' ';
	while (n > 0 && buf[n - 1] == ' ')
		n--;
	buf[n] = '\0';
}

/* The record's call as strace shows it, without "[pid N] " and the result. */
static void describe_call(const struct record *rec, char *buf, size_t size)
{
	char line[4096];
	struct record r = *rec;
	const char *start;
	char *end;

	r.decision = RECORD_ASK;
	if (record_format_text(&r, line, sizeof(line)) < 0) {
		snprintf(buf, size, "%s(...)", rec->syscall ? rec->syscall : "?");
		return;
	}
	start = strstr(line, "] ");
	start = start ? start + 2 : line;
	end = strstr(start, " = ? ask");
	if (end)
		*end = '\0';
	{
		size_t n = strlen(start);

		if (n >= size)
			n = size - 1;
		memcpy(buf, start, n);
		buf[n] = '\0';
	}
}

static void question_free(struct question *q)
{
	free(q);
}

static void unlink_question(struct interact *ix, struct question *q)
{
	for (struct question **p = &ix->questions; *p; p = &(*p)->next)
		if (*p == q) {
			*p = q->next;
			ix->n_questions--;
			return;
		}
}

static void log_question(struct interact *ix, struct question *q, enum record_decision d, int err,
			 const char *reason)
{
	struct record r = q->rec;

	r.time_usec = now_usec();
	r.decision = d;
	r.err = err;
	r.reason = reason;
	r.action = NULL;
	log_sink_record(ix->log, &r);
}

int interact_ask(struct interact *ix, int listener, const struct seccomp_notif *req,
		 const struct decision *policy, const struct record *rec)
{
	struct question *q;

	/* the same call again, restarted after a signal: same question */
	for (q = ix->questions; q; q = q->next)
		if (q->listener == listener && q->rec.tid == (int)req->pid &&
		    q->rec.nr == req->data.nr &&
		    memcmp(q->rec.args, req->data.args, sizeof(q->rec.args)) == 0 &&
		    notif_id_valid(listener, q->notif) < 0) {
			q->notif = req->id;
			q->stale = 0;
			return 0;
		}
	if (ix->n_questions >= INTERACT_QUESTIONS_MAX)
		return -ENOSPC;
	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	q->id = ++ix->next_id;
	q->listener = listener;
	q->notif = req->id;
	q->asked = ev_now(ix->loop);
	q->policy = *policy;
	q->rec = *rec;
	if (rec->comm) {
		snprintf(q->comm, sizeof(q->comm), "%s", rec->comm);
		q->rec.comm = q->comm;
	}
	if (rec->exe) {
		snprintf(q->exe, sizeof(q->exe), "%s", rec->exe);
		q->rec.exe = q->exe;
	}
	for (size_t i = 0; i < rec->n_paths && i < RECORD_PATHS_MAX; i++) {
		snprintf(q->paths[i], sizeof(q->paths[i]), "%s", rec->paths[i]);
		q->rec.paths[i] = q->paths[i];
	}
	if (rec->addr) {
		snprintf(q->addr, sizeof(q->addr), "%s", rec->addr);
		q->rec.addr = q->addr;
	}
	q->rec.reason = NULL;
	q->rec.action = NULL;
	read_cmdline((pid_t)req->pid, q->cmdline, sizeof(q->cmdline));
	describe_ip((pid_t)req->pid, req->data.instruction_pointer, q->where, sizeof(q->where));
	describe_call(&q->rec, q->call, sizeof(q->call));
	/* oldest first */
	{
		struct question **p = &ix->questions;

		while (*p)
			p = &(*p)->next;
		*p = q;
	}
	ix->n_questions++;
	log_question(ix, q, RECORD_ASK, policy->log_err, "waiting for the operator");
	emit(ix, INTERACT_ASKED, q, NULL);
	if (!ev_is_active(&ix->tick))
		ev_timer_start(ix->loop, &ix->tick);
	return 0;
}

void interact_forget(struct interact *ix, int listener)
{
	struct question *next;

	for (struct question *q = ix->questions; q; q = next) {
		next = q->next;
		if (q->listener != listener)
			continue;
		unlink_question(ix, q);
		ix->vanished++;
		emit(ix, INTERACT_GONE, q, NULL);
		question_free(q);
	}
}

struct question *interact_find(struct interact *ix, unsigned id)
{
	for (struct question *q = ix->questions; q; q = q->next)
		if (q->id == id)
			return q;
	return NULL;
}

static int add_always(struct interact *ix, const struct question *q, enum always_scope scope)
{
	struct always_rule r = { .arch = q->rec.arch, .nr = q->rec.nr, .scope = scope };
	struct always_rule *grown;

	if (scope == SCOPE_ARGS) {
		r.arg_mask = int_args(q->rec.syscall);
		memcpy(r.args, q->rec.args, sizeof(r.args));
		if (!r.arg_mask)
			return -EINVAL; /* nothing to narrow to */
	} else if (scope == SCOPE_PATH) {
		const char *v = q->rec.n_paths ? q->rec.paths[0] : q->rec.addr;

		if (!v)
			return -EINVAL;
		r.is_addr = !q->rec.n_paths;
		r.value = strdup(v);
		if (!r.value)
			return -ENOMEM;
	}
	if (ix->n_always >= INTERACT_ALWAYS_MAX) {
		free(r.value);
		return -ENOSPC;
	}
	grown = realloc(ix->always, (ix->n_always + 1) * sizeof(*grown));
	if (!grown) {
		free(r.value);
		return -ENOMEM;
	}
	ix->always = grown;
	ix->always[ix->n_always++] = r;
	return 0;
}

static const char *scope_name(enum always_scope s)
{
	return s == SCOPE_ARGS ? "args" : s == SCOPE_PATH ? "path" : "syscall";
}

/* Send the answer and log it; frees @q. */
static void settle(struct interact *ix, struct question *q, const struct answer *a)
{
	char reason[96];
	int r, err = 0;
	enum record_decision d;

	switch (a->kind) {
	case ANSWER_ALLOW:
	case ANSWER_ALWAYS:
		r = notif_send_continue_id(q->listener, q->notif);
		d = RECORD_ALLOW;
		break;
	case ANSWER_KILL:
		/* the caller may have gone and its pid been reused while
		 * the question waited: killed only if it is still ours */
		r = notif_signal_and_fail(q->listener, q->notif, q->rec.pid, SIGKILL, EPERM);
		d = RECORD_KILL;
		break;
	default:
		err = a->err						      ? a->err
		      : q->policy.response == DECISION_ERROR && q->policy.err ? q->policy.err
									      : EPERM;
		r = notif_send_id(q->listener, q->notif, err);
		d = RECORD_DENY;
		break;
	}
	unlink_question(ix, q);
	if (r < 0 && r != -ENOENT)
		log_error("Failed to answer the question of pid %d: %s", (int)q->rec.pid,
			  strerror(-r));
	if (r == -ENOENT) {
		ix->vanished++;
		emit(ix, INTERACT_GONE, q, NULL);
		question_free(q);
		return;
	}
	ix->answered++;
	if (ix->recorder && d == RECORD_ALLOW)
		recorder_add(ix->recorder, q->rec.arch, q->rec.nr, q->rec.args, q->rec.paths,
			     q->rec.n_paths, q->rec.addr);
	if (a->kind == ANSWER_ALWAYS)
		snprintf(reason, sizeof(reason), "%s: allow always (%s)", a->by,
			 scope_name(a->scope));
	else
		snprintf(reason, sizeof(reason), "%s: %s", a->by, answer_kind_to_string(a->kind));
	log_question(ix, q, d, err, reason);
	emit(ix, INTERACT_ANSWERED, q, a);
	question_free(q);
}

int interact_answer(struct interact *ix, struct question *q, const struct answer *a)
{
	if (a->kind == ANSWER_HOLD) {
		q->held = true;
		emit(ix, INTERACT_HELD, q, a);
		return 0;
	}
	if (a->kind == ANSWER_ALWAYS) {
		int r = add_always(ix, q, a->scope);

		if (r < 0)
			return r;
	}
	settle(ix, q, a);
	if (a->kind == ANSWER_ALWAYS) {
		/* others waiting on what is now allowed go on too */
		struct answer by_rule = { .kind = ANSWER_ALLOW, .by = "allow-always rule" };
		struct question *next;

		for (struct question *o = ix->questions; o; o = next) {
			next = o->next;
			if (interact_allowed_always(ix, o->rec.arch, o->rec.nr, o->rec.args,
						    o->rec.n_paths ? o->rec.paths[0] : NULL,
						    o->rec.addr))
				settle(ix, o, &by_rule);
		}
	}
	return 0;
}

static void on_tick(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct interact *ix = (struct interact *)((char *)t - offsetof(struct interact, tick));
	struct question *next;

	(void)revents;
	for (struct question *q = ix->questions; q; q = next) {
		next = q->next;
		if (notif_id_valid(q->listener, q->notif) < 0) {
			if (++q->stale >= STALE_CHECKS) {
				unlink_question(ix, q);
				ix->vanished++;
				emit(ix, INTERACT_GONE, q, NULL);
				question_free(q);
			}
			continue;
		}
		q->stale = 0;
		if (ix->timeout > 0 && !q->held && ev_now(loop) - q->asked >= ix->timeout) {
			struct answer a = {
				.kind = ix->dflt == DECISION_ASK_ALLOW ? ANSWER_ALLOW : ANSWER_DENY,
				.by = "ask-timeout",
			};

			ix->timed_out++;
			settle(ix, q, &a);
		}
	}
	if (!ix->questions)
		ev_timer_stop(loop, t);
}

int interact_init(struct interact *ix, struct ev_loop *loop, int listener, const struct plan *plan,
		  struct log_sink *log)
{
	double timeout = ix->timeout;
	enum decision_ask dflt = ix->dflt;
	struct recorder *recorder = ix->recorder;

	*ix = (struct interact){ .loop = loop,
				 .listener = listener,
				 .plan = plan,
				 .log = log,
				 .timeout = timeout,
				 .dflt = dflt,
				 .recorder = recorder };
	ev_timer_init(&ix->tick, on_tick, TICK, TICK);
	return 0;
}

void interact_done(struct interact *ix)
{
	if (ix->loop)
		ev_timer_stop(ix->loop, &ix->tick);
	while (ix->questions) {
		struct question *q = ix->questions;
		struct answer a = {
			.kind = ix->dflt == DECISION_ASK_ALLOW ? ANSWER_ALLOW : ANSWER_DENY,
			.by = "exit",
		};

		settle(ix, q, &a);
	}
	for (size_t i = 0; i < ix->n_always; i++)
		free(ix->always[i].value);
	free(ix->always);
	ix->always = NULL;
	ix->n_always = 0;
	ix->n_listeners = 0;
}

static char **strv1(const char *s)
{
	char **v = calloc(1, sizeof(*v));

	if (v && !(v[0] = strdup(s))) {
		free(v);
		v = NULL;
	}
	return v;
}

/* The allow-always rule @a as a profile rule. */
static int rule_of(const struct always_rule *a, struct policy_rule *r)
{
	static const char *const scope_comment[] = {
		[SCOPE_SYSCALL] = "allowed always by the operator (callgate interactive)",
		[SCOPE_ARGS] = "allowed always by the operator with these arguments (callgate "
			       "interactive)",
		[SCOPE_PATH] = "allowed always by the operator for this path or address "
			       "(callgate interactive)",
	};
	const char *name = syscall_name(a->arch, a->nr);

	*r = (struct policy_rule){ .action = POLICY_ACT_ALLOW };
	if (!name)
		return -EINVAL;
	r->names = strv1(name);
	r->comment = strdup(scope_comment[a->scope]);
	if (!r->names || !r->comment)
		return -ENOMEM;
	r->n_names = 1;
	if (a->scope == SCOPE_ARGS) {
		r->args = calloc(6, sizeof(*r->args));
		if (!r->args)
			return -ENOMEM;
		for (unsigned i = 0; i < 6; i++)
			if (a->arg_mask & (1u << i))
				r->args[r->n_args++] = (struct policy_arg){ .index = i,
									    .value = a->args[i],
									    .op = POLICY_OP_EQ };
	} else if (a->scope == SCOPE_PATH) {
		char **v = strv1(a->value);

		if (!v)
			return -ENOMEM;
		if (a->is_addr) {
			r->addresses = v;
			r->n_addresses = 1;
		} else {
			r->paths = v;
			r->n_paths = 1;
		}
	}
	return 0;
}

/* Drop @name from rules that deny it whatever its arguments: an
 * unconditional allow of the same syscall would conflict with them. */
static void unname_denials(struct policy *p, const char *name)
{
	for (size_t i = 0; i < p->n_rules; i++) {
		struct policy_rule *r = &p->rules[i];

		if (!policy_action_denies(r->action) || r->n_args || r->n_paths || r->n_addresses)
			continue;
		for (size_t j = 0; j < r->n_names; j++)
			if (strcmp(r->names[j], name) == 0) {
				free(r->names[j]);
				memmove(&r->names[j], &r->names[j + 1],
					(r->n_names - j - 1) * sizeof(char *));
				r->n_names--;
				j--;
			}
	}
}

int interact_profile(const struct interact *ix, const char *path, char **ret, char *err,
		     size_t err_size)
{
	struct policy_error pe = { 0 };
	struct policy *p = NULL;
	struct policy_rule *rules;
	size_t n = ix->n_always;
	int r;

	r = policy_load_file(path, &p, &pe);
	if (r < 0) {
		policy_error_format(path, &pe, err, err_size);
		return r;
	}
	rules = calloc(p->n_rules + n, sizeof(*rules));
	if (!rules) {
		policy_free(p);
		return -ENOMEM;
	}
	/* the operator's rules first: they are what was decided last */
	for (size_t i = 0; i < n; i++) {
		r = rule_of(&ix->always[i], &rules[i]);
		if (r == 0 && ix->always[i].scope == SCOPE_SYSCALL)
			unname_denials(p, rules[i].names[0]);
		if (r < 0) {
			snprintf(err, err_size, "cannot write rule %zu: %s", i, strerror(-r));
			/* what was built so far goes with the policy */
			memcpy(rules + n, p->rules, p->n_rules * sizeof(*rules));
			free(p->rules);
			p->rules = rules;
			p->n_rules += n;
			policy_free(p);
			return r;
		}
	}
	memcpy(rules + n, p->rules, p->n_rules * sizeof(*rules));
	free(p->rules);
	p->rules = rules;
	p->n_rules += n;
	r = policy_write(p, ret);
	if (r < 0)
		snprintf(err, err_size, "cannot write the profile: %s", strerror(-r));
	policy_free(p);
	return r;
}

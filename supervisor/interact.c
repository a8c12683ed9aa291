/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "callgate/macro.h"
#include "callgate/cleanup.h"
#include "callgate/policy_write.h"
#include "interact.h"
#include "log.h"
#include "logsink.h"
#include "notif.h"
#include "procinfo.h"

/* How often questions are looked at (callers gone, timeouts), seconds. */
#define TICK 0.25
/* Checks a question's notification may stay invalid before it is dropped:
 * a call restarted after a signal comes back as a new one meanwhile. */
#define STALE_CHECKS 4

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

bool interact_allowed_always(const struct interact *ix, enum cg_arch arch, int nr,
			     const uint64_t args[6], const char *path, const char *addr)
{
	const struct always_rule *r =
		always_rules_find(ix->always, ix->n_always, arch, nr, args, path, addr);

	return r && !r->deny;
}

bool interact_denied_always(const struct interact *ix, enum cg_arch arch, int nr,
			    const uint64_t args[6], const char *path, const char *addr,
			    int *ret_err, const char **ret_reason)
{
	const struct always_rule *r =
		always_rules_find(ix->always, ix->n_always, arch, nr, args, path, addr);

	if (!r || !r->deny)
		return false;
	*ret_err = r->err;
	*ret_reason = r->reason;
	return true;
}

/* The errno a denial of @q by @a gives: the one named, else the policy's. */
static int deny_errno(const struct question *q, const struct answer *a)
{
	if (a->err)
		return a->err;
	return q->policy.response == DECISION_ERROR && q->policy.err ? q->policy.err : EPERM;
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

void interact_question_free(struct question *q)
{
	if (q && q->carry)
		q->carry->free(q->carry);
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
	struct record r = *q->rec;

	r.time_usec = now_usec();
	r.decision = d;
	r.err = err;
	r.reason = reason;
	r.action = NULL;
	/* the same refusal carries the same provenance as the policy's */
	if (d != RECORD_ASK && d != RECORD_GONE)
		r.provenance = record_settled_provenance(r.provenance, d == RECORD_ALLOW);
	log_sink_record(ix->log, &r);
}

/* @q's caller went away unanswered: its ask record closed, with @why. */
static void gone(struct interact *ix, struct question *q, const char *why)
{
	ix->vanished++;
	log_question(ix, q, RECORD_GONE, 0, why);
	emit(ix, INTERACT_GONE, q, NULL);
}

int interact_question_new(const struct plan *plan, int listener, const struct seccomp_notif *req,
			  const struct decision *policy, const struct record *rec,
			  struct question **ret)
{
	struct question *q = calloc(1, sizeof(*q));

	if (!q)
		return -ENOMEM;
	q->listener = listener;
	q->notif = req->id;
	q->plan = plan;
	q->policy = *policy;
	record_copy(&q->store, rec);
	q->store.rec.reason = NULL;
	q->store.rec.action = NULL;
	q->rec = &q->store.rec;
	procinfo_cmdline((pid_t)req->pid, q->cmdline, sizeof(q->cmdline));
	procinfo_where((pid_t)req->pid, req->data.instruction_pointer, q->where, sizeof(q->where));
	describe_call(q->rec, q->call, sizeof(q->call));
	*ret = q;
	return 0;
}

static void settle(struct interact *ix, struct question *q, const struct answer *a,
		   const char *why);

int interact_enqueue(struct interact *ix, struct question *q)
{
	struct question **p;

	/* the same call again, restarted after a signal: same question */
	for (struct question *o = ix->questions; o; o = o->next)
		if (o->listener == q->listener && o->rec->tid == q->rec->tid &&
		    o->rec->nr == q->rec->nr &&
		    memcmp(o->rec->args, q->rec->args, sizeof(o->rec->args)) == 0 &&
		    notif_id_valid(o->listener, o->notif) < 0) {
			o->notif = q->notif;
			o->stale = 0;
			interact_question_free(q);
			return 0;
		}
	if (ix->n_questions >= INTERACT_QUESTIONS_MAX) {
		interact_question_free(q);
		return -ENOSPC;
	}
	q->id = ++ix->next_id;
	q->asked = ev_now(ix->loop);
	/* oldest first */
	for (p = &ix->questions; *p; p = &(*p)->next)
		;
	*p = q;
	ix->n_questions++;
	log_question(ix, q, RECORD_ASK, q->policy.log_err, "waiting for the operator");
	/* its line before the question (a text log on the terminal) */
	log_sink_flush(ix->log);
	if (ix->closed_by) {
		struct answer a = { .kind = ix->dflt == DECISION_ASK_ALLOW ? ANSWER_ALLOW
									   : ANSWER_DENY,
				    .by = ix->closed_by };

		settle(ix, q, &a, NULL);
		return 0;
	}
	emit(ix, INTERACT_ASKED, q, NULL);
	if (!ev_is_active(&ix->tick))
		ev_timer_start(ix->loop, &ix->tick);
	return 0;
}

int interact_ask(struct interact *ix, const struct plan *plan, int listener,
		 const struct seccomp_notif *req, const struct decision *policy,
		 const struct record *rec)
{
	struct question *q;
	int r = interact_question_new(plan, listener, req, policy, rec, &q);

	return r < 0 ? r : interact_enqueue(ix, q);
}

/* A copy of @p that does not depend on its plan (as written and read back). */
static int policy_copy(const struct policy *p, struct policy **ret)
{
	_cleanup_free_ char *text = NULL;
	int r = policy_write(p, &text);

	if (r < 0)
		return r;
	return policy_parse_buf(text, strlen(text), p->filename ? p->filename : "<copy>", ret,
				NULL);
}

void interact_forget(struct interact *ix, int listener)
{
	struct question *next;

	for (struct question *q = ix->questions; q; q = next) {
		next = q->next;
		if (q->listener != listener)
			continue;
		unlink_question(ix, q);
		gone(ix, q, "its target is no longer served");
		interact_question_free(q);
	}
	/* the policy to save goes with that target's plan: keep a copy */
	if (listener >= 0 && listener == ix->profile_listener) {
		int r = policy_copy(ix->profile, &ix->profile_copy);

		if (r < 0)
			log_error("Failed to keep the policy for `callgate ctl save`: %s",
				  strerror(-r));
		ix->profile = ix->profile_copy;
		ix->profile_listener = -1;
	}
}

struct question *interact_find(struct interact *ix, unsigned id)
{
	for (struct question *q = ix->questions; q; q = q->next)
		if (q->id == id)
			return q;
	return NULL;
}

static int add_always(struct interact *ix, const struct question *q, const struct answer *a)
{
	struct always_rule r;
	struct always_rule *grown;
	int err;

	if (ix->n_always >= INTERACT_ALWAYS_MAX)
		return -ENOSPC;
	err = always_rule_init(&r, q->rec, a->scope);
	if (err < 0)
		return err;
	r.deny = a->kind == ANSWER_DENY_ALWAYS;
	if (r.deny) {
		r.err = deny_errno(q, a);
		snprintf(r.reason, sizeof(r.reason), "denied always by the operator (%s)", a->by);
	}
	grown = realloc(ix->always, (ix->n_always + 1) * sizeof(*grown));
	if (!grown) {
		always_rule_done(&r);
		return -ENOMEM;
	}
	ix->always = grown;
	ix->always[ix->n_always++] = r;
	/* saved with the policy of the target it was made for */
	if (q->plan && q->plan->policy != ix->profile) {
		policy_free(ix->profile_copy);
		ix->profile_copy = NULL;
		ix->profile = q->plan->policy;
	}
	if (q->plan)
		ix->profile_listener = q->listener;
	return 0;
}

/* Send the answer and log it, with @why as the reason (NULL: who answered
 * what); frees @q. */
static void settle(struct interact *ix, struct question *q, const struct answer *a, const char *why)
{
	const struct record *rec = q->rec;
	char reason[96];
	int r, err = 0;
	bool carried = false;
	enum record_decision d;

	if (why)
		snprintf(reason, sizeof(reason), "%s", why);
	else if (a->kind == ANSWER_ALWAYS || a->kind == ANSWER_DENY_ALWAYS)
		snprintf(reason, sizeof(reason), "%s: %s always (%s)", a->by,
			 a->kind == ANSWER_ALWAYS ? "allow" : "deny",
			 answer_scope_to_string(a->scope));
	else
		snprintf(reason, sizeof(reason), "%s: %s", a->by, answer_kind_to_string(a->kind));
	switch (a->kind) {
	case ANSWER_ALLOW:
	case ANSWER_ALWAYS:
		d = RECORD_ALLOW;
		if (q->carry) {
			/* from the copy the operator saw, by the target's
			 * session, which logs the outcome */
			struct question_carry *c = q->carry;

			q->carry = NULL;
			carried = true;
			r = c->out(c, reason);
			if (r < 0) {
				err = EPERM;
				d = RECORD_DENY;
				r = notif_send_id(q->listener, q->notif, err);
				snprintf(reason, sizeof(reason), "%s: allow, not carried out: %s",
					 a->by, "callgate is stopping");
				carried = false;
			}
			break;
		}
		r = notif_send_continue_id(q->listener, q->notif);
		break;
	case ANSWER_KILL:
		/* the caller may have gone and its pid been reused while
		 * the question waited: killed only if it is still ours */
		r = notif_signal_and_fail(q->listener, q->notif, rec->tid, SIGKILL, EPERM);
		d = RECORD_KILL;
		break;
	default:
		err = deny_errno(q, a);
		r = notif_send_id(q->listener, q->notif, err);
		d = RECORD_DENY;
		break;
	}
	unlink_question(ix, q);
	if (r < 0 && r != -ENOENT)
		log_error("Failed to answer the question of pid %d: %s", (int)rec->pid,
			  strerror(-r));
	if (r == -ENOENT) {
		gone(ix, q, "the caller went away before the answer");
		log_sink_flush(ix->log);
		interact_question_free(q);
		return;
	}
	ix->answered++;
	if (ix->recording && d == RECORD_ALLOW)
		recording_add(ix->recording, rec->arch, rec->nr, rec->args, rec->paths,
			      rec->n_paths, rec->addr);
	if (!carried) {
		log_question(ix, q, d, err, reason);
		log_sink_flush(ix->log);
	}
	emit(ix, INTERACT_ANSWERED, q, a);
	interact_question_free(q);
}

int interact_answer(struct interact *ix, struct question *q, const struct answer *a)
{
	if (a->kind == ANSWER_HOLD) {
		q->held = true;
		emit(ix, INTERACT_HELD, q, a);
		return 0;
	}
	if (a->kind == ANSWER_ALWAYS || a->kind == ANSWER_DENY_ALWAYS) {
		int r = add_always(ix, q, a);

		if (r < 0)
			return r;
	}
	settle(ix, q, a, NULL);
	if (a->kind == ANSWER_ALWAYS || a->kind == ANSWER_DENY_ALWAYS) {
		/* others waiting on what is now ruled are settled by the rule */
		struct question *next;

		for (struct question *o = ix->questions; o; o = next) {
			const struct record *rec = o->rec;
			const struct always_rule *r = always_rules_find(
				ix->always, ix->n_always, rec->arch, rec->nr, rec->args,
				rec->n_paths ? rec->paths[0] : NULL, rec->addr);
			struct answer by_rule = { .kind = ANSWER_ALLOW, .by = "allow-always rule" };

			next = o->next;
			if (!r)
				continue;
			if (r->deny)
				by_rule = (struct answer){ .kind = ANSWER_DENY,
							   .err = r->err,
							   .by = "deny-always rule" };
			settle(ix, o, &by_rule, r->deny ? r->reason : NULL);
		}
	}
	return 0;
}

void interact_close(struct interact *ix, const char *by)
{
	struct answer a = { .kind = ix->dflt == DECISION_ASK_ALLOW ? ANSWER_ALLOW : ANSWER_DENY,
			    .by = by };

	ix->closed_by = by;
	while (ix->questions)
		settle(ix, ix->questions, &a, NULL);
}

static void on_tick(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct interact *ix = container_of(t, struct interact, tick);
	struct question *next;

	(void)revents;
	for (struct question *q = ix->questions; q; q = next) {
		next = q->next;
		if (notif_id_valid(q->listener, q->notif) < 0) {
			if (++q->stale >= STALE_CHECKS) {
				unlink_question(ix, q);
				gone(ix, q, "the caller went away while it waited");
				log_sink_flush(ix->log);
				interact_question_free(q);
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
			settle(ix, q, &a, NULL);
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
	struct recording *recording = ix->recording;
	bool keep_profile = ix->keep_profile;

	*ix = (struct interact){ .loop = loop,
				 .listener = listener,
				 .plan = plan,
				 .log = log,
				 .timeout = timeout,
				 .dflt = dflt,
				 .recording = recording,
				 .keep_profile = keep_profile,
				 .profile = plan ? plan->policy : NULL,
				 .profile_listener = plan ? listener : -1 };
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

		settle(ix, q, &a, NULL);
	}
	if (ix->keep_profile && !ix->kept && !ix->kept_err)
		ix->kept_err = interact_profile(ix, &ix->kept);
	for (size_t i = 0; i < ix->n_always; i++)
		always_rule_done(&ix->always[i]);
	free(ix->always);
	ix->always = NULL;
	ix->n_always = 0;
	ix->n_listeners = 0;
	policy_free(ix->profile_copy);
	ix->profile_copy = NULL;
	ix->profile = NULL;
	ix->profile_listener = -1;
}

int interact_saved_profile(struct interact *ix, char **ret)
{
	if (!ix->kept)
		return ix->kept_err ? ix->kept_err : -ENOENT;
	*ret = ix->kept;
	ix->kept = NULL;
	return 0;
}

int interact_profile(const struct interact *ix, char **ret)
{
	if (!ix->profile)
		return -ENOENT;
	return always_profile(ix->profile, ix->always, ix->n_always, ret);
}

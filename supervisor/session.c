/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "callgate/host.h"
#include "callgate/macro.h"
#include "../agent/filter.h"
#include "caller.h"
#include "log.h"
#include "procmem.h"
#include "session.h"

/* How long session_stop() keeps interrupting a thread that does not stop
 * (one blocked in a lease break, say) before it gives up on it. */
#define STOP_PATIENCE_MS 2000

/* One notification on its way through the pipeline (session.h). */
struct call {
	const struct seccomp_notif *req;
	enum cg_arch arch;
	const char *name;
	const struct plan_entry *entry; /* NULL: no plan covers it */
	struct plan_ptrs ptrs;
	struct plan_verdict v;
	struct decision d;
	struct record rec;
	bool decoded;	/* pointer arguments read (or tried) */
	bool described; /* the record's caller and verdict fields set */
	bool valid;	/* what was read is the caller's (ID_VALID after) */
	bool answered;	/* the act stage answered (or will: pending, asked) */
	bool later;	/* logged later: a pending call, an operator's question */
	bool asked;	/* an operator's question: recorded when answered */
	bool gone;	/* the caller went away: nothing answered, nothing logged */
	/* an operator's allow, carried out if the paths still reach these */
	bool operator_allow;
	const char *shown[2];
};

static int64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int arch_of(const struct seccomp_data *d, enum cg_arch *ret)
{
	if (d->arch == CG_AUDIT_ARCH_X86_64) {
		*ret = ((unsigned)d->nr & CG_X32_SYSCALL_BIT) ? CG_ARCH_X32 : CG_ARCH_X86_64;
		return 0;
	}
	if (d->arch == CG_AUDIT_ARCH_I386) {
		*ret = CG_ARCH_I386;
		return 0;
	}
	return -EAFNOSUPPORT;
}

/* Whether @s is UTF-8 (JSON text can hold nothing else). */
static bool utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int n = *p < 0x80	      ? 0
			: (*p & 0xe0) == 0xc0 ? 1
			: (*p & 0xf0) == 0xe0 ? 2
			: (*p & 0xf8) == 0xf0 ? 3
					      : -1;

		if (n < 0 || (n == 1 && *p < 0xc2))
			return false;
		p++;
		for (int i = 0; i < n; i++, p++)
			if ((*p & 0xc0) != 0x80)
				return false;
	}
	return true;
}

static int respond(struct session *s, const struct seccomp_notif *req, const struct decision *d)
{
	switch (d->response) {
	case DECISION_CONTINUE: return notif_send_continue(s->listener, &s->bufs);
	case DECISION_ERROR: return notif_send_error(s->listener, &s->bufs, d->err);
	case DECISION_DONE: return notif_send_value(s->listener, &s->bufs, d->val);
	/* SIGSYS to the thread, as SECCOMP_RET_TRAP does */
	case DECISION_TRAP:
		return notif_signal_and_fail(s->listener, req->id, (pid_t)req->pid, SIGSYS, ENOSYS);
	/* SIGKILL to a thread takes its whole thread group, which is what
	 * SECCOMP_RET_KILL_PROCESS does; a supervisor cannot kill one thread
	 * alone */
	default:
		return notif_signal_and_fail(s->listener, req->id, (pid_t)req->pid, SIGKILL, EPERM);
	}
}

/* The rule that decided on what an emulated call really reached. */
static void set_rule(const struct session *s, struct plan_verdict *v, int rule)
{
	v->rule = rule;
	v->prule = NULL;
	for (size_t i = 0; rule >= 0 && i < s->plan->n_rules; i++)
		if ((int)s->plan->rules[i].index == rule)
			v->prule = &s->plan->rules[i];
}

/* A refusal decided by callgate itself, logged with its reason. */
static void refuse(struct call *c, int err, const char *reason)
{
	c->d = (struct decision){ .response = DECISION_ERROR,
				  .err = err,
				  .logged = RECORD_DENY,
				  .log_err = err,
				  .log = true,
				  .reason = reason };
}

/* ---- describe --------------------------------------------------------- */

/* The record's fields that come from the call, its caller and the verdict. */
static void describe(struct session *s, struct call *c)
{
	struct record *rec = &c->rec;

	rec->time_usec = now_usec();
	rec->arch = c->arch;
	rec->nr = c->req->data.nr;
	rec->syscall = c->name;
	memcpy(rec->args, c->req->data.args, sizeof(rec->args));
	rec->rule = c->v.rule >= 0 ? c->v.rule : RECORD_RULE_DEFAULT;
	rec->comment = c->v.prule ? c->v.prule->src->comment : NULL;
	rec->mode = plan_mode_to_string(s->plan->mode);
	rec->container = s->container;
	rec->container_pid = s->container_pid;
	who_describe(&s->who, (pid_t)c->req->pid, c->req->id, rec);
	if (s->log && who_new_process(&s->who)) {
		/* before the first record that names it */
		struct record_process p = *who_new_process(&s->who);

		p.time_usec = rec->time_usec;
		p.container = s->container;
		p.container_pid = s->container_pid;
		log_sink_process(s->log, &p);
	}
	if (s->log && s->log->view.decode_fds)
		decode_fds(c->req, c->name, &s->args, rec); /* -y */
	c->described = true;
}

/* Read the pointer arguments once; returns 0 or -errno as decode_args(). */
static int read_args(struct session *s, struct call *c)
{
	int r;

	if (c->decoded)
		return 0;
	c->decoded = true;
	r = decode_args(c->req, c->name, &s->args, &c->ptrs, &c->rec);
	/* pids are reused: what was read must be the caller's (a caller
	 * kept and alive, else the notification checked) */
	if (c->rec.n_paths || c->rec.addr || r < 0)
		c->valid = c->valid && (caller_lives((pid_t)c->req->pid) ||
					notif_id_valid(s->listener, c->req->id) == 0);
	return r;
}

/* ---- decide ----------------------------------------------------------- */

/*
 * i386 socketcall(call, block): the block read once, and the call decided
 * (and carried out, where emulated) as the syscall it multiplexes, with
 * the block's values as its arguments: our copy of the notification says
 * that call from here on (as strace shows it).  Where the profile has no
 * rule for that syscall, socketcall's own rules decide, on its own
 * arguments.  Returns false when the call is answered already.
 */
static bool demultiplex(struct session *s, struct call *c)
{
	struct seccomp_notif *req = s->bufs.req; /* c->req: our copy */
	uint64_t *args = (uint64_t *)req->data.args;
	const struct plan_entry *e;
	const char *name;
	uint32_t block[6] = { 0 };
	int nargs, nr;

	if (sysargs_socketcall(args[0], &name, &nargs) < 0)
		return true; /* the kernel's EINVAL, by socketcall's rules */
	nr = syscall_lookup(CG_ARCH_I386, name);
	e = nr >= 0 ? plan_entry_of(s->plan, CG_ARCH_I386, nr) : NULL;
	if (!e || (!e->n_refs && !(e->flags & (PLAN_ENTRY_PATTERNS | PLAN_ENTRY_HATCH))))
		return true;
	if (procmem_read((pid_t)c->req->pid, (uint32_t)args[1], block,
			 (size_t)nargs * sizeof(block[0])) < 0) {
		refuse(c, EFAULT, "unreadable pointer argument");
		return false;
	}
	req->data.nr = nr;
	for (int i = 0; i < 6; i++)
		args[i] = block[i];
	c->name = name;
	c->entry = e;
	return true;
}

/*
 * An ABI the profile does not list: the filter kills its calls, and
 * notifies them in audit mode only (agent/filter.c), where such a call is
 * logged as would-kill and let through: audit never breaks the program.
 */
static void foreign_abi(struct session *s, struct call *c)
{
	bool audit = s->plan->mode == PLAN_MODE_AUDIT;

	c->d = (struct decision){ .response = audit ? DECISION_CONTINUE : DECISION_KILL_THREAD,
				  .logged = audit ? RECORD_WOULD_KILL : RECORD_KILL,
				  .action = "SCMP_ACT_KILL_THREAD",
				  .log = true,
				  .reason = "an ABI the profile does not list" };
}

static bool classify(struct session *s, struct call *c)
{
	if (arch_of(&c->req->data, &c->arch) < 0) {
		/* Fail closed: no plan covers it (the filter kills these). */
		refuse(c, EPERM, "unknown architecture");
		c->arch = CG_ARCH_X86_64;
		return false;
	}
	c->name = syscall_name(c->arch, c->req->data.nr);
	if (!s->plan->arch[c->arch].enabled) {
		foreign_abi(s, c);
		return false;
	}
	c->entry = plan_entry_of(s->plan, c->arch, c->req->data.nr);
	if (c->entry && (c->entry->flags & PLAN_ENTRY_MULTIPLEX))
		return demultiplex(s, c);
	return true;
}

/* The record names what the call really reached. */
static void set_paths(struct call *c, const struct emulate_result *er)
{
	size_t slot = 0;

	if (!er->path[0])
		return;
	/* in the place of its argument (symlink: the link's, after the
	 * target's text) */
	for (size_t i = 0; er->path_arg >= 0 && i < c->rec.n_paths; i++)
		if (c->rec.path_args[i] == er->path_arg)
			slot = i;
	c->rec.paths[slot] = er->path;
	if (er->path2[0] && c->rec.n_paths > 1)
		c->rec.paths[1] = er->path2;
	else if (slot == 0)
		c->rec.n_paths = 1;
}

/* The single copy of @c's pointers, for emulate.h. */
static void call_of(struct session *s, struct call *c, struct emulate_call *ec)
{
	*ec = (struct emulate_call){
		.listener = s->listener,
		.req = c->req,
		.plan = s->plan,
		.arch = c->arch,
		.name = c->name,
		.raw = c->rec.n_paths ? s->args.raw[0] : NULL,
		.raw2 = c->rec.n_paths > 1 ? s->args.raw[1] : NULL,
		.path = c->rec.n_paths ? s->args.paths[0] : NULL,
		.sockaddr = c->ptrs.addr ? s->args.sockaddr : NULL,
		.sockaddr_len = s->args.sockaddr_len,
		.addr = c->ptrs.addr,
		.operator_allow = c->operator_allow,
		.shown = { c->shown[0], c->shown[1] },
	};
}

/*
 * Audit: nothing is carried out, but a path is still matched as the object
 * it reaches, as under enforce (where the emulation decides on it), so
 * what would be denied is what enforce would deny.  Where it cannot be
 * resolved (a missing directory, say), the text's verdict stands.
 */
static void decide_on_object(struct session *s, struct call *c)
{
	enum sysargs_emulation kind = (enum sysargs_emulation)c->entry->emulation;
	struct emulate_result *er = &s->emu;
	struct emulate_call ec;

	if ((kind != SYSARGS_EMU_OPEN && kind != SYSARGS_EMU_PATH) || !c->ptrs.n_paths ||
	    s->no_emulate)
		return;
	call_of(s, c, &ec);
	ec.decide_only = true;
	*er = (struct emulate_result){ .outcome = EMULATE_DECLINED, .caller = { .rootfd = -1 } };
	if (emupath_call(&ec, er) < 0 || er->outcome != EMULATE_CONTINUE)
		return;
	c->v = er->verdict;
	set_paths(c, er);
}

static void decide(struct session *s, struct call *c)
{
	const uint64_t *args = (const uint64_t *)c->req->data.args;

	if (c->entry && (c->entry->flags & PLAN_ENTRY_PATTERNS)) {
		/* decided on our copy of the pointers */
		int err = read_args(s, c);

		if (err < 0) {
			/* what the kernel answers for memory it cannot read */
			refuse(c, -err, "unreadable pointer argument");
			return;
		}
		c->v = plan_eval_ptrs(s->plan, c->arch, c->req->data.nr, args, &c->ptrs);
		if (s->plan->mode == PLAN_MODE_AUDIT)
			decide_on_object(s, c);
	} else {
		c->v = plan_eval(s->plan, c->arch, c->req->data.nr, args);
	}
	decision_make(&c->v, s->plan->mode, s->ask, &c->d);
}

/* ---- act: emulate ----------------------------------------------------- */

/* A record that outlives the notification's buffers: a pending call's. */
struct later {
	struct session *s;
	bool log;
	struct record_store store;
	char reason[96]; /* an operator's allow: who gave it */
};

static struct later *later_new(struct session *s, const struct record *rec, bool log,
			       const char *reason)
{
	struct later *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->s = s;
	l->log = log;
	record_copy(&l->store, rec);
	if (reason) {
		snprintf(l->reason, sizeof(l->reason), "%s", reason);
		l->store.rec.reason = l->reason;
	}
	l->store.rec.decision = RECORD_EMULATED;
	l->store.rec.provenance = RECORD_PROV_EMULATED;
	return l;
}

/* The end of a pending call, in its waiting thread: logged unless the
 * caller went away. */
static void later_done(void *userdata, int result)
{
	struct later *l = userdata;
	struct session *s = l->s;

	if (result == -ESRCH) {
		atomic_fetch_add(&s->vanished, 1);
	} else if (l->log) {
		l->store.rec.ret = result;
		l->store.rec.time_usec = now_usec();
		log_sink_record(s->log, &l->store.rec);
		log_sink_flush(s->log);
	}
	free(l);
}

/* Wait for an emulated call that completes later (pending.h). */
static void start_later(struct session *s, struct call *c, struct emulate_result *er)
{
	struct later *l;
	int r;

	describe(s, c);
	l = later_new(s, &c->rec, c->operator_allow || (c->v.prule && c->v.prule->src->log),
		      c->operator_allow ? c->d.reason : NULL);
	if (!l) {
		close(er->job.fd);
		r = -ENOMEM;
	} else {
		er->job.done = later_done;
		er->job.userdata = l;
		r = pending_start(&s->waits, &er->job);
		if (r < 0)
			free(l);
	}
	caller_done(&er->caller);
	if (r < 0) {
		/* fail closed under a flood, or when we ran out */
		refuse(c, EAGAIN,
		       r == -EAGAIN ? "too many emulated calls waiting"
				    : "callgate is out of memory");
		c->rec.provenance = RECORD_PROV_EMULATED;
		return;
	}
	c->answered = true;
	c->later = true;
}

/* A rule with "audit": true denied what the call reached: carried out,
 * and logged as the denial it would have been. */
static void would_deny(struct call *c, const struct emulate_result *er)
{
	if (!er->would_err)
		return;
	c->d.logged = RECORD_WOULD_DENY;
	c->d.log_err = er->would_err;
	c->d.log = true;
	c->d.reason = "audit rule";
}

/* The handler that carries @c out: its plan entry's (a pattern rule's
 * syscall), or, for an operator's allow, the syscall's whatever its rules. */
static enum sysargs_emulation emulation_of(const struct call *c)
{
	if (c->entry && c->entry->emulation)
		return (enum sysargs_emulation)c->entry->emulation;
	return c->operator_allow && c->name ? sysargs_emulation(c->name) : SYSARGS_EMU_NONE;
}

/*
 * An allowed call that emulate.h carries out: the kernel never reads the
 * target's memory for it again.
 */
static void emulate(struct session *s, struct call *c)
{
	struct emulate_result *er = &s->emu;
	enum sysargs_emulation kind = emulation_of(c);
	struct emulate_call ec;
	/* a denial on the text, decided again on the object: logged as
	 * denials are, whatever comes of it */
	bool was_denied = c->d.response != DECISION_CONTINUE;
	bool log;

	call_of(s, c, &ec);
	if (emulate_call(kind, &ec, er) < 0 || er->outcome == EMULATE_DECLINED)
		return; /* decided on the copy, continued: advisory */
	if (er->outcome == EMULATE_GONE) {
		c->gone = true;
		return;
	}
	if (er->outcome == EMULATE_CONTINUE) {
		/* allowed on what it reaches, and continued: advisory */
		set_rule(s, &c->v, er->rule);
		c->d.response = DECISION_CONTINUE;
		c->d.logged = RECORD_ALLOW;
		c->d.err = 0;
		c->d.log_err = 0;
		c->d.log = c->v.prule && c->v.prule->src->log;
		set_paths(c, er);
		would_deny(c, er);
		return;
	}
	atomic_fetch_add(&s->emulated, 1);
	if (er->rule != EMULATE_RULE_SAME)
		set_rule(s, &c->v, er->rule);
	/* logged as the rule that decided on what it really reached asks */
	log = (c->v.prule && c->v.prule->src->log) || was_denied;
	if (er->path[0] && kind == SYSARGS_EMU_BIND)
		snprintf(s->args.addr_text, sizeof(s->args.addr_text), "unix:%.*s",
			 CG_UNIX_PATH_MAX, er->path);
	else
		set_paths(c, er);
	c->rec.provenance = RECORD_PROV_EMULATED;
	switch (er->outcome) {
	case EMULATE_PENDING: start_later(s, c, er); return;
	case EMULATE_DONE:
		c->answered = true;
		c->d.logged = RECORD_EMULATED;
		c->d.log = log;
		c->rec.ret = er->ret;
		would_deny(c, er);
		return;
	default: break;
	}
	if (er->ret >= 0) {
		c->d.response = DECISION_DONE;
		c->d.val = er->ret;
		c->d.logged = RECORD_EMULATED;
		c->d.log = log;
		c->rec.ret = er->ret;
		would_deny(c, er);
	} else if (er->denied) {
		/* the policy refused what it really reaches, or we failed
		 * closed */
		refuse(c, -er->ret, er->reason);
	} else {
		/* it failed as it would have in the caller */
		c->d.response = DECISION_ERROR;
		c->d.err = -er->ret;
		c->d.log_err = -er->ret;
		c->d.logged = RECORD_EMULATED;
		c->d.log = log;
		c->rec.ret = er->ret;
	}
}

/* ---- act: ask --------------------------------------------------------- */

/*
 * A question on its way from the session's thread to the control loop,
 * which owns the questions (interact.h): what the operator will see was
 * read here, in the thread (interact_question_new()), so the loop never
 * reads a target's memory or /proc entries.
 */
struct asked {
	struct asked *next;
	struct question *q;
};

static void asked_push(struct session *s, struct asked *a)
{
	pthread_mutex_lock(&s->asks_lock);
	a->next = NULL;
	*s->asks_tail = a;
	s->asks_tail = &a->next;
	pthread_mutex_unlock(&s->asks_lock);
	ev_async_send(s->loop, &s->asks_ready);
}

static struct asked *asked_take_all(struct session *s)
{
	struct asked *list;

	pthread_mutex_lock(&s->asks_lock);
	list = s->asks;
	s->asks = NULL;
	s->asks_tail = &s->asks;
	pthread_mutex_unlock(&s->asks_lock);
	return list;
}

/* On the loop: the operator's rules, the question, or --ask-default. */
static void asked_settle(struct session *s, struct question *q)
{
	struct record *rec = &q->store.rec;
	bool allow;
	int r, err;

	if (interact_allowed_always(s->interact, rec->arch, rec->nr, rec->args,
				    rec->n_paths ? rec->paths[0] : NULL, rec->addr)) {
		allow = true;
		rec->reason = "allowed always by the operator";
	} else if (interact_denied_always(s->interact, rec->arch, rec->nr, rec->args,
					  rec->n_paths ? rec->paths[0] : NULL, rec->addr, &err,
					  &rec->reason)) {
		allow = false;
		q->policy.err = q->policy.log_err = err;
		q->policy.logged = RECORD_DENY;
	} else if (s->interact->n_questions < INTERACT_QUESTIONS_MAX) {
		interact_enqueue(s->interact, q); /* takes it */
		return;
	} else {
		/* no room for another question: --ask-default */
		allow = s->ask == DECISION_ASK_ALLOW;
		rec->reason = "too many questions pending: ask-default";
	}
	if (allow && q->carry) {
		/* from the copy, by the thread, which logs it */
		struct question_carry *k = q->carry;

		q->carry = NULL;
		if (k->out(k, rec->reason) == 0) {
			if (s->recording)
				recording_add(s->recording, rec->arch, rec->nr, rec->args,
					      rec->paths, rec->n_paths, rec->addr);
			interact_question_free(q);
			return;
		}
		allow = false;
		rec->reason = "allowed, not carried out: callgate is stopping";
	}
	r = allow ? notif_send_continue_id(s->listener, q->notif)
		  : notif_send_id(s->listener, q->notif, q->policy.err ? q->policy.err : EPERM);
	if (r == -ENOENT) {
		atomic_fetch_add(&s->vanished, 1);
	} else {
		rec->decision = allow ? RECORD_ALLOW : q->policy.logged;
		rec->err = allow ? 0 : q->policy.log_err;
		rec->time_usec = now_usec();
		log_sink_record(s->log, rec);
		if (allow && s->recording)
			recording_add(s->recording, rec->arch, rec->nr, rec->args, rec->paths,
				      rec->n_paths, rec->addr);
	}
	interact_question_free(q);
}

static void asked_drain(struct session *s)
{
	struct asked *a = asked_take_all(s);

	while (a) {
		struct asked *next = a->next;

		asked_settle(s, a->q);
		free(a);
		a = next;
	}
}

static void on_asks(struct ev_loop *loop, ev_async *w, int revents)
{
	(void)loop;
	(void)revents;
	asked_drain(container_of(w, struct session, asks_ready));
}

/* ---- act: an operator's allow, carried out from the copy shown -------- */

/*
 * An operator's allow of a call decided on our copy of its pointers is
 * carried out from that copy (emulated), as an enforced allow is, and
 * never continued: the target may have changed its memory while the
 * question waited.  The paths must still reach what the question showed.
 * The question holds what it takes (struct carry); the loop hands it back
 * to this session's thread, which alone does work that can block on its
 * target, and wakes it (RECV is interrupted) until it has taken it.
 */
struct carry {
	struct question_carry base; /* first */
	struct carry *next;
	struct session *s;
	struct seccomp_notif req; /* as decided (socketcall: demultiplexed) */
	struct args_copy args;
	size_t n_paths;
	unsigned char path_idx[2]; /* the args.paths[] that ptrs.paths[] were */
	bool has_addr;
	struct record_store store; /* the call as asked */
	char reason[96];
};

static void answer(struct session *s, struct call *c);
static void record(struct session *s, struct call *c);

/* How often the loop wakes a thread that has not taken its carries, s. */
#define CARRY_KICK 0.01

/* Whether an allow of @c would be carried out rather than continued. */
static bool carriable(const struct session *s, const struct call *c)
{
	return s->plan->mode != PLAN_MODE_AUDIT && c->name &&
	       sysargs_emulation(c->name) != SYSARGS_EMU_NONE && !s->no_emulate && c->decoded &&
	       (c->ptrs.n_paths || c->ptrs.addr);
}

static void carry_free(struct question_carry *qc)
{
	free(qc);
}

/* On the loop: the thread is given @qc, and woken. */
static int carry_out(struct question_carry *qc, const char *reason)
{
	struct carry *k = (struct carry *)qc;
	struct session *s = k->s;

	if (!s->running || s->hup || atomic_load(&s->stop)) {
		free(k);
		return -ESRCH;
	}
	snprintf(k->reason, sizeof(k->reason), "%s", reason);
	pthread_mutex_lock(&s->asks_lock);
	k->next = NULL;
	*s->carries_tail = k;
	s->carries_tail = &k->next;
	atomic_store(&s->carry_pending, true);
	pthread_mutex_unlock(&s->asks_lock);
	if (atomic_load(&s->waiting))
		pthread_kill(s->thread, pending_wake_signal());
	if (!ev_is_active(&s->carry_kick))
		ev_timer_start(s->loop, &s->carry_kick);
	return 0;
}

/* A wake-up that came just before RECV is lost: again, until taken. */
static void on_carry_kick(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct session *s = container_of(w, struct session, carry_kick);

	(void)revents;
	if (atomic_load(&s->carry_pending) && s->running && !s->hup) {
		/* only while it waits: busy, it looks before it waits again */
		if (atomic_load(&s->waiting))
			pthread_kill(s->thread, pending_wake_signal());
	} else {
		ev_timer_stop(loop, w);
	}
}

static struct carry *carry_new(struct session *s, const struct call *c)
{
	struct carry *k = calloc(1, sizeof(*k));

	if (!k)
		return NULL;
	k->base = (struct question_carry){ .out = carry_out, .free = carry_free };
	k->s = s;
	k->req = *c->req;
	k->args = s->args;
	k->n_paths = c->ptrs.n_paths;
	/* not always the first ones: a symlink's target is never matched */
	for (size_t i = 0; i < k->n_paths && i < 2; i++)
		k->path_idx[i] = c->ptrs.paths[i] == s->args.paths[1];
	k->has_addr = c->ptrs.addr != NULL;
	record_copy(&k->store, &c->rec);
	return k;
}

/* In the thread: the call of @k carried out as the operator allowed it,
 * answered and logged. */
static void carry_one(struct session *s, struct carry *k)
{
	struct record *shown = &k->store.rec;
	struct call c = {
		.req = s->bufs.req, /* the answer goes by the buffers */
		.d = { .response = DECISION_CONTINUE,
		       .logged = RECORD_ALLOW,
		       .log = true,
		       .reason = k->reason },
		.v = { .rule = shown->rule },
		.rec = *shown,
		.valid = true,
		.decoded = true,
		.described = true,
		.asked = true, /* recorded (--record) when answered */
		.operator_allow = true,
	};

	/* between two notifications the buffers are free */
	memcpy(s->bufs.req, &k->req, sizeof(k->req));
	s->args = k->args;
	c.ptrs.n_paths = k->n_paths;
	for (size_t i = 0; i < k->n_paths && i < 2; i++)
		c.ptrs.paths[i] = s->args.paths[k->path_idx[i]];
	c.ptrs.addr = k->has_addr ? &s->args.addr : NULL;
	/* what the question showed (bind: its address, not compared) */
	for (size_t i = 0; i < shown->n_paths && i < 2; i++)
		c.shown[i] = shown->paths[i];
	c.rec.time_usec = now_usec();
	c.name = shown->syscall;
	if (arch_of(&k->req.data, &c.arch) == 0)
		c.entry = plan_entry_of(s->plan, c.arch, k->req.data.nr);
	if (emulation_of(&c) == SYSARGS_EMU_NONE)
		/* cannot be: it was carriable; fail closed all the same */
		refuse(&c, EPERM, "allowed, not carried out: no emulation");
	else
		emulate(s, &c);
	if (!c.gone) {
		c.d.log = true;
		if (!c.d.reason)
			c.d.reason = k->reason;
	}
	answer(s, &c);
	record(s, &c);
}

static void carry_drain(struct session *s)
{
	struct carry *k;

	pthread_mutex_lock(&s->asks_lock);
	k = s->carries;
	s->carries = NULL;
	s->carries_tail = &s->carries;
	atomic_store(&s->carry_pending, false);
	pthread_mutex_unlock(&s->asks_lock);
	while (k) {
		struct carry *next = k->next;

		carry_one(s, k);
		free(k);
		k = next;
	}
}

/* On the loop, the thread stopped: allows it never took are refused. */
static void carries_refuse(struct session *s)
{
	struct carry *k = s->carries;

	s->carries = NULL;
	s->carries_tail = &s->carries;
	while (k) {
		struct carry *next = k->next;
		struct record *rec = &k->store.rec;

		if (notif_send_id(s->listener, k->req.id, EPERM) == 0) {
			rec->decision = RECORD_DENY;
			rec->err = EPERM;
			rec->reason = "allowed, not carried out: callgate is stopping";
			rec->time_usec = now_usec();
			log_sink_record(s->log, rec);
		}
		free(k);
		k = next;
	}
}

/* Ask with the object the paths reach shown, not only their text. */
static void show_object(struct session *s, struct call *c)
{
	enum sysargs_emulation kind = sysargs_emulation(c->name);
	struct emulate_result *er = &s->emu;
	struct emulate_call ec;

	if ((kind != SYSARGS_EMU_OPEN && kind != SYSARGS_EMU_PATH) || !c->ptrs.n_paths)
		return;
	call_of(s, c, &ec);
	ec.decide_only = true;
	*er = (struct emulate_result){ .outcome = EMULATE_DECLINED, .caller = { .rootfd = -1 } };
	if (emupath_call(&ec, er) == 0 && er->outcome == EMULATE_CONTINUE)
		set_paths(c, er);
}

static void ask(struct session *s, struct call *c)
{
	struct asked *a;
	bool carry;

	read_args(s, c);
	describe(s, c);
	carry = carriable(s, c);
	if (carry)
		show_object(s, c);
	if (notif_id_valid(s->listener, c->req->id) < 0) {
		c->gone = true;
		return;
	}
	a = calloc(1, sizeof(*a));
	if (!a || interact_question_new(s->plan, s->listener, c->req, &c->d, &c->rec, &a->q) < 0 ||
	    (carry && !(a->q->carry = (struct question_carry *)carry_new(s, c)))) {
		/* fail closed: --ask-default cannot be asked for either */
		if (a && a->q)
			interact_question_free(a->q);
		free(a);
		refuse(c, EPERM, "callgate is out of memory: not asked");
		return;
	}
	asked_push(s, a);
	c->answered = true; /* by the operator, on the loop */
	c->later = true;
	c->asked = true;
}

static void act(struct session *s, struct call *c)
{
	bool enforce = s->plan->mode == PLAN_MODE_ENFORCE;

	if (enforce && c->entry && c->entry->emulation && !s->no_emulate && c->decoded &&
	    (c->ptrs.n_paths || c->ptrs.addr) &&
	    (c->d.response == DECISION_CONTINUE ||
	     (c->d.response == DECISION_ERROR && c->v.action == POLICY_ACT_ERRNO &&
	      c->ptrs.n_paths)))
		/* carried out, or decided again on the object the path
		 * reaches: a path is matched as that, never as text */
		emulate(s, c);
	if (c->gone)
		return;
	if (!c->answered && enforce && c->d.response == DECISION_CONTINUE &&
	    s->plan->policy->advisory_deny && c->entry && (c->entry->flags & PLAN_ENTRY_PATTERNS) &&
	    c->decoded && (c->ptrs.n_paths || c->ptrs.addr))
		/* allowed on a copy the target could change (by a pattern
		 * rule, or because none matched it): refused */
		refuse(c, EPERM, "advisory rule refused (\"advisory\": \"deny\")");
	if (s->interact && !c->answered &&
	    ((s->ask_denials && c->d.response != DECISION_CONTINUE) ||
	     c->v.action == POLICY_ACT_NOTIFY))
		/* interactive: the operator decides what the policy denies */
		ask(s, c);
}

/* ---- answer and record ------------------------------------------------ */

static void answer(struct session *s, struct call *c)
{
	int r;

	if (c->answered || c->gone)
		return;
	r = respond(s, c->req, &c->d);
	if (r == -ENOENT || !c->valid) {
		/* gone or interrupted while we decided: a normal event, and
		 * no decision took effect, so nothing is logged */
		c->gone = true;
		return;
	}
	if (r < 0)
		log_error("Failed to answer notification %llu of pid %u: %s",
			  (unsigned long long)c->req->id, c->req->pid, strerror(-r));
}

/* --record: a call that was let through (or carried out for the caller). */
static void note(struct session *s, struct call *c)
{
	const struct record *rec = &c->rec;
	const char *paths[2 * RECORD_PATHS_MAX];
	char real[RECORD_PATHS_MAX][PATH_MAX];
	size_t n = rec->n_paths < RECORD_PATHS_MAX ? rec->n_paths : RECORD_PATHS_MAX;
	enum sysargs_emulation emu = c->name ? sysargs_emulation(c->name) : SYSARGS_EMU_NONE;
	int idx[2], dirfd[2];
	bool differs = false;

	/* as given (the record may show where they led, once emulated) */
	if (c->decoded && n && c->name) {
		int k = sysargs_paths(c->name, idx, dirfd);

		n = k < RECORD_PATHS_MAX ? (size_t)k : RECORD_PATHS_MAX;
		for (size_t i = 0; i < n; i++)
			paths[i] = s->args.paths[i];
	} else {
		memcpy(paths, rec->paths, n * sizeof(paths[0]));
	}
	for (size_t i = 0; i < n; i++)
		if (!utf8_valid(paths[i]))
			n = 0; /* a profile is JSON text: not expressible */
	/* fstat() is fstatat(fd, "", AT_EMPTY_PATH): what the fd is varies
	 * from run to run (a terminal, a pipe), so no path is kept */
	if (s->args.empty_path)
		n = 0;
	/* a path is decided on as given, and then, emulated, on where it
	 * leads: both must be allowed (recorder_add(): the given ones, then
	 * where each leads; of two (rename, link), the entries themselves) */
	for (size_t i = 0; (emu == SYSARGS_EMU_OPEN || emu == SYSARGS_EMU_PATH) && i < n; i++) {
		paths[n + i] = paths[i];
		if (proc_real_path((pid_t)c->req->pid, paths[i], n == 1, real[i], sizeof(real[i])) >
			    0 &&
		    strcmp(real[i], paths[i]) != 0 && utf8_valid(real[i])) {
			paths[n + i] = real[i];
			differs = true;
		}
	}
	recording_add(s->recording, c->arch, c->req->data.nr, (const uint64_t *)c->req->data.args,
		      paths, differs ? 2 * n : n, rec->addr);
}

static void record(struct session *s, struct call *c)
{
	enum record_decision d;

	if (c->gone) {
		atomic_fetch_add(&s->vanished, 1);
		return;
	}
	/* per notification, how it was decided, for serve's "ended" record
	 * (an operator's allow carried out was counted when asked) */
	d = c->asked ? RECORD_ASK : c->later ? RECORD_EMULATED : c->d.logged;
	if ((unsigned)d < RECORD_DECISION_MAX && !c->operator_allow)
		atomic_fetch_add(&s->decided[d], 1);
	if (s->recording && !c->asked &&
	    (c->answered || c->d.response == DECISION_CONTINUE || c->d.response == DECISION_DONE ||
	     c->d.logged == RECORD_EMULATED))
		note(s, c);
	if (c->later)
		return; /* logged when it is over */
	if (c->d.log) {
		if (!c->described)
			describe(s, c);
		c->rec.decision = c->d.logged;
		c->rec.err = c->d.log_err;
		c->rec.action = c->d.action;
		c->rec.reason = c->d.reason;
		/* a refusal is final: the kernel never reads the memory again */
		c->rec.provenance = record_settled_provenance(c->rec.provenance,
							      c->d.response == DECISION_CONTINUE);
		log_sink_record(s->log, &c->rec);
	}
	if (s->summary)
		summary_count(s->summary, c->arch, c->req->data.nr, &c->d);
}

/* Whether @c changes who its caller is, as records name it: an exec, or a
 * prctl that sets the exe link (PR_SET_MM) or the comm (PR_SET_NAME); the
 * kernel reads prctl's option as an int, its high bits ignored. */
static bool changes_caller(const struct call *c, unsigned kind)
{
	uint32_t option = (uint32_t)c->req->data.args[0];

	if (!(kind & FILTER_WATCH_WHO))
		return false;
	return strcmp(c->name, "prctl") != 0 || option == PR_SET_MM || option == PR_SET_NAME;
}

/* The pipeline: every notification received ends in exactly one answer. */
static void handle(struct session *s)
{
	struct call c = {
		.req = s->bufs.req,
		.d = { .response = DECISION_ERROR, .err = EPERM, .logged = RECORD_DENY },
		.v = { .rule = RECORD_RULE_DEFAULT },
		.valid = true,
	};

	bool seen_only = false;

	if (s->exec_seen) /* before its caller is read */
		caller_place_notified((pid_t)c.req->pid, c.req->id);
	if (classify(s, &c)) {
		/* run's filter notifies these to be seen (filter_watched()) */
		unsigned kind = s->exec_seen ? filter_watched(c.name) : 0;

		decide(s, &c);
		seen_only = kind && !c.v.notify;
		/* before they run */
		if (s->who.exec_seen && changes_caller(&c, kind))
			who_changing(&s->who, (pid_t)c.req->pid, c.req->id);
		if (kind & (FILTER_WATCH_PLACE | FILTER_WATCH_CREDS))
			caller_place_changing((pid_t)c.req->pid, c.req->id);
		act(s, &c);
	}
	/* the record shows the arguments and the caller: read before the
	 * answer, since a continued call may reuse its memory and a thread
	 * may be gone right after */
	if (!c.gone && !c.answered && (c.d.log || s->recording))
		read_args(s, &c);
	if (!c.gone && !c.answered && c.d.log && !c.described)
		describe(s, &c);
	answer(s, &c);
	/* a call notified only to be seen is not the policy's: neither
	 * counted nor logged, as when the kernel allowed it */
	if (seen_only && !s->recording)
		return;
	atomic_fetch_add(&s->notifications, 1);
	record(s, &c);
}

/* ---- the thread ------------------------------------------------------- */

/* Whether no task is left under the filter (POLLHUP, 5.8). */
static bool listener_dead(int listener)
{
	struct pollfd p = { .fd = listener, .events = POLLIN };

	return poll(&p, 1, 0) == 1 && !(p.revents & POLLIN) &&
	       (p.revents & (POLLHUP | POLLERR | POLLNVAL));
}

/* RECV failing for a reason of its own, over and over: the listener is
 * no use any more (it would be a loop at full speed). */
#define RECV_ERRORS_MAX 100

static void *session_main(void *arg)
{
	struct session *s = arg;
	unsigned errors = 0;

	/* where the callers are: kept between calls (caller.h) */
	if (s->exec_seen)
		caller_place_watch(s->creds_seen);
	while (!atomic_load(&s->stop)) {
		int r;

		atomic_store(&s->waiting, false);
		if (atomic_load_explicit(&s->carry_pending, memory_order_relaxed)) {
			carry_drain(s);
			log_sink_flush(s->log);
		}
		/* from here to RECV's return an operator's allow may wake us
		 * (carry_out()); nowhere else, where an interrupted call of
		 * our own could fail */
		atomic_store(&s->waiting, true);
		if (atomic_load(&s->carry_pending))
			continue;

		if (s->poll_first) {
			/* before 6.11 */
			struct pollfd p = { .fd = s->listener, .events = POLLIN };

			if (poll(&p, 1, -1) < 0)
				continue; /* interrupted: stop? */
			if (!(p.revents & POLLIN)) {
				if (p.revents & (POLLHUP | POLLERR | POLLNVAL))
					break;
				continue;
			}
		}
		r = notif_recv_once(s->listener, &s->bufs);
		atomic_store(&s->waiting, false);
		if (r == -EINTR)
			continue;
		if (r < 0) {
			/* 6.11: ENOENT when no task is left; else the caller
			 * died between its call and our RECV */
			if (listener_dead(s->listener))
				break;
			if (r != -ENOENT) {
				/* nothing was received: nothing to answer */
				log_error("Failed to receive a notification: %s%s", strerror(-r),
					  errors + 1 < RECV_ERRORS_MAX ? ", trying again"
								       : "; no more tries");
				if (++errors >= RECV_ERRORS_MAX)
					break;
			}
			continue;
		}
		errors = 0;
		handle(s);
		/* at least once per notification: nothing waits in the buffer
		 * while this thread sleeps */
		log_sink_kick(s->log);
	}
	if (!atomic_load(&s->stop)) {
		s->hup = true;
		ev_async_send(s->loop, &s->ended);
	}
	return NULL;
}

static void on_ended(struct ev_loop *loop, ev_async *w, int revents)
{
	struct session *s = container_of(w, struct session, ended);

	(void)loop;
	(void)revents;
	if (!s->running || !s->hup)
		return;
	pthread_join(s->thread, NULL);
	s->running = false;
	if (s->on_end)
		s->on_end(s);
}

bool session_recv_tells_dead(void)
{
	/* the tests take the path of older kernels on this one too */
	const char *force = getenv("CALLGATE_TEST_RECV_POLL");
	struct utsname u;
	struct plan_host h;

	if (force && *force)
		return false;
	if (uname(&u) < 0 || host_parse_kernel(u.release, &h) < 0)
		return false;
	return h.kernel_major > 6 || (h.kernel_major == 6 && h.kernel_minor >= 11);
}

int session_start(struct session *s, struct ev_loop *loop, int listener, const struct plan *plan)
{
	sigset_t all, old;
	int r;

	s->loop = NULL;
	s->listener = listener;
	s->plan = plan;
	s->hup = false;
	s->running = false;
	atomic_store(&s->stop, false);
	s->poll_first = !session_recv_tells_dead();
	who_cache_init(&s->who);
	s->who.exec_seen = s->exec_seen;
	r = pending_wake_signal_install();
	if (r < 0)
		goto fail;
	r = notif_bufs_init(&s->bufs);
	if (r < 0)
		goto fail;
	r = pending_set_init(&s->waits, listener);
	if (r < 0)
		goto fail;
	r = -pthread_mutex_init(&s->asks_lock, NULL);
	if (r < 0)
		goto fail;
	s->asks = NULL;
	s->asks_tail = &s->asks;
	s->carries = NULL;
	s->carries_tail = &s->carries;
	atomic_store(&s->carry_pending, false);
	atomic_store(&s->waiting, false);
	ev_timer_init(&s->carry_kick, on_carry_kick, CARRY_KICK, CARRY_KICK);
	s->loop = loop;
	ev_async_init(&s->ended, on_ended);
	ev_async_start(loop, &s->ended);
	ev_async_init(&s->asks_ready, on_asks);
	ev_async_start(loop, &s->asks_ready);
	/* signals are the loop's (libev's watchers): the thread takes only
	 * the one that interrupts it */
	sigfillset(&all);
	sigdelset(&all, pending_wake_signal());
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = -pthread_create(&s->thread, NULL, session_main, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r < 0)
		goto fail;
	s->running = true;
	return 0;
fail:
	session_stop(s);
	return r;
}

/* Interrupt the thread until it ends; false if it would not in time. */
static bool stop_thread(struct session *s)
{
	atomic_store(&s->stop, true);
	for (int waited = 0; waited < STOP_PATIENCE_MS; waited += 10) {
		struct timespec until;

		/* again and again: a signal that comes just before RECV is
		 * lost */
		pthread_kill(s->thread, pending_wake_signal());
		until = pending_deadline(CLOCK_REALTIME, 10);
		if (pthread_timedjoin_np(s->thread, NULL, &until) == 0)
			return true;
	}
	return false;
}

/* Some session's thread would not stop: left to the process's exit. */
static atomic_bool left_running;

bool session_left_running(void)
{
	return atomic_load(&left_running);
}

int session_halt(struct session *s)
{
	if (!s->running)
		return s->stuck ? -EBUSY : 0;
	if (s->hup) {
		pthread_join(s->thread, NULL);
	} else if (!stop_thread(s)) {
		/* blocked on a target (a lease break): left to the exit,
		 * with what it uses */
		log_error("A session's thread does not stop (blocked on its target), leaving it");
		s->stuck = true;
		atomic_store(&left_running, true);
	}
	s->running = false;
	if (!s->stuck && s->loop)
		asked_drain(s); /* still answerable: the listener is open */
	return s->stuck ? -EBUSY : 0;
}

int session_stop(struct session *s)
{
	if (session_halt(s) < 0)
		return -EBUSY;
	if (s->loop) {
		/* questions the thread sent before it stopped */
		asked_drain(s);
		ev_async_stop(s->loop, &s->ended);
		ev_async_stop(s->loop, &s->asks_ready);
		ev_timer_stop(s->loop, &s->carry_kick);
		carries_refuse(s);
		pthread_mutex_destroy(&s->asks_lock);
		s->loop = NULL;
	}
	pending_set_stop(&s->waits); /* safe on a set never started */
	if (s->interact && s->listener >= 0)
		interact_forget(s->interact, s->listener);
	if (s->listener >= 0)
		close(s->listener);
	s->listener = -1;
	who_cache_done(&s->who);
	notif_bufs_done(&s->bufs);
	return 0;
}

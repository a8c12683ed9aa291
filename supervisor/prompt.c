/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callgate/macro.h"
#include "callgate/answer.h"
#include "callgate/systable.h"
#include "prompt.h"

static void say(struct prompt *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(struct prompt *p, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	term_write(p->term, buf, (size_t)n);
}

/*
 * @s for the terminal, into @buf (cut to fit): control characters (C0, DEL,
 * C1) and bytes that are not UTF-8 as \xNN, so that nothing a target names
 * itself can move the cursor or change the terminal.
 */
static const char *esc(const char *s, char *buf, size_t size)
{
	size_t k = 0;

	for (const unsigned char *c = (const unsigned char *)s; *c && k + 5 < size;) {
		unsigned cp = *c, len = 1;

		if (*c >= 0xc2 && *c <= 0xf4) {
			len = *c < 0xe0 ? 2 : *c < 0xf0 ? 3 : 4;
			cp = *c & (0x3f >> (len - 1));
			for (unsigned i = 1; i < len; i++) {
				if ((c[i] & 0xc0) != 0x80) {
					len = 1;
					break;
				}
				cp = cp << 6 | (c[i] & 0x3f);
			}
			/* overlong, surrogate, beyond U+10FFFF, or C1 */
			if (len > 1 &&
			    ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
			     (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff || cp < 0xa0))
				len = 1;
			if (len == 1)
				cp = *c;
		}
		if (len == 1 && (cp < 0x20 || cp >= 0x7f)) {
			k += (size_t)snprintf(buf + k, size - k, "\\x%02x", cp);
		} else {
			memcpy(buf + k, c, len);
			k += len;
		}
		c += len;
	}
	buf[k] = '\0';
	return buf;
}

static void show(struct prompt *p, const struct question *q)
{
	const char *en = errno_name(q->policy.log_err);
	char rule[32], comm[4 * 64], cmdline[4 * 256], exe[1024], call[4096], where[1024],
		comment[1024];
	unsigned more = 0;

	for (const struct question *o = p->ix->questions; o; o = o->next)
		if (o != q && !o->held)
			more++;
	if (q->rec->rule >= 0)
		snprintf(rule, sizeof(rule), "rule %d", q->rec->rule);
	else
		snprintf(rule, sizeof(rule), "the default action");
	term_ask(p->term);
	p->current = q->id;
	say(p,
	    "\n\033[1mcallgate: question %u\033[0m: pid %d (%s), thread %d\n"
	    "  command: %s\n"
	    "  exe:     %s\n"
	    "  call:    %s\n"
	    "  policy:  %s answers %s\n"
	    "%s%s%s"
	    "  at:      %s\n"
	    "[a]llow once, [A]llow always [args|path], [d]eny [ERRNO], [D]eny always, [k]ill, "
	    "[h]old, "
	    "[?]%s\n"
	    "answer %u> ",
	    q->id, q->rec->pid, esc(q->store.comm, comm, sizeof(comm)), q->rec->tid,
	    esc(q->cmdline, cmdline, sizeof(cmdline)), esc(q->store.exe, exe, sizeof(exe)),
	    esc(q->call, call, sizeof(call)), rule,
	    q->policy.response == DECISION_KILL_PROCESS ||
			    q->policy.response == DECISION_KILL_THREAD
		    ? "kill"
	    : en ? en
		 : "ask (SCMP_ACT_NOTIFY)",
	    q->rec->comment ? "  comment: " : "",
	    q->rec->comment ? esc(q->rec->comment, comment, sizeof(comment)) : "",
	    q->rec->comment ? "\n" : "", esc(q->where, where, sizeof(where)),
	    more ? " -- more waiting" : "", q->id);
}

/* The oldest question not held, or release the terminal. */
static void show_next(struct prompt *p)
{
	for (const struct question *q = p->ix->questions; q; q = q->next)
		if (!q->held) {
			show(p, q);
			return;
		}
	p->current = 0;
	term_done_asking(p->term);
}

static void on_event(void *userdata, enum interact_event ev, const struct question *q,
		     const struct answer *a)
{
	struct prompt *p = userdata;

	(void)a;
	switch (ev) {
	case INTERACT_ASKED:
		if (!p->current)
			show(p, q);
		break;
	case INTERACT_HELD:
		if (q->id == p->current) {
			say(p,
			    "held: thread %d stays blocked; attach a debugger with\n  gdb -p %d\n",
			    q->rec->tid, q->rec->tid);
			p->current = 0;
			show_next(p);
		}
		break;
	default:
		if (q->id == p->current) {
			if (ev == INTERACT_GONE)
				say(p, "\ncallgate: question %u: the caller went away\n", q->id);
			else if (a && strcmp(a->by, "tty") == 0)
				say(p, "%s\n", answer_kind_to_string(a->kind));
			else if (a)
				say(p, "\ncallgate: question %u answered by %s: %s\n", q->id, a->by,
				    answer_kind_to_string(a->kind));
			p->current = 0;
			/* after the others the answer releases */
			show_next(p);
		}
		break;
	}
}

static void help(struct prompt *p)
{
	say(p, "  a              allow this call once\n"
	       "  A              allow this syscall from now on\n"
	       "  A args        ... with these integer argument values only\n"
	       "  A path        ... with this path (or address) only\n"
	       "  d [ERRNO]      deny, with the policy's errno or the one named (EACCES, ENOSYS, "
	       "...)\n"
	       "  D [args|path] [ERRNO]  deny this syscall from now on (or narrowed)\n"
	       "  k              kill the process\n"
	       "  h              hold: leave it blocked and attach a debugger\n");
}

static void answer_line(struct prompt *p, char *line)
{
	struct question *q = p->current ? interact_find(p->ix, p->current) : NULL;
	struct answer a = { .by = "tty" };
	const char *words[8];
	char why[160], *save;
	size_t n = 0;
	int r;

	if (!q)
		return;
	for (char *t = strtok_r(line, " \t\r", &save); t && n < sizeof(words) / sizeof(words[0]);
	     t = strtok_r(NULL, " \t\r", &save))
		words[n++] = t;
	if (n == 0 || strcmp(words[0], "?") == 0 || strcmp(words[0], "help") == 0) {
		help(p);
		say(p, "answer %u> ", q->id);
		return;
	}
	r = answer_parse(words, n, &a, why, sizeof(why));
	if (r < 0) {
		char shown[4 * sizeof(why)];

		say(p, "%s%s\nanswer %u> ", esc(why, shown, sizeof(shown)),
		    r == -ENOENT ? " (? for help)" : "", q->id);
		return;
	}
	r = interact_answer(p->ix, q, &a);
	if (r < 0) {
		say(p, "%s\nanswer %u> ",
		    r == -EINVAL ? "nothing to narrow to: the call has no such argument, or none a "
				   "pattern can match"
				 : strerror(-r),
		    q->id);
		return;
	}
	/* what comes next is shown by on_event() */
}

static void on_line(void *userdata, char *line)
{
	struct prompt *p = userdata;

	if (p->current)
		answer_line(p, line);
}

/* The terminal is gone: nobody is left to answer on it. */
static void on_hangup(void *userdata)
{
	struct prompt *p = userdata;

	p->current = 0;
	interact_close(p->ix, "hangup");
}

int prompt_start(struct prompt *p, struct ev_loop *loop, struct interact *ix, struct term *term)
{
	int r;

	*p = (struct prompt){ .loop = loop, .ix = ix, .term = term };
	r = interact_listen(ix, on_event, p);
	if (r < 0)
		return r;
	term->on_line = on_line;
	term->on_hangup = on_hangup;
	term->userdata = p;
	p->started = true;
	return 0;
}

void prompt_stop(struct prompt *p)
{
	if (!p->started)
		return;
	interact_unlisten(p->ix, p);
	p->term->on_line = NULL;
	p->term->on_hangup = NULL;
	term_done_asking(p->term);
	p->started = false;
}

/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "callgate/macro.h"
#include "log.h"
#include "term.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

/* Attributes, character set, cursor, scrolling region reset; to the last
 * line. */
#define RESET "\033[0m\017\033(B\033[?25h\033[r\033[999;1H\r\n"

/* How often a terminal we are in the background of is tried again, s. */
#define RETRY_BACKGROUND 0.5

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Whether the terminal's foreground is our process group (modes and
 * reads are ours to take only then). */
static bool foreground(const struct term *t)
{
	return tcgetpgrp(t->tty) == getpgrp();
}

/* tcsetattr() with SIGTTOU held off (a background group that changes a
 * terminal's modes is stopped otherwise). */
static void set_modes(const struct term *t, const struct termios *m)
{
	sigset_t block, old;

	if (!foreground(t))
		return;
	sigemptyset(&block);
	sigaddset(&block, SIGTTOU);
	sigprocmask(SIG_BLOCK, &block, &old);
	while (tcsetattr(t->tty, TCSANOW, m) < 0 && errno == EINTR)
		;
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* Raw input; output processed as the target's terminal says. */
static void set_raw(struct term *t)
{
	struct termios r = t->orig, target;

	r.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON |
				 IXOFF | IXANY);
	r.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	r.c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
	r.c_cflag |= CS8;
	r.c_cc[VMIN] = 1;
	r.c_cc[VTIME] = 0;
	/* what the target's line discipline did to its output is done:
	 * only OPOST's own translations would differ, so follow it */
	if (t->master >= 0 && tcgetattr(t->master, &target) == 0)
		r.c_oflag = target.c_oflag;
	else
		r.c_oflag &= ~(tcflag_t)OPOST;
	set_modes(t, &r);
}

static void copy_size(struct term *t)
{
	struct winsize ws;

	if (t->master >= 0 && ioctl(t->tty, TIOCGWINSZ, &ws) == 0)
		ioctl(t->master, TIOCSWINSZ, &ws);
}

int term_open(struct term *t)
{
	int r;

	*t = (struct term){ .tty = -1, .master = -1, .slave = -1, .saved = { -1, -1, -1 } };
	t->tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (t->tty < 0)
		return -ENXIO;
	if (tcgetattr(t->tty, &t->orig) < 0) {
		close_fd(&t->tty);
		return -ENXIO;
	}
	t->master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (t->master < 0 || unlockpt(t->master) < 0)
		goto fail;
	/* the peer of this very master, not a name looked up again */
	t->slave = ioctl(t->master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (t->slave < 0)
		goto fail;
	if (tcsetattr(t->slave, TCSANOW, &t->orig) < 0)
		goto fail;
	copy_size(t);
	/* those of our stdio that are the controlling terminal (tcgetsid()
	 * answers only for that one) */
	for (int i = 0; i < 3; i++)
		t->stdio[i] = isatty(i) && tcgetsid(i) >= 0;
	return 0;
fail:
	r = -errno;
	close_fd(&t->slave);
	close_fd(&t->master);
	close_fd(&t->tty);
	return r;
}

int term_give_stdio(struct term *t)
{
	for (int i = 0; i < 3; i++) {
		if (!t->stdio[i])
			continue;
		t->saved[i] = fcntl(i, F_DUPFD_CLOEXEC, 3);
		if (t->saved[i] < 0 || dup2(t->slave, i) < 0) {
			int r = -errno;

			for (int j = 0; j <= i; j++)
				if (t->saved[j] >= 0) {
					dup2(t->saved[j], j);
					close_fd(&t->saved[j]);
				}
			return r;
		}
	}
	return 0;
}

int term_take_back(struct term *t)
{
	/* the target keeps the table it shares with us (the pseudo-terminal
	 * as its stdio, the listener), we go on with a copy */
	if (unshare(CLONE_FILES) < 0)
		return -errno;
	for (int i = 0; i < 3; i++)
		if (t->saved[i] >= 0) {
			dup2(t->saved[i], i);
			close_fd(&t->saved[i]);
		}
	close_fd(&t->slave);
	return 0;
}

static void update_watchers(struct term *t);

/* Write what waits in @buf (@len) to @fd; false on an error other than
 * "try later". */
static bool flush(int fd, char *buf, size_t *len)
{
	while (*len) {
		ssize_t n = write(fd, buf, *len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN;
		memmove(buf, buf + n, *len - (size_t)n);
		*len -= (size_t)n;
	}
	return true;
}

/* The target's terminal went away under us (every slave closed): what it
 * wrote is shown, nothing more is relayed to it. */
static void pty_gone(struct term *t)
{
	ev_io_stop(t->loop, &t->pty_in);
	ev_io_stop(t->loop, &t->pty_out);
	t->to_pty_len = 0;
	t->pty_dead = true;
}

static void on_pty_in(struct ev_loop *loop, ev_io *w, int revents)
{
	struct term *t = container_of(w, struct term, pty_in);
	struct termios target;
	ssize_t n;

	(void)loop;
	(void)revents;
	n = read(t->master, t->to_tty + t->to_tty_len, sizeof(t->to_tty) - t->to_tty_len);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		pty_gone(t); /* EIO: no slave open any more */
		return;
	}
	t->to_tty_len += (size_t)n;
	/* the target changed its output processing: follow it */
	if (t->raw && tcgetattr(t->master, &target) == 0) {
		struct termios now;

		if (tcgetattr(t->tty, &now) == 0 && now.c_oflag != target.c_oflag)
			set_raw(t);
	}
	if (!flush(t->tty, t->to_tty, &t->to_tty_len))
		t->to_tty_len = 0; /* the terminal fails: see the hang-up */
	update_watchers(t);
}

static void on_tty_out(struct ev_loop *loop, ev_io *w, int revents)
{
	struct term *t = container_of(w, struct term, tty_out);

	(void)loop;
	(void)revents;
	if (!flush(t->tty, t->to_tty, &t->to_tty_len))
		t->to_tty_len = 0;
	update_watchers(t);
}

static void on_pty_out(struct ev_loop *loop, ev_io *w, int revents)
{
	struct term *t = container_of(w, struct term, pty_out);

	(void)loop;
	(void)revents;
	if (!flush(t->master, t->to_pty, &t->to_pty_len))
		pty_gone(t);
	update_watchers(t);
}

/* The operator's input, while a question is shown: lines for the prompt. */
static void take_lines(struct term *t, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = buf[i];

		if (c == '\n' || c == '\r') {
			t->line[t->line_len] = '\0';
			t->line_len = 0;
			if (t->on_line)
				t->on_line(t->userdata, t->line);
			if (!t->asking)
				return; /* answered: the rest was typed for the target */
		} else if (t->line_len < sizeof(t->line) - 1) {
			t->line[t->line_len++] = c;
		} else {
			t->line_len = 0; /* a line too long for any answer */
		}
	}
}

static void on_tty_in(struct ev_loop *loop, ev_io *w, int revents)
{
	struct term *t = container_of(w, struct term, tty_in);
	char buf[TERM_BUF];
	size_t room = t->asking ? sizeof(buf) : sizeof(t->to_pty) - t->to_pty_len;
	ssize_t n;

	(void)revents;
	if (room == 0) {
		update_watchers(t);
		return;
	}
	n = read(t->tty, buf, room);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n < 0 && errno == EIO && !foreground(t) && tcgetpgrp(t->tty) >= 0) {
		/* we were put in the background: look again later */
		ev_io_stop(loop, w);
		ev_timer_start(loop, &t->retry);
		return;
	}
	if (n <= 0) {
		term_hangup(t); /* EOF, or the terminal is gone */
		return;
	}
	if (t->asking) {
		take_lines(t, buf, (size_t)n);
		return;
	}
	if (t->pty_dead)
		return; /* nobody reads it any more */
	memcpy(t->to_pty + t->to_pty_len, buf, (size_t)n);
	t->to_pty_len += (size_t)n;
	if (!flush(t->master, t->to_pty, &t->to_pty_len))
		pty_gone(t);
	update_watchers(t);
}

static void on_retry(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct term *t = container_of(w, struct term, retry);

	(void)revents;
	ev_timer_stop(loop, w);
	if (!t->hung_up) {
		if (t->raw && !t->asking)
			set_raw(t);
		ev_io_start(loop, &t->tty_in);
	}
}

/* Which way data may flow now: back-pressure both ways, and the target's
 * output held while a question is shown. */
static void update_watchers(struct term *t)
{
	struct ev_loop *loop = t->loop;

	if (t->hung_up || !loop)
		return;
	if (t->to_tty_len && !t->asking)
		ev_io_start(loop, &t->tty_out);
	else
		ev_io_stop(loop, &t->tty_out);
	if (t->master >= 0 && !t->pty_dead) {
		if (t->to_pty_len)
			ev_io_start(loop, &t->pty_out);
		else
			ev_io_stop(loop, &t->pty_out);
		if (!t->asking && !t->to_tty_len)
			ev_io_start(loop, &t->pty_in);
		else
			ev_io_stop(loop, &t->pty_in);
	}
	if (!ev_is_active(&t->retry)) {
		if (t->asking || t->to_pty_len < sizeof(t->to_pty))
			ev_io_start(loop, &t->tty_in);
		else
			ev_io_stop(loop, &t->tty_in);
	}
}

static void on_winch(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)loop;
	(void)revents;
	copy_size(container_of(w, struct term, winch));
}

static void on_cont(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct term *t = container_of(w, struct term, cont);

	(void)loop;
	(void)revents;
	/* back from a stop: the shell set its own modes meanwhile */
	if (t->raw && !t->asking && !t->hung_up)
		set_raw(t);
	copy_size(t);
}

int term_start(struct term *t, struct ev_loop *loop)
{
	t->loop = loop;
	ev_io_init(&t->tty_in, on_tty_in, t->tty, EV_READ);
	ev_io_init(&t->tty_out, on_tty_out, t->tty, EV_WRITE);
	ev_io_init(&t->pty_in, on_pty_in, t->master, EV_READ);
	ev_io_init(&t->pty_out, on_pty_out, t->master, EV_WRITE);
	ev_timer_init(&t->retry, on_retry, RETRY_BACKGROUND, 0);
	ev_signal_init(&t->winch, on_winch, SIGWINCH);
	ev_signal_init(&t->cont, on_cont, SIGCONT);
	ev_signal_start(loop, &t->winch);
	ev_signal_start(loop, &t->cont);
	t->started = true;
	t->raw = true;
	/* nothing else opens the terminal while we run (EBUSY): a target of
	 * the same uid could otherwise open it by name and write over a
	 * question (only CAP_SYS_ADMIN passes) */
	t->exclusive = ioctl(t->tty, TIOCEXCL) == 0;
	set_raw(t);
	copy_size(t);
	ev_io_start(loop, &t->pty_in);
	update_watchers(t);
	return 0;
}

void term_write(struct term *t, const char *s, size_t n)
{
	size_t len = n;
	char buf[TERM_BUF];

	if (t->tty < 0 || t->hung_up)
		return;
	while (len) {
		size_t k = len < sizeof(buf) ? len : sizeof(buf);

		memcpy(buf, s, k);
		s += k;
		len -= k;
		if (!flush(t->tty, buf, &k) || k)
			return; /* the terminal cannot take it now */
	}
}

void term_ask(struct term *t)
{
	if (!t->started || t->asking || t->hung_up)
		return;
	t->asking = true;
	t->line_len = 0;
	/* what the target wrote before goes first; the rest waits */
	flush(t->tty, t->to_tty, &t->to_tty_len);
	set_modes(t, &t->orig);
	update_watchers(t);
	/* whatever state the target left the terminal in (hidden or
	 * coloured text, another character set, a narrow scrolling
	 * region), the question is shown plainly, last, at the bottom */
	term_write(t, RESET, sizeof(RESET) - 1);
}

void term_done_asking(struct term *t)
{
	struct winsize ws, other;

	if (!t->asking)
		return;
	t->asking = false;
	t->line_len = 0;
	if (t->hung_up)
		return;
	set_raw(t);
	update_watchers(t);
	/* a full-screen program redraws on SIGWINCH: the size changed and
	 * changed back, so even one that compares sizes sees a change */
	if (t->master >= 0 && ioctl(t->tty, TIOCGWINSZ, &ws) == 0) {
		other = ws;
		other.ws_row = ws.ws_row > 1 ? ws.ws_row - 1 : ws.ws_row + 1;
		ioctl(t->master, TIOCSWINSZ, &other);
		ioctl(t->master, TIOCSWINSZ, &ws);
	}
}

void term_suspend(struct term *t)
{
	if (!t->started || t->hung_up)
		return;
	flush(t->tty, t->to_tty, &t->to_tty_len);
	set_modes(t, &t->orig);
}

void term_resume(struct term *t)
{
	if (!t->started || t->hung_up)
		return;
	if (t->asking)
		set_modes(t, &t->orig);
	else
		set_raw(t);
	copy_size(t);
	update_watchers(t);
}

void term_hangup(struct term *t)
{
	if (t->hung_up || t->tty < 0)
		return;
	t->hung_up = true;
	if (t->loop) {
		ev_io_stop(t->loop, &t->tty_in);
		ev_io_stop(t->loop, &t->tty_out);
		ev_io_stop(t->loop, &t->pty_in);
		ev_io_stop(t->loop, &t->pty_out);
		ev_timer_stop(t->loop, &t->retry);
	}
	/* the questions first (answered as the hang-up says), then the
	 * target's terminal hung up: its session gets SIGHUP */
	if (t->on_hangup)
		t->on_hangup(t->userdata);
	close_fd(&t->master);
}

void term_stop(struct term *t)
{
	if (t->started && t->loop) {
		ev_io_stop(t->loop, &t->tty_in);
		ev_io_stop(t->loop, &t->tty_out);
		ev_io_stop(t->loop, &t->pty_in);
		ev_io_stop(t->loop, &t->pty_out);
		ev_timer_stop(t->loop, &t->retry);
		ev_signal_stop(t->loop, &t->winch);
		ev_signal_stop(t->loop, &t->cont);
	}
	if (t->exclusive && t->tty >= 0)
		ioctl(t->tty, TIOCNXCL);
	t->exclusive = false;
	if (t->started && !t->hung_up && t->tty >= 0) {
		/* what the target wrote last */
		for (int rounds = 0; rounds < 64 && t->master >= 0; rounds++) {
			ssize_t n;

			if (!flush(t->tty, t->to_tty, &t->to_tty_len) || t->to_tty_len)
				break;
			n = read(t->master, t->to_tty, sizeof(t->to_tty));
			if (n <= 0)
				break;
			t->to_tty_len = (size_t)n;
		}
		set_modes(t, &t->orig);
	}
	t->started = false;
	for (int i = 0; i < 3; i++)
		close_fd(&t->saved[i]);
	close_fd(&t->slave);
	close_fd(&t->master);
	close_fd(&t->tty);
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The operator's terminal, and the pseudo-terminal the target runs on.
 *
 * In interactive mode callgate alone owns the terminal it was started on:
 * the target runs in a session of its own whose controlling terminal is a
 * pseudo-terminal callgate relays (as sudo's use_pty, script(1) and tmux
 * do), so that nothing the target does to its terminal (TIOCSTI, modes,
 * escape sequences, reads) reaches the operator's.
 *
 * While relaying, the operator's terminal is in raw mode: keys, Ctrl-C,
 * Ctrl-Z and EOF reach the pseudo-terminal as bytes, and its line
 * discipline (the target's modes) makes of them what the target asked for;
 * output processing follows the target's (OPOST as it set it), so a
 * full-screen program draws exactly as it would without callgate.  Window
 * size changes are passed on (SIGWINCH reaches the target's foreground
 * group from its terminal).
 *
 * While a question is shown (term_ask()), the terminal is back in the mode
 * callgate found it in, the target's output waits in its pseudo-terminal
 * (a target that writes blocks, as on a stopped terminal) and the
 * operator's input goes to the prompt, line by line; term_done_asking()
 * gives the screen back and makes the target redraw (its window size is
 * changed and restored: two SIGWINCH).
 *
 * When the terminal goes away (EOF or an error on it, or the SIGHUP run.c
 * passes on), @on_hangup is called once and the pseudo-terminal is hung
 * up: the target's session gets SIGHUP from the kernel, as a shell's job
 * would.
 *
 * The hand-over: the target shares callgate's fd table until its execve
 * (agent/launch.h), so the pseudo-terminal is made callgate's own stdin,
 * stdout and stderr (those of them that are the terminal) for the launch,
 * and term_take_back() gives callgate a table of its own again
 * (unshare(CLONE_FILES)) with its own stdio, once the target has loaded
 * its filter.
 *
 * Used by run.c (open, hand-over, start, hang-up, stop) and prompt.c (ask,
 * write, lines).  On the loop's thread only.
 */
#ifndef CALLGATE_SUPERVISOR_TERM_H
#define CALLGATE_SUPERVISOR_TERM_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>
#include <termios.h>

#define TERM_BUF 4096

struct term {
	int tty;    /* the operator's terminal, our own open of /dev/tty: -1 none */
	int master; /* the target's pseudo-terminal: -1 once hung up */
	int slave;  /* until the target has it: -1 */
	int saved[3];
	bool stdio[3];	     /* which of our stdin/out/err are the terminal */
	struct termios orig; /* the terminal as we found it */
	bool raw;	     /* relaying, the terminal in raw mode */
	bool asking;	     /* a question is shown */
	bool hung_up;
	bool pty_dead; /* every slave closed: nothing more to relay */
	bool started;
	bool exclusive; /* TIOCEXCL set by us */
	struct ev_loop *loop;
	ev_io tty_in, tty_out, pty_in, pty_out;
	ev_signal winch, cont;
	ev_timer retry; /* reading the terminal from the background */
	/* the operator's keys on their way to the target, and the target's
	 * output on its way to the operator */
	char to_pty[TERM_BUF], to_tty[TERM_BUF];
	size_t to_pty_len, to_tty_len;
	/* the prompt's */
	void (*on_line)(void *userdata, char *line);
	void (*on_hangup)(void *userdata);
	void *userdata;
	char line[512];
	size_t line_len;
};

/*
 * term_open() - the operator's terminal (/dev/tty) and a pseudo-terminal
 * in its image (modes, window size), before the target is started.
 * Returns 0, -ENXIO when there is no terminal, or -errno.
 */
int term_open(struct term *t);

/* For the launch: the pseudo-terminal becomes our stdin, stdout and stderr
 * (those that are the terminal).  Returns 0 or -errno (nothing changed). */
int term_give_stdio(struct term *t);

/*
 * term_take_back() - once the target has its filter (or failed): a fd
 * table of our own, our stdio back, the pseudo-terminal's slave closed.
 * Returns 0 or -errno; on failure the target may still share our stdio
 * and must be killed.
 */
int term_take_back(struct term *t);

/* The slave, for the target's TIOCSCTTY (launch_opts.ctty). */
static inline int term_slave(const struct term *t)
{
	return t->slave;
}

/* Start relaying on @loop (the terminal in raw mode). */
int term_start(struct term *t, struct ev_loop *loop);

/* A question is shown: the terminal in its own mode, input for @on_line. */
void term_ask(struct term *t);
/* The last one is answered: the target's screen and input back. */
void term_done_asking(struct term *t);

/* Write to the operator's terminal (the prompt); what does not fit now is
 * dropped. */
void term_write(struct term *t, const char *s, size_t n);

/* The target stopped (Ctrl-Z) and we stop in turn: the terminal as we
 * found it, for the shell; term_resume() once we are continued. */
void term_suspend(struct term *t);
void term_resume(struct term *t);

/* The terminal is gone: the pseudo-terminal hung up (SIGHUP to the
 * target's session), @on_hangup called once. */
void term_hangup(struct term *t);

/* The target is gone: what it wrote last is shown, the terminal restored,
 * everything closed.  Safe on a term never opened. */
void term_stop(struct term *t);

#endif

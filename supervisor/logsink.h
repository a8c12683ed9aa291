/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The decision log: records formatted into one buffer and written out in
 * batches, never per record.  Shared by every session's thread, the
 * threads of pending calls and the control loop: each call takes the
 * sink's lock (a record is never torn), for a copy into memory only; the
 * write(2) happens outside it, from a second buffer swapped in, so a
 * thread that writes a record never waits for the disk.  A log that is a
 * regular file is written by a thread of its own (the flusher) at most
 * LOG_SINK_BATCH_MS after a record came in; a pipe or a terminal, whose
 * reader may be waiting for the line, when a session has answered a call
 * (log_sink_kick()).  Every record is written, in the order it came in:
 * log_sink_flush() and log_sink_close() write all that came in before
 * them.  A write error (a closed pipe, a full disk) is reported once and
 * later records are counted as lost, never a crash.
 */
#ifndef CALLGATE_SUPERVISOR_LOGSINK_H
#define CALLGATE_SUPERVISOR_LOGSINK_H

#include <ev.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "callgate/record.h"
#include "callgate/sysfmt.h"

enum log_format {
	LOG_FORMAT_JSON,
	LOG_FORMAT_TEXT,
};

#define LOG_SINK_BUFFER (1u << 20)
/* the longest a record waits in memory for the flusher of a file log */
#define LOG_SINK_BATCH_MS 2

/* What the log shows (callgate run/serve -t, -y, -e trace=): how, never
 * whether a call is allowed. */
struct log_view {
	enum record_timestamps timestamps; /* -t, -tt, -ttt: the text lines */
	bool decode_fds;		   /* -y: read when the record is built */
	struct sysfmt_filter filter;	   /* -e trace=: which records are written */
};

struct log_sink {
	char run[RECORD_RUN_LEN + 1]; /* ro: the run id on every JSON record */
	int fd;			      /* -1: closed */
	int own_fd;		      /* private: opened by us, closed by log_sink_close() */
	enum log_format format;
	struct log_view view;			 /* ro: log_sink_set_view() */
	char *buf;				 /* private: filled under lock */
	char *spare;				 /* private: written out under write_lock */
	size_t len;				 /* private */
	uint64_t records;			 /* ro: records accepted */
	uint64_t lost;				 /* ro: records that could not be written */
	uint64_t decisions[RECORD_DECISION_MAX]; /* ro: call records accepted, per decision */
	int err;	  /* ro: first write error (positive errno), 0: none */
	ev_prepare flush; /* private: log_sink_flush_on() */
	struct ev_loop *loop;
	pthread_mutex_t lock;	    /* private: every session thread writes here */
	pthread_mutex_t write_lock; /* private: one writer at a time, in order */
	/* private: the flusher (file logs only) */
	bool batched;	   /* a flusher writes: log_sink_kick() leaves it to it */
	bool flusher_idle; /* asleep with nothing to write: wake it */
	bool flusher_stop;
	pthread_cond_t wake; /* under lock */
	pthread_t flusher;
};

/*
 * log_sink_open() - log to @path (appended, created 0600), to stdout for
 * "-", or to stderr for NULL, with a new random run id.  Returns 0 or
 * -errno.
 */
int log_sink_open(struct log_sink *s, const char *path, enum log_format format);

/* log_sink_open(), with @path emptied first unless @append. */
int log_sink_open_file(struct log_sink *s, const char *path, enum log_format format, bool append);

/*
 * log_sink_batch() - a log that is a regular file is written from now on
 * by a thread of its own (the flusher); other logs, and a sink where the
 * thread cannot be made, stay as they were (written at each kick and
 * flush).  The flusher shares the fd table its creator has at this call,
 * for as long as it runs: call it once that table is final (run: after
 * the terminal's table is taken back from the command, which would
 * otherwise keep the pseudo-terminal and the listener open in it).
 */
void log_sink_batch(struct log_sink *s);

/* What the log shows (@v copied); before the first record. */
void log_sink_set_view(struct log_sink *s, const struct log_view *v);

/* Add a record / the start record.  Returns 0, or -errno if it was lost.
 * A record of a syscall outside the view's filter is left out (0). */
int log_sink_record(struct log_sink *s, const struct record *r);
int log_sink_features(struct log_sink *s, const struct record_features *f);

/* A process's record (JSON only), and the end record (JSON only: its
 * run, records and lost are the sink's, the rest is @e's). */
int log_sink_process(struct log_sink *s, const struct record_process *p);
int log_sink_end(struct log_sink *s, const struct record_end *e);

/* Add a lifecycle record of serve (served, ended, refused, reload):
 * JSON logs only, as the start record.  Returns 0 or -errno. */
int log_sink_event(struct log_sink *s, const struct record_event *e);

/* Write out what is buffered.  Returns 0 or -errno. */
int log_sink_flush(struct log_sink *s);

/* A session answered a call: its records are to be written soon.  A pipe
 * or a terminal is flushed now; a file is left to the flusher. */
void log_sink_kick(struct log_sink *s);

/* Flush before @loop waits, each iteration (records are written in
 * batches, and none waits longer than the loop's next sleep). */
void log_sink_flush_on(struct log_sink *s, struct ev_loop *loop);

/* Flush and release. */
void log_sink_close(struct log_sink *s);

#endif

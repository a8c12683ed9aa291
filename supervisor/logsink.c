/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "callgate/macro.h"
#include "log.h"
#include "logsink.h"

/* 128 bits from the kernel's random pool, in hex: never the same twice */
static void new_run_id(char run[RECORD_RUN_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t bits[RECORD_RUN_LEN / 2];
	size_t got = 0;

	while (got < sizeof(bits)) {
		ssize_t n = getrandom(bits + got, sizeof(bits) - got, 0);

		if (n > 0) {
			got += (size_t)n;
		} else if (n < 0 && errno != EINTR) {
			/* before 3.17: the pool through its file */
			int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

			n = fd >= 0 ? read(fd, bits + got, sizeof(bits) - got) : -1;
			if (fd >= 0)
				close(fd);
			if (n <= 0)
				break;
			got += (size_t)n;
		}
	}
	if (got < sizeof(bits)) {
		/* no randomness at all: the time and our pid, unique enough */
		struct timespec ts;
		uint64_t v[2];

		clock_gettime(CLOCK_REALTIME, &ts);
		v[0] = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
		v[1] = (uint64_t)getpid();
		memcpy(bits, v, sizeof(bits));
	}
	for (size_t i = 0; i < sizeof(bits); i++) {
		run[2 * i] = hex[bits[i] >> 4];
		run[2 * i + 1] = hex[bits[i] & 0xf];
	}
	run[RECORD_RUN_LEN] = '\0';
}

int log_sink_open(struct log_sink *s, const char *path, enum log_format format)
{
	return log_sink_open_file(s, path, format, true);
}

static void *flusher_main(void *arg);

void log_sink_batch(struct log_sink *s)
{
	struct stat st;

	/* a file has no reader waiting for the next line: written in batches
	 * by a thread of its own (a pipe or a terminal: at each answer) */
	if (!s->batched && s->fd >= 0 && fstat(s->fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    pthread_create(&s->flusher, NULL, flusher_main, s) == 0)
		s->batched = true;
}

int log_sink_open_file(struct log_sink *s, const char *path, enum log_format format, bool append)
{
	int r;

	*s = (struct log_sink){ .fd = -1, .format = format };
	new_run_id(s->run);
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->write_lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	s->buf = malloc(LOG_SINK_BUFFER);
	s->spare = malloc(LOG_SINK_BUFFER);
	if (!s->buf || !s->spare) {
		r = -ENOMEM;
		goto on_error;
	}
	if (!path) {
		s->fd = STDERR_FILENO;
	} else if (strcmp(path, "-") == 0) {
		s->fd = STDOUT_FILENO;
	} else {
		/* O_APPEND either way: two writers never overwrite each other */
		s->fd = open(path,
			     O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY |
				     (append ? 0 : O_TRUNC),
			     0600);
		if (s->fd < 0) {
			r = -errno;
			goto on_error;
		}
		s->own_fd = 1;
	}
	return 0;
on_error:
	if (s->own_fd && s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	free(s->buf);
	free(s->spare);
	s->buf = s->spare = NULL;
	return r;
}

static void on_prepare(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct log_sink *s = container_of(w, struct log_sink, flush);

	(void)loop;
	(void)revents;
	log_sink_flush(s);
}

void log_sink_flush_on(struct log_sink *s, struct ev_loop *loop)
{
	s->loop = loop;
	ev_prepare_init(&s->flush, on_prepare);
	ev_prepare_start(loop, &s->flush);
}

/*
 * Write out what came in so far: the full buffer is swapped for the empty
 * spare under the lock, and written with only write_lock held (one writer
 * at a time: batches go out in the order they were filled).
 */
static int write_out(struct log_sink *s)
{
	size_t off = 0, len;
	char *out;
	int err;

	pthread_mutex_lock(&s->write_lock);
	pthread_mutex_lock(&s->lock);
	out = s->buf;
	len = s->len;
	err = s->err;
	if (len && !err) {
		s->buf = s->spare;
		s->spare = out;
	}
	s->len = 0;
	pthread_mutex_unlock(&s->lock);
	while (!err && off < len) {
		ssize_t n = write(s->fd, out + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? errno : EIO;
			log_error("Failed to write the decision log: %s; later records are lost",
				  strerror(err));
			pthread_mutex_lock(&s->lock);
			s->err = err;
			pthread_mutex_unlock(&s->lock);
			break;
		}
		off += (size_t)n;
	}
	pthread_mutex_unlock(&s->write_lock);
	return err ? -err : 0;
}

int log_sink_flush(struct log_sink *s)
{
	if (!s->buf)
		return s->err ? -s->err : 0;
	return write_out(s);
}

void log_sink_kick(struct log_sink *s)
{
	if (!s->batched)
		log_sink_flush(s);
}

/* The flusher of a file log: asleep while nothing came in; once something
 * did, it waits LOG_SINK_BATCH_MS for more (or for log_sink_close()) and
 * writes the batch. */
static void *flusher_main(void *arg)
{
	struct log_sink *s = arg;
	bool stop = false;

	while (!stop) {
		struct timespec until;

		pthread_mutex_lock(&s->lock);
		while (s->len == 0 && !s->flusher_stop) {
			s->flusher_idle = true;
			pthread_cond_wait(&s->wake, &s->lock);
		}
		s->flusher_idle = false;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += LOG_SINK_BATCH_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		while (!s->flusher_stop && pthread_cond_timedwait(&s->wake, &s->lock, &until) == 0)
			;
		stop = s->flusher_stop;
		pthread_mutex_unlock(&s->lock);
		write_out(s);
	}
	return NULL;
}

/* Under lock, after a record came in: wake the flusher if it sleeps. */
static void came_in_locked(struct log_sink *s)
{
	if (s->flusher_idle) {
		s->flusher_idle = false;
		pthread_cond_signal(&s->wake);
	}
}

/* Format with @fmt into the free tail of the buffer; a call record
 * (@decision >= 0) counted.  Returns 0, -ENOSPC when it does not fit, or
 * -errno once the log failed (the record counted lost). */
static int append_locked(struct log_sink *s, int (*fmt)(const void *, char *, size_t),
			 const void *arg, int decision)
{
	int n;

	if (!s->buf || s->err) {
		s->lost++;
		return s->err ? -s->err : -EBADF;
	}
	n = fmt(arg, s->buf + s->len, LOG_SINK_BUFFER - s->len);
	if (n < 0)
		return -ENOSPC;
	s->len += (size_t)n;
	s->records++;
	if (decision >= 0 && decision < RECORD_DECISION_MAX)
		s->decisions[decision]++;
	came_in_locked(s);
	return 0;
}

/* append_locked(), with the buffer written out once if it is full (the
 * write outside the lock): the lock is held on return. */
static int append_or_write_locked(struct log_sink *s, int (*fmt)(const void *, char *, size_t),
				  const void *arg, int decision)
{
	int r = append_locked(s, fmt, arg, decision);

	if (r != -ENOSPC)
		return r;
	pthread_mutex_unlock(&s->lock);
	r = write_out(s);
	pthread_mutex_lock(&s->lock);
	if (r == 0)
		r = append_locked(s, fmt, arg, decision);
	if (r == -ENOSPC)
		s->lost++;
	return r;
}

static int append_call(struct log_sink *s, int (*fmt)(const void *, char *, size_t),
		       const void *arg, int decision)
{
	int r;

	pthread_mutex_lock(&s->lock);
	r = append_or_write_locked(s, fmt, arg, decision);
	pthread_mutex_unlock(&s->lock);
	return r;
}

static int append(struct log_sink *s, int (*fmt)(const void *, char *, size_t), const void *arg)
{
	return append_call(s, fmt, arg, -1);
}

static int fmt_record(const void *arg, char *buf, size_t size)
{
	return record_format_json(arg, buf, size);
}

struct text_arg {
	const struct record *r;
	struct record_text_opts opts;
};

static int fmt_record_text(const void *arg, char *buf, size_t size)
{
	const struct text_arg *t = arg;

	/* serve: "[ID] " first (record_format_container_prefix()) */
	return record_format_text_container(t->r, &t->opts, buf, size);
}

void log_sink_set_view(struct log_sink *s, const struct log_view *v)
{
	s->view = *v;
}

/* -t, -tt: local time, as strace writes it (the offset of the record's own
 * time: summer time begins and ends in a running log) */
static int32_t utc_offset(int64_t usec)
{
	time_t t = (time_t)(usec / 1000000);
	struct tm tm;

	return localtime_r(&t, &tm) ? (int32_t)tm.tm_gmtoff : 0;
}

static int fmt_features(const void *f, char *buf, size_t size)
{
	return record_format_features_json(f, buf, size);
}

int log_sink_record(struct log_sink *s, const struct record *r)
{
	struct text_arg t = { .r = r, .opts = { .timestamps = s->view.timestamps } };

	if (!sysfmt_filter_match(&s->view.filter, r->arch, r->nr))
		return 0;
	if (s->format != LOG_FORMAT_TEXT) {
		/* the run id is the sink's: a copy of the record carries it */
		struct record with_run = *r;

		with_run.run = s->run;
		return append_call(s, fmt_record, &with_run, (int)r->decision);
	}
	if (t.opts.timestamps == RECORD_TS_TIME || t.opts.timestamps == RECORD_TS_PRECISE)
		t.opts.utc_offset = utc_offset(r->time_usec);
	return append_call(s, fmt_record_text, &t, (int)r->decision);
}

int log_sink_features(struct log_sink *s, const struct record_features *f)
{
	struct record_features with_run = *f;

	/* The text log is for people: the start line is JSON only. */
	if (s->format == LOG_FORMAT_TEXT)
		return 0;
	with_run.run = s->run;
	return append(s, fmt_features, &with_run);
}

static int fmt_process(const void *p, char *buf, size_t size)
{
	return record_format_process_json(p, buf, size);
}

int log_sink_process(struct log_sink *s, const struct record_process *p)
{
	struct record_process with_run = *p;

	if (s->format == LOG_FORMAT_TEXT)
		return 0;
	with_run.run = s->run;
	return append(s, fmt_process, &with_run);
}

static int fmt_end(const void *e, char *buf, size_t size)
{
	return record_format_end_json(e, buf, size);
}

int log_sink_end(struct log_sink *s, const struct record_end *e)
{
	struct record_end end = *e;
	int r;

	if (s->format == LOG_FORMAT_TEXT)
		return 0;
	end.run = s->run;
	pthread_mutex_lock(&s->lock);
	memcpy(end.records, s->decisions, sizeof(end.records));
	end.lost = s->lost;
	r = append_locked(s, fmt_end, &end, -1);
	if (r == -ENOSPC) {
		/* written out first, the counts taken again */
		pthread_mutex_unlock(&s->lock);
		r = write_out(s);
		pthread_mutex_lock(&s->lock);
		memcpy(end.records, s->decisions, sizeof(end.records));
		end.lost = s->lost;
		if (r == 0)
			r = append_locked(s, fmt_end, &end, -1);
		if (r == -ENOSPC)
			s->lost++;
	}
	pthread_mutex_unlock(&s->lock);
	return r;
}

void log_sink_close(struct log_sink *s)
{
	if (s->loop)
		ev_prepare_stop(s->loop, &s->flush);
	s->loop = NULL;
	if (s->batched) {
		pthread_mutex_lock(&s->lock);
		s->flusher_stop = true;
		pthread_cond_signal(&s->wake);
		pthread_mutex_unlock(&s->lock);
		pthread_join(s->flusher, NULL);
		s->batched = false;
	}
	if (s->buf)
		log_sink_flush(s);
	free(s->buf);
	free(s->spare);
	s->buf = s->spare = NULL;
	if (s->own_fd && s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->write_lock);
	pthread_mutex_destroy(&s->lock);
}

static int fmt_event(const void *e, char *buf, size_t size)
{
	return record_format_event_json(e, buf, size);
}

int log_sink_event(struct log_sink *s, const struct record_event *e)
{
	struct record_event with_run = *e;

	/* as the start record: the daemon says these on stderr too */
	if (s->format == LOG_FORMAT_TEXT)
		return 0;
	with_run.run = s->run;
	return append(s, fmt_event, &with_run);
}

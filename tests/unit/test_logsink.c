/* SPDX-License-Identifier: Apache-2.0 */
/* The decision log's file: run ids, -o emptied or appended to, the end
 * record's counts; and the set of processes already described. */
#include <cjson/cJSON.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../../supervisor/logsink.h"
#include "../../supervisor/procseen.h"
#include "testutil.h"

static char path[] = "/tmp/callgate-test-logsink-XXXXXX";

static void setup(void)
{
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "old\n", 4), 4);
	close(fd);
}

static void teardown(void)
{
	unlink(path);
	strcpy(path, "/tmp/callgate-test-logsink-XXXXXX");
}

/* The lines of the log, parsed; *@n of them. */
static cJSON **lines(int *n)
{
	static cJSON *l[64];
	char buf[8192];
	FILE *f = fopen(path, "re");

	*n = 0;
	ck_assert_ptr_nonnull(f);
	while (fgets(buf, sizeof(buf), f) && *n < 64) {
		l[*n] = cJSON_Parse(buf);
		ck_assert_msg(l[*n] != NULL, "line %d is not JSON: %s", *n, buf);
		(*n)++;
	}
	fclose(f);
	return l;
}

static const char *str(const cJSON *j, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void one_run(bool append, enum record_decision *d, size_t n_d, char run[RECORD_RUN_LEN + 1])
{
	struct log_sink s;
	struct record_features f = { .kernel = "6.18", .mode = "enforce" };
	struct record_process p = { .pid = 9, .comm = "x" };
	struct record_end e = { .status = 3 };

	ck_assert_int_eq(log_sink_open_file(&s, path, LOG_FORMAT_JSON, append), 0);
	log_sink_batch(&s);
	ck_assert_int_eq((int)strlen(s.run), RECORD_RUN_LEN);
	ck_assert_int_eq((int)strspn(s.run, "0123456789abcdef"), RECORD_RUN_LEN);
	strcpy(run, s.run);
	ck_assert_int_eq(log_sink_features(&s, &f), 0);
	ck_assert_int_eq(log_sink_process(&s, &p), 0);
	for (size_t i = 0; i < n_d; i++) {
		struct record r = { .pid = 9, .tid = 9, .syscall = "getpid", .mode = "enforce" };

		r.decision = d[i];
		ck_assert_int_eq(log_sink_record(&s, &r), 0);
	}
	ck_assert_int_eq(log_sink_end(&s, &e), 0);
	log_sink_close(&s);
}

START_TEST(truncate_append_and_count)
{
	enum record_decision d1[] = { RECORD_DENY, RECORD_DENY, RECORD_WOULD_KILL };
	enum record_decision d2[] = { RECORD_ALLOW };
	char run1[RECORD_RUN_LEN + 1], run2[RECORD_RUN_LEN + 1];
	cJSON **l;
	const cJSON *c;
	int n;

	/* emptied: "old" is gone */
	one_run(false, d1, 3, run1);
	l = lines(&n);
	ck_assert_int_eq(n, 6);
	for (int i = 0; i < n; i++)
		ck_assert_str_eq(str(l[i], "run"), run1);
	ck_assert_str_eq(str(l[0], "event"), "start");
	ck_assert_str_eq(str(l[1], "event"), "process");
	ck_assert_str_eq(str(l[5], "event"), "end");
	c = cJSON_GetObjectItem(l[5], "records");
	ck_assert_int_eq(cJSON_GetObjectItem(c, "deny")->valueint, 2);
	ck_assert_int_eq(cJSON_GetObjectItem(c, "would-kill")->valueint, 1);
	ck_assert_int_eq(cJSON_GetObjectItem(c, "allow")->valueint, 0);
	ck_assert_int_eq(cJSON_GetObjectItem(l[5], "status")->valueint, 3);
	for (int i = 0; i < n; i++)
		cJSON_Delete(l[i]);

	/* appended: both runs, told apart, counted apart */
	one_run(true, d2, 1, run2);
	ck_assert_str_ne(run1, run2);
	l = lines(&n);
	ck_assert_int_eq(n, 10);
	ck_assert_str_eq(str(l[5], "run"), run1);
	for (int i = 6; i < n; i++)
		ck_assert_str_eq(str(l[i], "run"), run2);
	c = cJSON_GetObjectItem(l[9], "records");
	ck_assert_int_eq(cJSON_GetObjectItem(c, "deny")->valueint, 0);
	ck_assert_int_eq(cJSON_GetObjectItem(c, "allow")->valueint, 1);
	for (int i = 0; i < n; i++)
		cJSON_Delete(l[i]);
}
END_TEST

/* The text log is for people: no start, process or end lines. */
START_TEST(text_has_decisions_only)
{
	struct log_sink s;
	struct record r = { .pid = 9, .tid = 9, .syscall = "getpid", .decision = RECORD_DENY };
	struct record_process p = { .pid = 9 };
	struct record_end e = { 0 };
	char buf[256];
	FILE *f;

	ck_assert_int_eq(log_sink_open_file(&s, path, LOG_FORMAT_TEXT, false), 0);
	log_sink_batch(&s);
	log_sink_process(&s, &p);
	log_sink_record(&s, &r);
	log_sink_end(&s, &e);
	log_sink_close(&s);
	f = fopen(path, "re");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
	ck_assert_msg(strncmp(buf, "[pid 9] getpid() = ", 19) == 0, "%s", buf);
	ck_assert_ptr_null(fgets(buf, sizeof(buf), f));
	fclose(f);
}
END_TEST

START_TEST(seen_once_per_executable)
{
	struct proc_seen s = { 0 };

	ck_assert(!proc_seen_note(&s, 0, 1, "/bin/sh"));
	ck_assert(proc_seen_note(&s, 10, 500, "/bin/sh"));
	ck_assert(!proc_seen_note(&s, 10, 500, "/bin/sh"));
	ck_assert(proc_seen_note(&s, 10, 500, "/bin/cat")); /* execve */
	ck_assert(!proc_seen_note(&s, 10, 500, "/bin/cat"));
	/* pid 10 given again to a process running the same program */
	ck_assert(proc_seen_note(&s, 10, 900, "/bin/cat"));
	ck_assert(!proc_seen_note(&s, 10, 900, "/bin/cat"));
	ck_assert(proc_seen_note(&s, 11, 500, NULL));
	ck_assert(!proc_seen_note(&s, 11, 500, NULL));
	/* as many as there are slots at most: the set stays that size; one
	 * pushed out is news again, never one missing */
	for (pid_t p = 100; p < 100 + 4 * PROC_SEEN_SLOTS; p++)
		ck_assert_msg(proc_seen_note(&s, p, 7, "/bin/x"), "pid %d", (int)p);
	/* the latest PROC_SEEN_SLOTS consecutive pids fill every slot once */
	for (pid_t p = 100 + 3 * PROC_SEEN_SLOTS; p < 100 + 4 * PROC_SEEN_SLOTS; p++)
		ck_assert_msg(!proc_seen_note(&s, p, 7, "/bin/x"), "pid %d again", (int)p);
	ck_assert(proc_seen_note(&s, 100, 7, "/bin/x")); /* pushed out: news */
	proc_seen_done(&s);
	ck_assert_ptr_null(s.slots);
}
END_TEST

/* Records from several threads at once: every one written, each thread's
 * in the order it wrote them, without a flush before log_sink_close(). */
#define WRITERS	   4
#define PER_WRITER 20000 /* more than a buffer holds: written out midway */

static struct log_sink shared_sink;

static void *writer(void *arg)
{
	int t = (int)(intptr_t)arg;

	for (int i = 0; i < PER_WRITER; i++) {
		struct record r = { .pid = 9,
				    .tid = 100 + t,
				    .syscall = "getpid",
				    .mode = "enforce",
				    .decision = RECORD_ALLOW };

		r.args[0] = (uint64_t)i;
		ck_assert_int_eq(log_sink_record(&shared_sink, &r), 0);
	}
	return NULL;
}

START_TEST(every_record_in_order_at_close)
{
	pthread_t th[WRITERS];
	long next[WRITERS] = { 0 };
	struct record_end e = { .status = 0 };
	char buf[8192];
	FILE *f;
	int ends = 0;

	ck_assert_int_eq(log_sink_open_file(&shared_sink, path, LOG_FORMAT_JSON, false), 0);
	log_sink_batch(&shared_sink);
	ck_assert(shared_sink.batched);
	for (int t = 0; t < WRITERS; t++)
		ck_assert_int_eq(pthread_create(&th[t], NULL, writer, (void *)(intptr_t)t), 0);
	for (int t = 0; t < WRITERS; t++)
		pthread_join(th[t], NULL);
	ck_assert_int_eq(log_sink_end(&shared_sink, &e), 0);
	log_sink_close(&shared_sink);

	f = fopen(path, "re");
	ck_assert_ptr_nonnull(f);
	while (fgets(buf, sizeof(buf), f)) {
		cJSON *j = cJSON_Parse(buf);
		const cJSON *tid, *args;
		int t;

		ck_assert_msg(j != NULL, "not JSON: %s", buf);
		ck_assert_int_eq(ends, 0); /* the end record is the last */
		if (str(j, "event") && strcmp(str(j, "event"), "end") == 0) {
			ends++;
			cJSON_Delete(j);
			continue;
		}
		tid = cJSON_GetObjectItem(j, "tid");
		args = cJSON_GetObjectItem(j, "args");
		ck_assert(cJSON_IsNumber(tid) && cJSON_IsArray(args));
		t = tid->valueint - 100;
		ck_assert(t >= 0 && t < WRITERS);
		ck_assert_int_eq(strtol(cJSON_GetArrayItem(args, 0)->valuestring, NULL, 16),
				 next[t]);
		next[t]++;
		cJSON_Delete(j);
	}
	fclose(f);
	ck_assert_int_eq(ends, 1);
	for (int t = 0; t < WRITERS; t++)
		ck_assert_int_eq(next[t], PER_WRITER);
}
END_TEST

/* A file log is written without a flush: a record comes out by itself
 * (the flusher), while the sink stays open. */
START_TEST(file_written_without_flush)
{
	struct log_sink s;
	struct record r = { .pid = 9, .tid = 9, .syscall = "getpid", .mode = "enforce" };
	struct stat st = { 0 };

	ck_assert_int_eq(log_sink_open_file(&s, path, LOG_FORMAT_JSON, false), 0);
	ck_assert(!s.batched);
	log_sink_batch(&s);
	ck_assert(s.batched);
	ck_assert_int_eq(log_sink_record(&s, &r), 0);
	log_sink_kick(&s);
	/* a liveness bound, not a timing: 20 s for what takes 2 ms */
	for (int i = 0; i < 20000 && st.st_size == 0; i++) {
		ck_assert_int_eq(stat(path, &st), 0);
		if (st.st_size == 0)
			usleep(1000);
	}
	ck_assert_int_gt(st.st_size, 0);
	log_sink_close(&s);
}
END_TEST

/* A pipe's reader may wait for the line: written at the kick. */
START_TEST(pipe_written_at_kick)
{
	struct log_sink s;
	struct record r = { .pid = 9, .tid = 9, .syscall = "getpid", .mode = "enforce" };
	int p[2], saved = dup(STDOUT_FILENO);
	char buf[4096];

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_ge(saved, 0);
	dup2(p[1], STDOUT_FILENO);
	ck_assert_int_eq(log_sink_open_file(&s, "-", LOG_FORMAT_JSON, true), 0);
	log_sink_batch(&s);
	ck_assert(!s.batched);
	ck_assert_int_eq(log_sink_record(&s, &r), 0);
	log_sink_kick(&s);
	/* there now: a read that would block otherwise */
	ck_assert_int_gt(fcntl(p[0], F_SETFL, O_NONBLOCK), -1);
	ck_assert_int_gt(read(p[0], buf, sizeof(buf)), 0);
	log_sink_close(&s);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(p[0]);
	close(p[1]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("logsink");
	TCase *tc = tcase_create("logsink");
	/* a liveness bound: 80,000 records parsed back take seconds under
	 * the sanitizers on a loaded 2-core machine (Check's default is 4) */
	tcase_set_timeout(tc, 120);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, truncate_append_and_count);
	tcase_add_test(tc, text_has_decisions_only);
	tcase_add_test(tc, seen_once_per_executable);
	tcase_add_test(tc, every_record_in_order_at_close);
	tcase_add_test(tc, file_written_without_flush);
	tcase_add_test(tc, pipe_written_at_kick);
	suite_add_tcase(s, tc);
	return tu_run(s);
}

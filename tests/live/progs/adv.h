/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers of the adv_* attack programs (tests/live/adversary.sh): a budget
 * of tries bounded by a count and by wall time, reading a file to see
 * whether it is the forbidden one, and the summary line each attack
 * prints: "LABEL breaches N tries M allowed_ok K".
 */
#ifndef ADV_H
#define ADV_H

#include <fcntl.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* the forbidden files hold this; the allowed ones "hello" */
#define ADV_FORBIDDEN "forbidden"
#define ADV_HELLO     "hello"

struct adv_budget {
	long max, tries;
	double end;
};

static inline double adv_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* at most MAX tries, and none started after SECS seconds */
static inline void adv_budget_init(struct adv_budget *b, long max, double secs)
{
	b->max = max;
	b->tries = 0;
	b->end = adv_now() + secs;
}

/* whether to try once more; counts the try */
static inline int adv_more(struct adv_budget *b)
{
	if (b->tries >= b->max)
		return 0;
	if ((b->tries & 63) == 0 && adv_now() > b->end)
		return 0;
	b->tries++;
	return 1;
}

/* what fd reads as: 1 the forbidden content, 2 the allowed one, 0 other */
static inline int adv_fd_content(int fd)
{
	char buf[32] = "";
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	if (strncmp(buf, ADV_FORBIDDEN, strlen(ADV_FORBIDDEN)) == 0)
		return 1;
	if (strncmp(buf, ADV_HELLO, strlen(ADV_HELLO)) == 0)
		return 2;
	return 0;
}

/* flips made by a racing thread; the tries start once it runs.  A flipper
 * calls adv_flipped after each change, so that both states last alike. */
static atomic_long adv_flips;

static inline void adv_flipped(void)
{
	static long n;

	atomic_store_explicit(&adv_flips, ++n, memory_order_relaxed);
}

static inline void adv_wait_flipper(void)
{
	while (atomic_load(&adv_flips) < 100)
		sched_yield();
}

static inline void adv_summary(const char *label, long breaches, long tries, long allowed_ok)
{
	printf("%s breaches %ld tries %ld allowed_ok %ld\n", label, breaches, tries, allowed_ok);
	fflush(stdout);
}

/* a number argument, or the default when absent or "-" */
static inline long adv_arg(int argc, char **argv, int i, long dflt)
{
	if (i >= argc || strcmp(argv[i], "-") == 0)
		return dflt;
	return atol(argv[i]);
}

#endif

/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plancache.h"
#include "policy_load.h"
#include "policy_warn.h"

void plan_cache_unref(struct plan_cache *c, struct served_plan *sp)
{
	if (--sp->refs)
		return;
	for (struct served_plan **p = &c->plans; *p; p = &(*p)->next)
		if (*p == sp) {
			*p = sp->next;
			break;
		}
	plan_free(sp->plan);
	policy_free(sp->policy);
	free(sp);
}

struct served_plan *plan_cache_get(struct plan_cache *c, const char *name, enum plan_mode mode,
				   char *err, size_t err_size)
{
	struct policy_error pe = { 0 };
	struct policy_load pl;
	struct served_plan *sp;
	char path[PATH_MAX], key[80];
	int r;

	snprintf(key, sizeof(key), "%s/%s", name ? name : "default", plan_mode_to_string(mode));
	for (sp = c->plans; sp; sp = sp->next)
		if (sp->generation == c->generation && strcmp(sp->name, key) == 0) {
			sp->refs++;
			return sp;
		}
	if (name)
		r = snprintf(path, sizeof(path), "%s/%s.json", c->policy_dir, name);
	else
		r = snprintf(path, sizeof(path), "%s", c->default_policy);
	if (r < 0 || (size_t)r >= sizeof(path)) {
		snprintf(err, err_size, "policy path too long");
		return NULL;
	}
	r = policy_load_plan(path, &c->host, mode, 0, &pl, &pe);
	if (r < 0) {
		policy_error_format(path, &pe, err, err_size);
		return NULL;
	}
	/* each file as it is loaded (at start, on first use, after a
	 * reload), as check prints its warnings */
	policy_warnings_print(stderr, path, pl.policy, pl.plan, 0);
	sp = calloc(1, sizeof(*sp));
	if (!sp) {
		policy_load_done(&pl);
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	snprintf(sp->name, sizeof(sp->name), "%s", key);
	sp->mode = mode;
	sp->generation = c->generation;
	sp->policy = pl.policy;
	sp->plan = pl.plan;
	sp->refs = 2; /* the cache's and the caller's */
	sp->next = c->plans;
	c->plans = sp;
	return sp;
}

unsigned plan_cache_reload(struct plan_cache *c)
{
	struct served_plan *next;
	unsigned kept = 0;

	c->generation++;
	for (struct served_plan *sp = c->plans; sp; sp = next) {
		next = sp->next;
		if (sp->generation != c->generation - 1)
			continue;
		sp->generation = 0; /* no longer found: the cache lets go */
		if (sp->refs > 1)
			kept++;
		plan_cache_unref(c, sp);
	}
	return kept;
}

void plan_cache_init(struct plan_cache *c, const char *policy_dir, const char *default_policy,
		     const struct plan_host *host)
{
	*c = (struct plan_cache){ .policy_dir = policy_dir,
				  .default_policy = default_policy,
				  .host = *host,
				  .generation = 1 };
}

void plan_cache_done(struct plan_cache *c)
{
	/* what is left is the cache's own reference */
	while (c->plans) {
		c->plans->refs = 1;
		plan_cache_unref(c, c->plans);
	}
}

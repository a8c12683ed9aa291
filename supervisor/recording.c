/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>

#include "recording.h"

int recording_init(struct recording *r)
{
	int e;

	*r = (struct recording){ 0 };
	r->recorder = recorder_new();
	if (!r->recorder)
		return -ENOMEM;
	e = pthread_mutex_init(&r->lock, NULL);
	if (e) {
		recorder_free(r->recorder);
		r->recorder = NULL;
		return -e;
	}
	return 0;
}

void recording_done(struct recording *r)
{
	if (!r->recorder)
		return;
	recorder_free(r->recorder);
	r->recorder = NULL;
	pthread_mutex_destroy(&r->lock);
}

void recording_add(struct recording *r, enum cg_arch arch, int nr, const uint64_t args[6],
		   const char *const *paths, size_t n_paths, const char *addr)
{
	pthread_mutex_lock(&r->lock);
	if (recorder_add(r->recorder, arch, nr, args, paths, n_paths, addr) < 0)
		r->lost++;
	pthread_mutex_unlock(&r->lock);
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * callgate export: from a callgate policy, the profile a container runtime
 * loads for `callgate serve` (callgate/export.h).
 */
#include <getopt.h>
#include <limits.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callgate/cleanup.h"
#include "callgate/export.h"
#include "callgate/host.h"
#include "callgate/ocistate.h"
#include "export.h"
#include "host.h"
#include "log.h"
#include "policy_load.h"
#include "wholefile.h"

#define EXIT_EXPORT_FAILED 2
/* callgate(1), SERVE: the socket of the systemd unit */
#define EXPORT_DEFAULT_SOCKET "/run/callgate/callgate.sock"

static void export_usage(FILE *f)
{
	fputs("Usage: callgate export [OPTIONS] POLICY\n"
	      "\n"
	      "Write the profile a container runtime (runc, crun, Podman) loads for a\n"
	      "container that callgate serve supervises with POLICY: a plain OCI seccomp\n"
	      "profile that notifies exactly the calls callgate decides, with\n"
	      "listenerPath and listenerMetadata set.\n"
	      "  -o, --output FILE     write FILE (whole or not at all), not standard output\n"
	      "  --listener-path PATH  serve's socket (default " EXPORT_DEFAULT_SOCKET ")\n"
	      "  --name NAME           the policy's name in serve's policy directory\n"
	      "                        (default: POLICY's file name without .json)\n"
	      "  -m, --mode MODE       enforce (default) or audit: the mode serve decides in\n"
	      "  --caps LIST           capabilities includes/excludes are resolved with:\n"
	      "                        CAP_A,CAP_B | all | none (default: as callgate serve\n"
	      "                        started here resolves them)\n"
	      "  --kernel X.Y          kernel version for minKernel (default: this kernel)\n"
	      "Exit status: 0 written, 2 the policy cannot be exported (the reason is\n"
	      "printed), 125 other failures.\n",
	      f);
}

struct export_cmd {
	const char *output;
	const char *listener_path;
	const char *name;
	enum plan_mode mode;
	struct plan_host host;
};

/* POLICY's file name without its directory and ".json". */
static int default_name(const char *path, char *buf, size_t size)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n > 5 && strcmp(base + n - 5, ".json") == 0)
		n -= 5;
	if (n >= size)
		return -ENAMETOOLONG;
	memcpy(buf, base, n);
	buf[n] = '\0';
	return 0;
}

/*
 * A notified syscall that this machine's libseccomp does not know: a
 * runtime built on it (runc, crun) skips the name, so its calls get the
 * default action instead of reaching callgate.
 */
static void warn_unknown_to_libseccomp(const struct policy *p)
{
	const struct scmp_version *v = seccomp_version();

	for (size_t i = 0; i < p->n_rules; i++) {
		const struct policy_rule *r = &p->rules[i];

		if (r->action != POLICY_ACT_NOTIFY)
			continue;
		for (size_t k = 0; k < r->n_names; k++)
			if (seccomp_syscall_resolve_name(r->names[k]) == __NR_SCMP_ERROR)
				log_warn("libseccomp %u.%u.%u does not know syscall \"%s\": a "
					 "runtime built on it decides its calls by the default "
					 "action, not by callgate",
					 v->major, v->minor, v->micro, r->names[k]);
	}
}

static int export_one(const char *path, const struct export_cmd *o)
{
	struct policy_load pl = { 0 };
	struct policy_error perr = { 0 };
	_cleanup_policy_ struct policy *out = NULL;
	_cleanup_free_ char *text = NULL;
	char name[OCIMETA_NAME_MAX + 2], meta[OCIMETA_NAME_MAX + 64], msg[PATH_MAX + 1024];
	size_t notified = 0;
	int r;

	if (o->name) {
		snprintf(name, sizeof(name), "%s", o->name);
	} else if (default_name(path, name, sizeof(name)) < 0) {
		log_error("%s: the file name is too long for a policy name: give --name", path);
		return EXIT_EXPORT_FAILED;
	}
	if (!ocimeta_name_valid(name)) {
		log_error("'%s' is not a policy name callgate serve looks up (1 to %d characters "
			  "of A-Z a-z 0-9 . _ -, not starting with '.')%s",
			  name, OCIMETA_NAME_MAX, o->name ? "" : ": give --name");
		return EXIT_EXPORT_FAILED;
	}
	snprintf(meta, sizeof(meta), "policy=%s,mode=%s", name, plan_mode_to_string(o->mode));

	r = policy_load_plan(path, &o->host, o->mode, 0, &pl, &perr);
	if (r < 0) {
		policy_error_format(path, &perr, msg, sizeof(msg));
		log_error("%s", msg);
		return EXIT_EXPORT_FAILED;
	}
	/* as check shows them: a typo'd key is silently ignored otherwise */
	for (size_t i = 0; i < pl.policy->n_warnings; i++) {
		struct policy_error w = { .pos = pl.policy->warnings[i].pos };

		snprintf(w.msg, sizeof(w.msg), "warning: %s", pl.policy->warnings[i].msg);
		policy_error_format(path, &w, msg, sizeof(msg));
		fprintf(stderr, "%s\n", msg);
	}
	r = export_profile(pl.plan,
			   &(struct export_opts){ .listener_path = o->listener_path,
						  .listener_metadata = meta },
			   &text, &out, &perr);
	policy_load_done(&pl);
	if (r < 0) {
		log_error("%s: cannot export: %s", path, perr.msg);
		return EXIT_EXPORT_FAILED;
	}
	for (size_t i = 0; i < out->n_rules; i++)
		if (out->rules[i].action == POLICY_ACT_NOTIFY)
			notified += out->rules[i].n_names;
	if (notified == 0)
		log_warn("%s: no call is left to callgate: the runtime decides them all in the "
			 "kernel and does not use listenerPath",
			 path);
	warn_unknown_to_libseccomp(out);
	if (!o->output) {
		if (fputs(text, stdout) < 0 || fflush(stdout) != 0) {
			log_error("Cannot write the profile: %s", strerror(errno));
			return 125;
		}
		return 0;
	}
	r = wholefile_write(o->output, text);
	if (r < 0) {
		log_error("Cannot write %s: %s", o->output, strerror(-r));
		return 125;
	}
	return 0;
}

int cmd_export(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "listener-path", required_argument, NULL, 'l' },
		{ "name", required_argument, NULL, 'n' },
		{ "mode", required_argument, NULL, 'm' },
		{ "caps", required_argument, NULL, 'c' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct export_cmd o = { .listener_path = EXPORT_DEFAULT_SOCKET, .mode = PLAN_MODE_ENFORCE };
	const char *caps = NULL, *kernel = NULL;
	char bad[64];
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+o:m:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': o.output = optarg; break;
		case 'l': o.listener_path = optarg; break;
		case 'n': o.name = optarg; break;
		case 'm':
			o.mode = plan_mode_from_string(optarg);
			if (o.mode != PLAN_MODE_ENFORCE && o.mode != PLAN_MODE_AUDIT) {
				log_error("Unknown mode '%s' (enforce or audit: the modes of "
					  "callgate serve)",
					  optarg);
				return 125;
			}
			break;
		case 'c': caps = optarg; break;
		case 'k': kernel = optarg; break;
		case 'h': export_usage(stdout); return 0;
		default: export_usage(stderr); return 125;
		}
	}
	if (optind != argc - 1) {
		export_usage(stderr);
		return 125;
	}
	if (o.listener_path[0] != '/') {
		log_error("--listener-path '%s': the runtime needs an absolute path",
			  o.listener_path);
		return 125;
	}
	r = host_detect(&o.host);
	if (r < 0) {
		log_error("Failed to inspect this host: %s", strerror(-r));
		return 125;
	}
	if (caps && host_parse_caps(caps, &o.host.caps, bad, sizeof(bad)) < 0) {
		log_error("Unknown capability '%s' in --caps", bad);
		return 125;
	}
	if (kernel && host_parse_kernel(kernel, &o.host) < 0) {
		log_error("Invalid --kernel '%s' (expected X.Y)", kernel);
		return 125;
	}
	return export_one(argv[optind], &o);
}

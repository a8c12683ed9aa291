/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "opts.h"
#include "serve.h"
#include "serveopts.h"

#ifndef CALLGATE_DATADIR
#define CALLGATE_DATADIR "/usr/local/share/callgate"
#endif

static int parse_owner(const char *s, uid_t *uid, gid_t *gid)
{
	char user[256];
	const char *colon = strchr(s, ':');
	size_t n = colon ? (size_t)(colon - s) : strlen(s);
	struct passwd *pw;

	if (n >= sizeof(user))
		return -EINVAL;
	memcpy(user, s, n);
	user[n] = '\0';
	if (n) {
		char *end;
		unsigned long v = strtoul(user, &end, 10);

		if (*end == '\0') {
			*uid = (uid_t)v;
		} else if ((pw = getpwnam(user))) {
			*uid = pw->pw_uid;
			if (!colon)
				*gid = pw->pw_gid;
		} else {
			return -ENOENT;
		}
	}
	if (colon && colon[1]) {
		struct group *gr = getgrnam(colon + 1);
		char *end;
		unsigned long v = strtoul(colon + 1, &end, 10);

		if (*end == '\0')
			*gid = (gid_t)v;
		else if (gr)
			*gid = gr->gr_gid;
		else
			return -ENOENT;
	}
	return 0;
}

static void serve_usage(FILE *f)
{
	fputs("Usage: callgate serve --socket PATH [--socket-mode MODE] [--socket-owner "
	      "USER[:GROUP]]\n"
	      "                      [--policy-dir DIR] [-p DEFAULT] [-m enforce|audit] [-o LOG]\n"
	      "                      [--log-format json|text] [--peer-timeout SEC]\n"
	      "                      [--control PATH [--ask-timeout SEC] [--ask-default "
	      "allow|deny]]\n"
	      "                      [-t[t[t]]|--timestamps[=time|precise|unix]] "
	      "[-y|--decode-fds]\n"
	      "                      [-e trace=SET|--trace=SET]\n",
	      f);
}

static void serve_help(void)
{
	serve_usage(stdout);
	fputs("\n"
	      "Serve targets handed over by callgate-agent and by OCI runtimes (runc, crun:\n"
	      "the profile's listenerPath) until SIGTERM or SIGINT; SIGHUP reloads policies.\n"
	      "  --socket PATH           the socket agents and runtimes connect to (never\n"
	      "                          taken from a live listener; a stale one is replaced)\n"
	      "  --socket-mode MODE      its mode, octal (default 0600)\n"
	      "  --socket-owner U[:G]    its owner and group\n"
	      "  --policy-dir DIR        policies a runtime names in listenerMetadata\n"
	      "  -p, --policy DEFAULT    the policy of a target that names none\n"
	      "  -m, --mode MODE         enforce (default) or audit\n"
	      "  -o, --output LOG        the decision log, JSON Lines (default: text to stderr)\n"
	      "  --log-format FORMAT     json or text\n"
	      "  --peer-timeout SEC      how long a connecting peer may take to hand over\n"
	      "  --control PATH          questions of SCMP_ACT_NOTIFY rules wait for\n"
	      "                          callgate ctl on this socket\n"
	      "  --ask-timeout SEC       with --control: --ask-default after SEC\n"
	      "  --ask-default ANSWER    allow or deny (default)\n"
	      "  -t, -tt, -ttt, --timestamps, -y, --decode-fds, -e trace=SET: as for run\n"
	      "  -h, --help              this text\n",
	      stdout);
}

int serve_opts_parse(int argc, char **argv, struct serve_opts *o)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "socket-mode", required_argument, NULL, 'M' },
		{ "socket-owner", required_argument, NULL, 'O' },
		{ "policy-dir", required_argument, NULL, 'D' },
		{ "policy", required_argument, NULL, 'p' },
		{ "mode", required_argument, NULL, 'm' },
		{ "output", required_argument, NULL, 'o' },
		{ "log-format", required_argument, NULL, 'F' },
		{ "peer-timeout", required_argument, NULL, 'T' },
		{ "control", required_argument, NULL, 'K' },
		{ "ask-timeout", required_argument, NULL, 'A' },
		{ "ask-default", required_argument, NULL, 'd' },
		OPT_VIEW_LONG,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	*o = (struct serve_opts){ .peer_timeout = SERVE_PEER_TIMEOUT,
				  .socket_mode = 0600,
				  .owner = (uid_t)-1,
				  .group = (gid_t)-1,
				  .policy_dir = CALLGATE_DATADIR "/policies",
				  .mode = PLAN_MODE_ENFORCE };
	optind = 1;
	while ((c = getopt_long(argc, argv, "+p:m:o:h" OPT_VIEW_SHORT, longopts, NULL)) != -1) {
		int taken = opt_view(c, optarg, &o->view);

		if (taken < 0)
			return -EINVAL;
		if (taken)
			continue;
		switch (c) {
		case 's': o->socket = optarg; break;
		case 'M': {
			char *end;
			unsigned long m = strtoul(optarg, &end, 8);

			if (*end || m > 0777) {
				log_error("--socket-mode takes an octal mode, not '%s'", optarg);
				return -EINVAL;
			}
			o->socket_mode = (mode_t)m;
			break;
		}
		case 'O':
			if (parse_owner(optarg, &o->owner, &o->group) < 0) {
				log_error("Unknown user or group in --socket-owner '%s'", optarg);
				return -EINVAL;
			}
			break;
		case 'D': o->policy_dir = optarg; break;
		case 'p': o->default_policy = optarg; break;
		case 'm':
			o->mode = plan_mode_from_string(optarg);
			if (o->mode != PLAN_MODE_ENFORCE && o->mode != PLAN_MODE_AUDIT) {
				log_error("serve decides in enforce or audit mode, not '%s'",
					  optarg);
				return -EINVAL;
			}
			break;
		case 'o': o->log_path = optarg; break;
		case 'F':
			o->log_format_set = true;
			if (opt_log_format(optarg, &o->log_format) < 0)
				return -EINVAL;
			break;
		case 'T':
			if (opt_seconds("--peer-timeout", optarg, 3600, &o->peer_timeout) < 0)
				return -EINVAL;
			break;
		case 'K': o->control = optarg; break;
		case 'A':
			if (opt_seconds("--ask-timeout", optarg, 1e6, &o->ask_timeout) < 0)
				return -EINVAL;
			break;
		case 'd':
			if (opt_ask_default(optarg, &o->ask) < 0)
				return -EINVAL;
			break;
		case 'h': serve_help(); exit(0);
		default: serve_usage(stderr); return -EINVAL;
		}
	}
	if (!o->socket || optind != argc) {
		log_error(o->socket ? "Unexpected argument '%s'" : "--socket PATH is required",
			  o->socket ? argv[optind] : "");
		serve_usage(stderr);
		return -EINVAL;
	}
	if (!o->log_format_set)
		o->log_format = LOG_FORMAT_JSON; /* JSON Lines, for log pipelines */
	return 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
#include <cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "callgate/answer.h"
#include "ctl.h"
#include "ctlclient.h"
#include "log.h"
#include "unixsock.h"
#include "wholefile.h"

static void ctl_usage(FILE *f)
{
	fputs("Usage: callgate ctl [--control PATH] COMMAND\n"
	      "Commands: list | allow ID [--always [syscall|args|path]]\n"
	      "          | deny ID [--always [syscall|args|path]] [--errno NAME]\n"
	      "          | kill ID | hold ID | watch | save FILE\n"
	      "Without --control: $CALLGATE_CTL, else the only run in $XDG_RUNTIME_DIR/callgate\n"
	      "(or /tmp/callgate-UID).\n"
	      "Exit status: 0 done, 1 refused by the run, 2 wrong usage or no run reached.\n",
	      f);
}

/* Whether @argv (@argc words: a command and its arguments) is a command
 * the server knows, with what it takes; else a message and false. */
static bool command_valid(char *const *argv, int argc)
{
	const char *words[8];
	struct answer a;
	char why[160], *end;
	size_t n = 0;
	int r;

	if (strcmp(argv[0], "list") == 0 || strcmp(argv[0], "watch") == 0) {
		if (argc == 1)
			return true;
		log_error("%s takes no arguments", argv[0]);
		return false;
	}
	if (strcmp(argv[0], "save") == 0) {
		if (argc == 2)
			return true;
		log_error("save takes one file name");
		return false;
	}
	/* an answer: VERB ID [WORDS] (callgate/answer.h) */
	if (argc > (int)(sizeof(words) / sizeof(words[0])) + 1) {
		log_error("%s: too many arguments", argv[0]);
		return false;
	}
	words[n++] = argv[0];
	for (int i = 2; i < argc; i++)
		words[n++] = argv[i];
	r = answer_parse(words, n, &a, why, sizeof(why));
	if (r == -ENOENT) {
		log_error("Unknown command '%s'", argv[0]);
		ctl_usage(stderr);
		return false;
	}
	if (r == 0 && (argc < 2 || strtoul(argv[1], &end, 10) == 0 || *end)) {
		log_error("%s: expected a question number, not '%s'", argv[0],
			  argc < 2 ? "" : argv[1]);
		return false;
	}
	if (r < 0) {
		log_error("%s", why);
		return false;
	}
	return true;
}

static int find_socket(char *buf, size_t size)
{
	char dir[PATH_MAX];
	const char *env = getenv("CALLGATE_CTL");
	struct dirent *de;
	int found = 0;
	DIR *d;

	if (env && *env)
		return snprintf(buf, size, "%s", env) < (int)size ? 0 : -ENAMETOOLONG;
	if (ctl_socket_dir(dir, sizeof(dir)) < 0 || !(d = opendir(dir)))
		return -ENOENT;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (n > 5 && strcmp(de->d_name + n - 5, ".sock") == 0) {
			if (found++ == 0 &&
			    snprintf(buf, size, "%.3800s/%.255s", dir, de->d_name) >= (int)size)
				found = 2; /* unusable: ask for --control */
		}
	}
	closedir(d);
	return found == 1 ? 0 : found ? -EEXIST : -ENOENT;
}

int cmd_ctl(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "control", required_argument, NULL, 's' },
		{ "socket", required_argument, NULL, 's' }, /* the same */
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	char path[PATH_MAX] = "", line[CTL_LINE_MAX];
	const char *save_to = NULL;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	FILE *in;
	int c, fd, status = 2; /* no answer: the run went away */
	bool watch, answered = false;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+s:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': snprintf(path, sizeof(path), "%s", optarg); break;
		case 'h': ctl_usage(stdout); return 0;
		default: ctl_usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		ctl_usage(stderr);
		return 2;
	}
	if (!command_valid(argv + optind, argc - optind))
		return 2;
	if (strcmp(argv[optind], "save") == 0) {
		save_to = argv[optind + 1];
		argc--;
	}
	watch = strcmp(argv[optind], "watch") == 0;
	for (int i = optind; i < argc; i++) {
		int n = snprintf(line + len, sizeof(line) - len, "%s%s", i > optind ? " " : "",
				 argv[i]);

		if (n < 0 || (size_t)n >= sizeof(line) - len - 1) {
			log_error("Command too long");
			return 2;
		}
		len += (size_t)n;
	}
	line[len++] = '\n';
	if (!path[0]) {
		int r = find_socket(path, sizeof(path));

		if (r < 0) {
			log_error("%s: use --control",
				  r == -EEXIST ? "Several callgate runs are listening"
					       : "No callgate run is listening");
			return 2;
		}
	}
	fd = unix_connect(path);
	if (fd < 0) {
		log_error("Cannot connect to %s: %s", path, strerror(-fd));
		return 2;
	}
	/* a refusing server answers and closes: read why, whatever the write */
	signal(SIGPIPE, SIG_IGN);
	if (write(fd, line, len) != (ssize_t)len && errno != EPIPE && errno != ECONNRESET) {
		log_error("Cannot send to %s: %s", path, strerror(errno));
		close(fd);
		return 2;
	}
	in = fdopen(fd, "r");
	if (!in) {
		close(fd);
		return 2;
	}
	/* the answer's objects go to stdout as they come, the closing
	 * {"ok":true} included (watch: the stream after it); a refusal's
	 * error goes to stderr; save's profile goes to its file */
	while (getline(&buf, &cap, in) > 0) {
		cJSON *o = cJSON_Parse(buf);
		cJSON *ok = o ? cJSON_GetObjectItem(o, "ok") : NULL;
		cJSON *profile = o ? cJSON_GetObjectItem(o, "profile") : NULL;
		bool last = false;

		if (ok && cJSON_IsBool(ok) && !answered) {
			cJSON *e = cJSON_GetObjectItem(o, "error");

			status = cJSON_IsTrue(ok) ? 0 : 1;
			answered = watch;
			last = !watch || !cJSON_IsTrue(ok);
			if (!cJSON_IsTrue(ok))
				log_error("%s", cJSON_IsString(e) ? e->valuestring : "failed");
			else if (!watch)
				fputs(buf, stdout);
		} else if (profile && cJSON_IsString(profile) && save_to) {
			int r = wholefile_write(save_to, profile->valuestring);

			if (r < 0) {
				log_error("Cannot write %s: %s", save_to, strerror(-r));
				status = 1;
				last = true;
			}
		} else {
			fputs(buf, stdout);
		}
		fflush(stdout);
		cJSON_Delete(o);
		if (last)
			break;
	}
	if (status == 2)
		log_error("No answer from %s: the run has ended?", path);
	free(buf);
	fclose(in);
	return status;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * adv_self TIDFILE ALTPROC|- LINKDIR|-: the target reaches for callgate's
 * own /proc entries.  It finds callgate (the ancestor whose comm is
 * "callgate", or whose /proc entry it is refused) and its threads
 * (/proc/PID/task, and the thread ids the test writes to TIDFILE: the
 * program waits for that file), then for each thread tries to open mem,
 * environ, maps and status read-write and read-only: as /proc/TID/E,
 * /proc/PID/task/TID/E, /proc/self/../TID/E, through a directory fd of
 * /proc/TID (O_RDONLY and O_PATH), through the procfs mounted at ALTPROC,
 * and through symlinks it makes in LINKDIR; and stat, readlink and
 * access on exe, cwd and root.  A breach: any of these that succeeds
 * (bytes read from mem or environ are counted as well).  The allowed
 * check: its own /proc/self/status reads.  Prints "self breaches N tries
 * M allowed_ok K" and, for each breach, "breach WHAT".
 */
#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include "adv.h"

#define MAX_TIDS 256

static const char *entries[] = { "mem", "environ", "maps", "status" };
static const char *links[] = { "exe", "cwd", "root" };
static long breaches, tries, linkno;
static const char *linkdir;

static void breach(const char *what)
{
	breaches++;
	printf("breach %s\n", what);
}

/* opens PATH as RDWR and RDONLY (or openat DIRFD) */
static void try_open(int dirfd, const char *path, const char *label)
{
	static const int modes[] = { O_RDWR, O_RDONLY };
	char what[600];

	for (unsigned i = 0; i < 2; i++) {
		int fd = openat(dirfd, path, modes[i]);
		char b[64];

		tries++;
		if (fd < 0)
			continue;
		snprintf(what, sizeof(what), "open(%s%s%s, %s)", label, label[0] ? ":" : "", path,
			 i ? "O_RDONLY" : "O_RDWR");
		breach(what);
		if (read(fd, b, sizeof(b)) > 0)
			printf("breach read bytes from %s%s\n", label, path);
		close(fd);
	}
}

/* stat, access (and readlink, unless @link_is_ours: the target's own
 * symlink says what the target wrote in it, nothing of callgate's) */
static void try_meta(const char *path, int link_is_ours)
{
	struct stat st;
	char b[512], what[600];

	tries += 3;
	if (stat(path, &st) == 0) {
		snprintf(what, sizeof(what), "stat(%s)", path);
		breach(what);
	}
	if (!link_is_ours && readlink(path, b, sizeof(b)) >= 0) {
		snprintf(what, sizeof(what), "readlink(%s)", path);
		breach(what);
	}
	if (access(path, F_OK) == 0) {
		snprintf(what, sizeof(what), "access(%s)", path);
		breach(what);
	}
}

/* PATH again through a symlink in LINKDIR */
static void via_link(const char *path, int meta)
{
	char l[4200];

	if (!linkdir)
		return;
	snprintf(l, sizeof(l), "%s/self-link-%ld", linkdir, linkno++);
	if (symlink(path, l) < 0)
		return;
	if (meta)
		try_meta(l, 1);
	else
		try_open(AT_FDCWD, l, "");
}

static void attack_tid(long pid, long tid, const char *alt)
{
	const char *roots[] = { "/proc", alt };
	char p[4200];

	for (unsigned r = 0; r < 2; r++) {
		if (!roots[r])
			continue;
		for (unsigned e = 0; e < 4; e++) {
			snprintf(p, sizeof(p), "%s/%ld/%s", roots[r], tid, entries[e]);
			try_open(AT_FDCWD, p, "");
			via_link(p, 0);
			snprintf(p, sizeof(p), "%s/%ld/task/%ld/%s", roots[r], pid, tid,
				 entries[e]);
			try_open(AT_FDCWD, p, "");
			snprintf(p, sizeof(p), "%s/self/../%ld/%s", roots[r], tid, entries[e]);
			try_open(AT_FDCWD, p, "");
		}
		for (unsigned l = 0; l < 3; l++) {
			snprintf(p, sizeof(p), "%s/%ld/%s", roots[r], tid, links[l]);
			try_meta(p, 0);
			via_link(p, 1);
		}
		/* a directory fd of /proc/TID, then the entries relative to it */
		snprintf(p, sizeof(p), "%s/%ld", roots[r], tid);
		for (int how = 0; how < 2; how++) {
			int d = open(p, how ? O_PATH | O_DIRECTORY : O_RDONLY | O_DIRECTORY);

			tries++;
			if (d < 0)
				continue;
			for (unsigned e = 0; e < 4; e++)
				try_open(d, entries[e], p);
			close(d);
		}
		snprintf(p, sizeof(p), "%s/%ld", roots[r], tid);
		via_link(p, 1);
	}
}

static long parent_of(long pid)
{
	char p[64], b[512], *s;
	long ppid = -1;
	FILE *f;

	snprintf(p, sizeof(p), "/proc/%ld/stat", pid);
	f = fopen(p, "r");
	if (!f)
		return -1;
	if (fgets(b, sizeof(b), f) && (s = strrchr(b, ')')))
		sscanf(s + 2, "%*c %ld", &ppid);
	fclose(f);
	return ppid;
}

/* callgate's pid: the first ancestor named callgate or whose entry is refused */
static long find_callgate(void)
{
	long pid = getppid();

	for (int depth = 0; pid > 1 && depth < 16; depth++) {
		char p[64], comm[64] = "";
		FILE *f;

		snprintf(p, sizeof(p), "/proc/%ld/comm", pid);
		f = fopen(p, "r");
		if (!f)
			return errno == ENOENT ? -1 : pid;
		if (!fgets(comm, sizeof(comm), f))
			comm[0] = 0;
		fclose(f);
		if (strcmp(comm, "callgate\n") == 0)
			return pid;
		pid = parent_of(pid);
	}
	return -1;
}

static int add_tid(long *tids, int n, long tid)
{
	for (int i = 0; i < n; i++)
		if (tids[i] == tid)
			return n;
	if (n < MAX_TIDS)
		tids[n++] = tid;
	return n;
}

int main(int argc, char **argv)
{
	long tids[MAX_TIDS], pid, from_file = -1, t;
	const char *alt = argc > 2 && strcmp(argv[2], "-") ? argv[2] : NULL;
	int n = 0, allowed = 0, fd;
	char p[64];
	FILE *f = NULL;
	DIR *d;

	if (argc < 2)
		return 2;
	linkdir = argc > 3 && strcmp(argv[3], "-") ? argv[3] : NULL;
	/* the test's list of callgate's threads: "PID TID..." */
	for (int i = 0; i < 3000 && !(f = fopen(argv[1], "r")); i++)
		usleep(10000);
	if (f) {
		if (fscanf(f, "%ld", &from_file) == 1)
			while (fscanf(f, "%ld", &t) == 1)
				n = add_tid(tids, n, t);
		fclose(f);
	}
	pid = find_callgate();
	printf("callgate found %ld, told %ld\n", pid, from_file);
	if (pid < 0)
		pid = from_file;
	if (pid < 0)
		return 2;
	n = add_tid(tids, n, pid);
	snprintf(p, sizeof(p), "/proc/%ld/task", pid);
	if ((d = opendir(p))) {
		struct dirent *e;

		while ((e = readdir(d)))
			if (e->d_name[0] != '.')
				n = add_tid(tids, n, atol(e->d_name));
		closedir(d);
	}
	printf("threads %d\n", n);
	for (int i = 0; i < n; i++)
		attack_tid(pid, tids[i], alt);
	fd = open("/proc/self/status", O_RDONLY);
	if (fd >= 0) {
		char b[64] = "";

		allowed = read(fd, b, sizeof(b) - 1) > 0 && strncmp(b, "Name:", 5) == 0;
		close(fd);
	}
	adv_summary("self", breaches, tries, allowed);
	return 0;
}

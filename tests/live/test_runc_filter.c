/* SPDX-License-Identifier: Apache-2.0 */
/*
 * callgate's kernel filter against the real runc's, for every profile of
 * shared/profiles.  Each profile is resolved as Docker resolves it (the
 * rules that apply with Docker's default capabilities, the host's entry of
 * archMap) and written as the seccomp section of an OCI bundle; runc
 * create loads it in its init process and callgate's agent code builds its
 * own.  Both kernel filters are read back with PTRACE_SECCOMP_GET_FILTER
 * at the very seccomp() or prctl(PR_SET_SECCOMP) that loads them (an outer
 * filter of the test's own returns SECCOMP_RET_TRACE for those calls
 * alone), then evaluated with callgate's BPF interpreter for every syscall
 * number of x86_64, x32 and i386, with argument values around every
 * condition of the profile.  Every difference fails, but those listed in
 * expected[] (libseccomp 2.5.4's older syscall table, runc before 1.1.15;
 * see callgate-policy(5)); an expected difference that does not occur
 * fails too.  The profiles runc refuses callgate refuses, with the line
 * and column (refusals[]), and the other way round.
 *
 * Needs root (runc, PTRACE_SECCOMP_GET_FILTER) and runc; skips (exit 0
 * with a message) without them.
 */
#include <dirent.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../unit/filterutil.h"

/* Syscall numbers tried on each ABI: every table's, and beyond. */
#define NR_TRIED 1100

/* Docker's default capabilities (moby's caps.DefaultCapabilities()). */
#define DOCKER_CAPS                                                                              \
	((1ull << 0) | (1ull << 1) | (1ull << 3) | (1ull << 4) | (1ull << 5) | (1ull << 6) |     \
	 (1ull << 7) | (1ull << 8) | (1ull << 10) | (1ull << 13) | (1ull << 18) | (1ull << 27) | \
	 (1ull << 29) | (1ull << 31))

/* Why a difference from runc is expected (callgate-policy(5), RUNC). */
enum why {
	/* libseccomp 2.5.4 (Debian 12's 2.5.4-1+deb12u1, which knows the
	 * calls up to futex_requeue, 456) lacks a name, on this ABI or at
	 * all: runc leaves the rule out (the call gets the default, or
	 * ENOSYS above the newest number runc counts); callgate applies the
	 * profile's rule and counts the name, as libseccomp 2.6 does */
	LIBSECCOMP_TABLE,
	/* runc before 1.1.15 (commit ccc500c42) puts only the ABIs that
	 * "architectures" lists in its ENOSYS stub; later runc, and
	 * callgate, add the native one (x86_64) always: calls newer than the
	 * profile get ENOSYS, so libc falls back, as shared/profiles/README.md
	 * expects of runc's own test1 */
	RUNC_BEFORE_1_1_15,
};

static const struct expected {
	const char *profile; /* file name */
	enum cg_arch arch;
	int lo, hi; /* numbers, x32 without its bit */
	enum why why;
	const char *what;
} expected[] = {
	{ "containers-common_podman-default_seccomp.json", CG_ARCH_X32, 453, 453, LIBSECCOMP_TABLE,
	  "map_shadow_stack: the profile's EPERM; runc: the default ENOSYS" },
	{ "moby-27.x_default.json", CG_ARCH_X32, 453, 453, LIBSECCOMP_TABLE,
	  "map_shadow_stack: the profile's ALLOW; runc: the default EPERM" },
	{ "moby-profiles_default.json", CG_ARCH_X86_64, 335, 335, LIBSECCOMP_TABLE,
	  "uretprobe: the profile's ALLOW; runc: the default EPERM" },
	{ "moby-profiles_default.json", CG_ARCH_X32, 335, 335, LIBSECCOMP_TABLE,
	  "uretprobe: the profile's ALLOW; runc: the default EPERM" },
	{ "moby-profiles_default.json", CG_ARCH_X32, 453, 453, LIBSECCOMP_TABLE,
	  "map_shadow_stack: the profile's ALLOW; runc: the default EPERM" },
	{ "moby-profiles_default.json", CG_ARCH_X86_64, 451, NR_TRIED, LIBSECCOMP_TABLE,
	  "statmount ... removexattrat: the profile's rules and default; runc: ENOSYS above "
	  "the newest name it knows" },
	{ "moby-profiles_default.json", CG_ARCH_I386, 451, NR_TRIED, LIBSECCOMP_TABLE,
	  "statmount ... removexattrat, as on x86_64" },
	{ "moby-profiles_default.json", CG_ARCH_X32, 451, NR_TRIED, LIBSECCOMP_TABLE,
	  "statmount ... removexattrat: the profile's ALLOW; runc: the default EPERM" },
	{ "jessfraz-dotfiles_chrome_name-field_args-null.json", CG_ARCH_X86_64, 323, NR_TRIED,
	  RUNC_BEFORE_1_1_15, "no \"architectures\": ENOSYS above userfaultfd" },
	{ "moby-profiles_fixture_conditional_include.json", CG_ARCH_X86_64, 102, NR_TRIED,
	  RUNC_BEFORE_1_1_15, "no \"architectures\": ENOSYS above getuid" },
	{ "runc_testdata_seccomp_syscall_test1.json", CG_ARCH_X86_64, 440, NR_TRIED,
	  RUNC_BEFORE_1_1_15, "no \"architectures\": ENOSYS above process_madvise" },
	{ "runc_testdata_seccomp_syscall_test2_defaultErrnoRet-ENXIO.json", CG_ARCH_X86_64, 440,
	  NR_TRIED, RUNC_BEFORE_1_1_15, "no \"architectures\": ENOSYS above process_madvise" },
};

/*
 * Profiles of shared/profiles that runc loads and callgate refuses: the
 * file is in Docker's format ("name"), which runc does not read; the
 * construct callgate refuses is shown to be refused by runc in
 * refusals[].
 */
static const struct {
	const char *profile, *refusal;
} refused_by_callgate[] = {
	{ "moby-profiles_fixture_example_name-field_masked-eq_errnoRet.json",
	  "errnoRet above 4095" },
};

/* Profiles runc refuses, and callgate too (with the line and column). */
static const struct refusal {
	const char *name;
	const char *seccomp;	   /* the OCI seccomp section */
	bool runc_before_1_2_only; /* runc 1.2 and callgate accept it */
} refusals[] = {
	{ "errnoRet above 4095",
	  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"getpid\"],\n"
	  "  \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 12345}]}" },
	{ "NOTIFY on write",
	  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/run/x.sock\",\n"
	  "  \"syscalls\": [{\"names\": [\"read\", \"write\"], \"action\": "
	  "\"SCMP_ACT_NOTIFY\"}]}" },
	{ "NOTIFY as the default",
	  "{\"defaultAction\": \"SCMP_ACT_NOTIFY\", \"listenerPath\": \"/run/x.sock\",\n"
	  "  \"syscalls\": [{\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_ALLOW\"}]}" },
	{ "flags", /* "seccomp flags are not yet supported by runc" */
	  "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"],\n"
	  "  \"syscalls\": [{\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_ERRNO\"}]}",
	  true },
};

static const char *runc_path;
static int runc_version; /* major * 10000 + minor * 100 + patch */

static int read_runc_version(void)
{
	char cmd[4200], line[256];
	unsigned maj = 0, min = 0, patch = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "'%s' --version", runc_path);
	f = popen(cmd, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "runc version %u.%u.%u", &maj, &min, &patch) >= 2)
			break;
	pclose(f);
	return maj ? (int)(maj * 10000 + min * 100 + patch) : -1;
}

/* Whether @why applies to the runc installed. */
static bool applies(enum why why)
{
	return why == LIBSECCOMP_TABLE || runc_version < 10115;
}
static char work_dir[] = "/tmp/callgate-runc-XXXXXX";

static const char *find_runc(void)
{
	static char buf[4096];
	const char *env = getenv("RUNC");
	const char *path = getenv("PATH");
	const char *dirs[] = { "/usr/sbin", "/usr/bin",	       "/sbin",
			       "/bin",	    "/usr/local/sbin", "/usr/local/bin" };

	if (env && *env)
		return access(env, X_OK) == 0 ? env : NULL;
	while (path && *path) {
		size_t n = strcspn(path, ":");

		snprintf(buf, sizeof(buf), "%.*s/runc", (int)n, path);
		if (n && access(buf, X_OK) == 0)
			return buf;
		path += n + (path[n] == ':');
	}
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(buf, sizeof(buf), "%s/runc", dirs[i]);
		if (access(buf, X_OK) == 0)
			return buf;
	}
	return NULL;
}

/* A JSON string (names and paths are plain; escape what JSON needs). */
static void put_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void put_arch(FILE *f, bool *first, const char *name)
{
	fprintf(f, "%s", *first ? "" : ", ");
	put_str(f, name);
	*first = false;
}

/*
 * The seccomp section Docker hands runc for @p: the rules that apply with
 * @host, "name" folded into "names", the host's archMap entry.
 */
static void write_seccomp(FILE *f, const struct policy *p, const struct plan_host *host)
{
	bool first = true, notify = false;

	fprintf(f, "{\"defaultAction\": \"%s\"", policy_action_to_string(p->default_action));
	if (p->has_default_errno_ret)
		fprintf(f, ", \"defaultErrnoRet\": %llu", (unsigned long long)p->default_errno_ret);
	fprintf(f, ", \"architectures\": [");
	for (size_t i = 0; i < p->n_architectures; i++)
		put_arch(f, &first, p->architectures[i]);
	for (size_t i = 0; i < p->n_arch_map; i++) {
		const struct policy_archmap *m = &p->arch_map[i];

		if (!m->arch || strcmp(m->arch, "SCMP_ARCH_X86_64") != 0)
			continue;
		put_arch(f, &first, m->arch);
		for (size_t k = 0; k < m->n_sub_arches; k++)
			put_arch(f, &first, m->sub_arches[k]);
		break;
	}
	fprintf(f, "]");
	if (p->n_flags) {
		fprintf(f, ", \"flags\": [");
		for (size_t i = 0; i < p->n_flags; i++) {
			fprintf(f, "%s", i ? ", " : "");
			put_str(f, p->flags[i]);
		}
		fprintf(f, "]");
	}
	fprintf(f, ", \"syscalls\": [");
	first = true;
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct policy_rule *r = &p->rules[i];

		if (!plan_rule_applies(r, host))
			continue;
		notify |= r->action == POLICY_ACT_NOTIFY;
		fprintf(f, "%s\n  {\"names\": [", first ? "" : ",");
		first = false;
		for (size_t k = 0; k < r->n_names; k++) {
			fprintf(f, "%s", k ? ", " : "");
			put_str(f, r->names[k]);
		}
		fprintf(f, "], \"action\": \"%s\"", policy_action_to_string(r->action));
		if (r->has_errno_ret)
			fprintf(f, ", \"errnoRet\": %llu", (unsigned long long)r->errno_ret);
		fprintf(f, ", \"args\": [");
		for (size_t k = 0; k < r->n_args; k++)
			fprintf(f,
				"%s{\"index\": %u, \"value\": %llu, \"valueTwo\": %llu, \"op\": "
				"\"%s\"}",
				k ? ", " : "", r->args[k].index,
				(unsigned long long)r->args[k].value,
				(unsigned long long)r->args[k].value_two,
				policy_op_to_string(r->args[k].op));
		fprintf(f, "]}");
	}
	fprintf(f, "]");
	/* runc refuses to start a NOTIFY filter without a listener; the
	 * filter is read before runc would connect to it */
	if (notify || p->listener_path) {
		fprintf(f, ", \"listenerPath\": ");
		put_str(f, p->listener_path ? p->listener_path : "/nonexistent/callgate.sock");
	}
	fprintf(f, "}");
}

/* An OCI bundle in @dir whose seccomp section is @section, or @p's. */
static void write_bundle(const char *dir, const char *section, const struct policy *p,
			 const struct plan_host *host)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/rootfs", dir);
	ck_assert_msg(mkdir(dir, 0700) == 0 || errno == EEXIST, "mkdir %s: %m", dir);
	ck_assert_msg(mkdir(path, 0755) == 0 || errno == EEXIST, "mkdir %s: %m", path);
	snprintf(path, sizeof(path), "%s/config.json", dir);
	f = fopen(path, "we");
	ck_assert_msg(f, "%s: %m", path);
	/* no new privileges off: runc loads the filter during create */
	fprintf(f, "{\"ociVersion\": \"1.0.2\",\n"
		   " \"process\": {\"terminal\": false, \"user\": {\"uid\": 0, \"gid\": 0},\n"
		   "  \"args\": [\"/nonexistent\"], \"cwd\": \"/\", \"noNewPrivileges\": false},\n"
		   " \"root\": {\"path\": \"rootfs\"},\n"
		   " \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": "
		   "\"proc\"}],\n"
		   " \"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"mount\"}],\n"
		   "  \"seccomp\": ");
	if (section)
		fputs(section, f);
	else
		write_seccomp(f, p, host);
	fprintf(f, "}}\n");
	ck_assert_int_eq(fclose(f), 0);
}

/*
 * In the child, before it execs runc or loads callgate's filter: stop for
 * the tracer, then an outer filter that returns SECCOMP_RET_TRACE for the
 * calls that load a filter.
 */
static void child_prepare(void)
{
	struct sock_filter outer[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 7),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_seccomp, 0, 2),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SECCOMP_SET_MODE_FILTER, 4, 3),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_prctl, 0, 2),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PR_SET_SECCOMP, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
	};
	struct sock_fprog fprog = { .len = ARRAY_SIZE(outer), .filter = outer };

	if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0 || raise(SIGSTOP) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) < 0)
		_exit(120);
}

struct captured {
	struct bpf_insn *insns;
	size_t len;
	int load_errno; /* the loading call failed with it */
	int status;	/* the child's wait status */
};

/* Read the newest filter of stopped tracee @pid (index 0 is the oldest). */
static void get_filter(pid_t pid, struct captured *c)
{
	unsigned long idx = 0;
	long n;

	while (ptrace(PTRACE_SECCOMP_GET_FILTER, pid, idx + 1, NULL) > 0)
		idx++;
	ck_assert_msg(idx >= 1, "the task has no filter besides the test's own");
	n = ptrace(PTRACE_SECCOMP_GET_FILTER, pid, idx, NULL);
	ck_assert_msg(n > 0, "PTRACE_SECCOMP_GET_FILTER: %m");
	c->insns = calloc((size_t)n, sizeof(*c->insns));
	ck_assert_ptr_nonnull(c->insns);
	ck_assert_int_eq(ptrace(PTRACE_SECCOMP_GET_FILTER, pid, idx, c->insns), n);
	c->len = (size_t)n;
}

/*
 * Trace @child and its descendants up to the first call that loads a
 * filter; read the filter once that call has returned, then kill every
 * traced task that is left.
 */
static void trace_capture(pid_t child, struct captured *c)
{
	pid_t tasks[4096], waiting = 0;
	size_t n_tasks = 0;
	bool done = false;
	int st;

	ck_assert_int_eq(waitpid(child, &st, 0), child);
	ck_assert_msg(WIFSTOPPED(st), "child status %#x", st);
	ck_assert_int_eq(ptrace(PTRACE_SETOPTIONS, child, 0,
				PTRACE_O_EXITKILL | PTRACE_O_TRACESECCOMP | PTRACE_O_TRACECLONE |
					PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
					PTRACE_O_TRACEEXEC | PTRACE_O_TRACESYSGOOD),
			 0);
	tasks[n_tasks++] = child;
	ck_assert_int_eq(ptrace(PTRACE_CONT, child, 0, 0), 0);
	for (;;) {
		pid_t pid = waitpid(-1, &st, __WALL);
		int ev;

		if (pid < 0) {
			if (errno == EINTR)
				continue;
			ck_assert_int_eq(errno, ECHILD);
			break;
		}
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			if (pid == child) {
				c->status = st;
				/* what runc create left behind */
				for (size_t i = 1; i < n_tasks; i++)
					kill(tasks[i], SIGKILL);
			}
			continue;
		}
		if (!WIFSTOPPED(st))
			continue;
		ev = st >> 16;
		if (ev == PTRACE_EVENT_FORK || ev == PTRACE_EVENT_VFORK ||
		    ev == PTRACE_EVENT_CLONE) {
			unsigned long msg = 0;

			if (ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg) == 0 &&
			    n_tasks < ARRAY_SIZE(tasks))
				tasks[n_tasks++] = (pid_t)msg;
			ptrace(PTRACE_CONT, pid, 0, 0);
			continue;
		}
		if (ev == PTRACE_EVENT_SECCOMP) {
			if (!done && !waiting) {
				waiting = pid;
				ptrace(PTRACE_SYSCALL, pid, 0, 0); /* to its exit */
			} else {
				ptrace(PTRACE_CONT, pid, 0, 0);
			}
			continue;
		}
		if (ev) {
			ptrace(PTRACE_CONT, pid, 0, 0);
			continue;
		}
		if (WSTOPSIG(st) == (SIGTRAP | 0x80)) {
			struct __ptrace_syscall_info info = { 0 };

			if (pid == waiting &&
			    ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof(info), &info) > 0 &&
			    info.op == PTRACE_SYSCALL_INFO_EXIT) {
				waiting = 0;
				if (info.exit.is_error) {
					/* libseccomp probes flags with a NULL
					 * program (EFAULT): not the load */
					c->load_errno = (int)-info.exit.rval;
					ptrace(PTRACE_CONT, pid, 0, 0);
					continue;
				}
				done = true;
				get_filter(pid, c);
				/* the loaded filter is all we need: stop here */
				for (size_t i = 0; i < n_tasks; i++)
					kill(tasks[i], SIGKILL);
				continue;
			}
			ptrace(PTRACE_CONT, pid, 0, 0);
			continue;
		}
		/* signals: new tasks' SIGSTOP is dropped, others delivered */
		ptrace(PTRACE_CONT, pid, 0, WSTOPSIG(st) == SIGSTOP ? 0 : WSTOPSIG(st));
	}
}

/* runc create of the bundle in @dir; its stderr goes to @dir/runc.err. */
static void capture_runc(const char *dir, const char *id, struct captured *c)
{
	char root[4200], errpath[4200];
	pid_t pid;

	snprintf(root, sizeof(root), "%s/state", dir);
	snprintf(errpath, sizeof(errpath), "%s/runc.err", dir);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

		if (fd < 0 || dup2(fd, 2) < 0 || dup2(fd, 1) < 0)
			_exit(121);
		child_prepare();
		execl(runc_path, "runc", "--root", root, "create", "--bundle", dir, id,
		      (char *)NULL);
		_exit(127);
	}
	trace_capture(pid, c);
	/* runc create cleans up after a failed start; make sure */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(runc_path, "runc", "--root", root, "delete", "--force", id, (char *)NULL);
		_exit(127);
	}
	waitpid(pid, NULL, 0);
}

/* callgate's filter for @plan as the agent builds it, loaded by a child. */
static void capture_callgate(const struct plan *plan, struct captured *c)
{
	struct filter_prog prog = { 0 };
	pid_t pid;

	tu_filter(plan, &prog);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct sock_fprog fprog = { .len = (unsigned short)prog.len,
					    .filter = (struct sock_filter *)prog.insns };

		child_prepare();
		syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog);
		syscall(SYS_exit_group, 0);
		for (;;)
			pause();
	}
	trace_capture(pid, c);
	filter_prog_done(&prog);
}

/* Argument vectors: zero, all ones, and around every condition. */
struct vectors {
	uint64_t (*v)[6];
	size_t n, max;
};

static void add_vector(struct vectors *vs, const uint64_t args[6])
{
	if (vs->n == vs->max) {
		vs->max = vs->max ? 2 * vs->max : 64;
		vs->v = realloc(vs->v, vs->max * sizeof(*vs->v));
		ck_assert_ptr_nonnull(vs->v);
	}
	memcpy(vs->v[vs->n++], args, sizeof(uint64_t) * 6);
}

static void rule_vectors(struct vectors *vs, const struct policy_rule *r)
{
	uint64_t base[6] = { 0 };

	for (size_t i = 0; i < r->n_args; i++)
		if (r->args[i].index < 6)
			base[r->args[i].index] = r->args[i].op == POLICY_OP_MASKED_EQ
							 ? r->args[i].value_two
							 : r->args[i].value;
	add_vector(vs, base);
	for (size_t i = 0; i < r->n_args; i++) {
		const struct policy_arg *c = &r->args[i];
		uint64_t cand[] = {
			c->value,
			c->value + 1,
			c->value - 1,
			c->value | (1ull << 32),
			c->value_two,
			c->value_two + 1,
			c->value_two | ~c->value,
			c->value_two ^ (c->value & -c->value),
			0,
			~0ull,
		};

		if (c->index >= 6)
			continue;
		for (size_t k = 0; k < ARRAY_SIZE(cand); k++) {
			uint64_t a[6];

			memcpy(a, base, sizeof(a));
			a[c->index] = cand[k];
			add_vector(vs, a);
		}
	}
}

static uint32_t eval(const struct captured *c, uint32_t arch, int32_t nr, const uint64_t args[6])
{
	struct bpf_seccomp_data d = { .nr = nr, .arch = arch };
	uint32_t ret = 0xdeadbeef;

	memcpy(d.args, args, sizeof(d.args));
	ck_assert_int_eq(bpf_run(c->insns, c->len, &d, &ret), 0);
	return ret;
}

static const char *ret_string(uint32_t v, char *buf, size_t size)
{
	uint32_t data = v & SECCOMP_RET_DATA;

	switch (v & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_KILL_PROCESS: return "KILL_PROCESS";
	case SECCOMP_RET_KILL_THREAD: return "KILL_THREAD";
	case SECCOMP_RET_TRAP: return "TRAP";
	case SECCOMP_RET_ERRNO:
		snprintf(buf, size, "ERRNO(%s)", strerrorname_np((int)data) ?: "?");
		return buf;
	case SECCOMP_RET_TRACE: snprintf(buf, size, "TRACE(%u)", data); return buf;
	case SECCOMP_RET_LOG: return "LOG";
	case SECCOMP_RET_USER_NOTIF: return "NOTIFY";
	case SECCOMP_RET_ALLOW: return "ALLOW";
	default: snprintf(buf, size, "%#x", v); return buf;
	}
}

/* One difference, or a run of them over consecutive numbers. */
struct diff {
	enum cg_arch arch;
	int lo, hi;
	uint32_t cg, runc;
	uint64_t args[6];
};

static const struct expected *excused(const char *profile, const struct diff *d)
{
	for (size_t i = 0; i < ARRAY_SIZE(expected); i++) {
		const struct expected *e = &expected[i];

		if (applies(e->why) && strcmp(e->profile, profile) == 0 && e->arch == d->arch &&
		    d->lo >= e->lo && d->hi <= e->hi)
			return e;
	}
	return NULL;
}

/* Compare the two filters on every number of @arch; report the runs of
 * differences not excused, and mark the expectations met in @met. */
static const uint32_t far_numbers[] = { 0x3fff,	    0xffff,	0x10000,    0x3fffffff,
					0x7fffffff, 0x80000000, 0xbfffffff, 0xffffffff };

static size_t compare_arch(const char *profile, const struct plan *plan, const struct captured *cg,
			   const struct captured *runc, enum cg_arch arch, const struct vectors *vs,
			   bool *met)
{
	uint32_t audit = arch == CG_ARCH_I386 ? AUDIT_ARCH_I386 : AUDIT_ARCH_X86_64;
	uint32_t bit = arch == CG_ARCH_X32 ? CG_X32_SYSCALL_BIT : 0;
	struct diff cur = { .lo = -1 };
	size_t failures = 0;
	static const uint64_t zero[6], ones[6] = { ~0ull, ~0ull, ~0ull, ~0ull, ~0ull, ~0ull };

	for (int nr = 0; nr <= NR_TRIED; nr++) {
		const struct plan_arch *pa = &plan->arch[arch];
		bool conditional = pa->enabled && nr < pa->nr_limit && pa->entries[nr].n_refs;
		size_t nv = conditional ? vs->n : 0;
		struct diff d = { .arch = arch, .lo = nr, .hi = nr };
		bool differs = false;

		for (size_t k = 0; k < nv + 2 && !differs && nr < NR_TRIED; k++) {
			const uint64_t *a = k == nv ? zero : k == nv + 1 ? ones : vs->v[k];

			d.cg = eval(cg, audit, (int32_t)(bit | (uint32_t)nr), a);
			d.runc = eval(runc, audit, (int32_t)(bit | (uint32_t)nr), a);
			if (d.cg != d.runc) {
				differs = true;
				memcpy(d.args, a, sizeof(d.args));
			}
		}
		/* extend the current run, or report it */
		if (differs && cur.lo >= 0 && cur.hi == nr - 1 && cur.cg == d.cg &&
		    cur.runc == d.runc) {
			cur.hi = nr;
			continue;
		}
		if (cur.lo >= 0) {
			const struct expected *e = excused(profile, &cur);
			char b1[64], b2[64];
			const char *name = syscall_name(arch, cur.lo | (int)bit);

			if (e) {
				met[e - expected] = true;
			} else {
				failures++;
				fprintf(stderr,
					"%s: %s %d-%d (%s%s): callgate %s, runc %s (args %#llx "
					"%#llx "
					"%#llx %#llx)\n",
					profile, arch_to_string(arch), cur.lo, cur.hi,
					name ? name : "?", cur.hi > cur.lo ? ", ..." : "",
					ret_string(cur.cg, b1, sizeof(b1)),
					ret_string(cur.runc, b2, sizeof(b2)),
					(unsigned long long)cur.args[0],
					(unsigned long long)cur.args[1],
					(unsigned long long)cur.args[2],
					(unsigned long long)cur.args[3]);
			}
		}
		cur = differs ? d : (struct diff){ .lo = -1 };
	}
	/* numbers far above every table, and negative ones: as NR_TRIED */
	for (size_t i = 0; i < ARRAY_SIZE(far_numbers); i++) {
		int32_t nr = (int32_t)(far_numbers[i] | bit);
		struct diff d = { .arch = arch, .lo = NR_TRIED, .hi = NR_TRIED };
		const struct expected *e;
		char b1[64], b2[64];

		d.cg = eval(cg, audit, nr, zero);
		d.runc = eval(runc, audit, nr, zero);
		if (d.cg == d.runc)
			continue;
		if ((e = excused(profile, &d))) {
			met[e - expected] = true;
			continue;
		}
		failures++;
		fprintf(stderr, "%s: %s number %#x: callgate %s, runc %s\n", profile,
			arch_to_string(arch), (uint32_t)nr, ret_string(d.cg, b1, sizeof(b1)),
			ret_string(d.runc, b2, sizeof(b2)));
	}
	return failures;
}

static char **profiles;
static size_t n_profiles;
static bool *met; /* expectations met, per expected[] entry */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_profiles(void)
{
	DIR *d = opendir(tu_shared("profiles"));
	struct dirent *de;

	if (!d) {
		fprintf(stderr, "%s: %m\n", tu_shared("profiles"));
		return -1;
	}
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (n < 6 || strcmp(de->d_name + n - 5, ".json") != 0)
			continue;
		profiles = realloc(profiles, (n_profiles + 1) * sizeof(*profiles));
		if (!profiles || !(profiles[n_profiles++] = strdup(de->d_name)))
			abort();
	}
	closedir(d);
	qsort(profiles, n_profiles, sizeof(*profiles), cmp_str);
	return 0;
}

/* Read a whole file (a profile) into a string. */
static char *read_file(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0, n;

	ck_assert_msg(f, "%s: %m", path);
	do {
		buf = realloc(buf, len + 65536 + 1);
		ck_assert_ptr_nonnull(buf);
		n = fread(buf + len, 1, 65536, f);
		len += n;
	} while (n == 65536);
	fclose(f);
	buf[len] = 0;
	return buf;
}

static void host_of_test(struct plan_host *host)
{
	struct utsname u;
	unsigned kmaj = 0, kmin = 0;

	ck_assert_int_eq(uname(&u), 0);
	sscanf(u.release, "%u.%u", &kmaj, &kmin);
	*host = (struct plan_host){ .caps = DOCKER_CAPS,
				    .kernel_major = kmaj,
				    .kernel_minor = kmin };
}

/*
 * Whether callgate refuses @buf as `callgate check` does (the profile, or
 * what runc refuses of a profile for runtimes), with a position.  Returns
 * the parsed policy when it accepts it.
 */
static struct policy *callgate_accepts(const char *buf, const char *name, struct policy_error *e)
{
	struct policy *p = NULL;

	if (policy_parse_buf(buf, strlen(buf), name, &p, e) < 0)
		return NULL;
	if (policy_runc_refusal(p, e) < 0) {
		policy_free(p);
		return NULL;
	}
	return p;
}

/* runc create of @section (or @p's); true if runc loaded a filter. */
static bool runc_loads(int i, const char *kind, const char *section, const struct policy *p,
		       const struct plan_host *host, struct captured *c)
{
	char dir[256], id[64];

	snprintf(dir, sizeof(dir), "%s/%s%d", work_dir, kind, i);
	snprintf(id, sizeof(id), "callgate-test-%d-%s%d", (int)getpid(), kind, i);
	write_bundle(dir, section, p, host);
	capture_runc(dir, id, c);
	if (!c->insns)
		ck_assert_msg(!WIFEXITED(c->status) || WEXITSTATUS(c->status) != 0,
			      "runc create succeeded without loading a filter");
	return c->insns != NULL;
}

START_TEST(same_filter_as_runc)
{
	const char *name = profiles[_i];
	char path[4200];
	struct policy_error e = { 0 };
	struct policy *p = NULL;
	struct captured cg = { 0 }, runc = { 0 };
	struct plan_host host;
	struct plan *plan;
	struct vectors vs = { 0 };
	size_t failures = 0;
	char *buf;

	host_of_test(&host);
	snprintf(path, sizeof(path), "%s/%s", tu_shared("profiles"), name);
	buf = read_file(path);
	p = callgate_accepts(buf, name, &e);
	if (!p) {
		ck_assert_msg(e.pos.line > 0, "%s: refused without a position: %s", name, e.msg);
		for (size_t i = 0; i < ARRAY_SIZE(refused_by_callgate); i++)
			if (strcmp(refused_by_callgate[i].profile, name) == 0) {
				printf("%s: refused by callgate (%u:%u: %s); runc refuses it too "
				       "(refusals: %s)\n",
				       name, e.pos.line, e.pos.column, e.msg,
				       refused_by_callgate[i].refusal);
				free(buf);
				return;
			}
		/* the file is runc's own format: runc must refuse it */
		ck_assert_msg(!runc_loads(_i, "raw", buf, NULL, &host, &runc),
			      "%s: callgate refuses it (%u:%u: %s), runc loads it", name,
			      e.pos.line, e.pos.column, e.msg);
		printf("%s: refused by callgate (%u:%u: %s) and by runc\n", name, e.pos.line,
		       e.pos.column, e.msg);
		free(buf);
		return;
	}
	free(buf);
	if (!runc_loads(_i, "", NULL, p, &host, &runc)) {
		bool flags = p->n_flags > 0;

		policy_free(p);
		ck_assert_msg(flags && runc_version < 10200,
			      "%s: runc refuses it (see its message above), callgate accepts it",
			      name);
		printf("%s: runc before 1.2 refuses \"flags\"; callgate, as later runc, accepts "
		       "them\n",
		       name);
		return;
	}
	ck_assert_msg(p->enabled, "%s: runc loaded a filter for a profile without seccomp", name);
	ck_assert_int_eq(plan_compile(p, &host, PLAN_MODE_ENFORCE, &plan), 0);
	capture_callgate(plan, &cg);
	ck_assert_msg(cg.insns, "%s: callgate's filter did not load (errno %d)", name,
		      cg.load_errno);
	for (size_t i = 0; i < p->n_rules; i++)
		if (p->rules[i].n_args && plan_rule_applies(&p->rules[i], &host))
			rule_vectors(&vs, &p->rules[i]);
	for (int a = 0; a < CG_ARCH_MAX; a++)
		failures += compare_arch(name, plan, &cg, &runc, (enum cg_arch)a, &vs, met);
	free(vs.v);
	free(cg.insns);
	free(runc.insns);
	plan_free(plan);
	policy_free(p);
	ck_assert_msg(failures == 0, "%s: %zu difference(s) from runc's filter (above)", name,
		      failures);
}
END_TEST

START_TEST(refused_as_runc)
{
	const struct refusal *rf = &refusals[_i];
	struct policy_error e = { 0 };
	struct captured runc = { 0 };
	struct plan_host host;
	struct policy *p;
	bool loads;

	host_of_test(&host);
	p = callgate_accepts(rf->seccomp, rf->name, &e);
	loads = runc_loads(_i, "refusal", rf->seccomp, NULL, &host, &runc);
	free(runc.insns);
	if (rf->runc_before_1_2_only) {
		ck_assert_msg(p, "%s: callgate refuses it (%s)", rf->name, e.msg);
		ck_assert_msg(loads == (runc_version >= 10200), "%s: runc %s it", rf->name,
			      loads ? "loads" : "refuses");
	} else {
		ck_assert_msg(!p, "%s: callgate accepts it", rf->name);
		ck_assert_msg(e.pos.line > 0 && e.pos.column > 0, "%s: no position: %s", rf->name,
			      e.msg);
		ck_assert_msg(!loads, "%s: runc loads it", rf->name);
	}
	policy_free(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("runc_filter");
	TCase *tc = tcase_create("runc_filter");
	int r;

	runc_path = find_runc();
	if (!runc_path || geteuid() != 0) {
		printf("SKIP: %s\n", !runc_path ? "runc is not installed (set RUNC= to its path)"
						: "needs root (runc, PTRACE_SECCOMP_GET_FILTER)");
		return EXIT_SUCCESS;
	}
	runc_version = read_runc_version();
	if (runc_version < 0) {
		fprintf(stderr, "%s --version: no version\n", runc_path);
		return EXIT_FAILURE;
	}
	if (!mkdtemp(work_dir)) {
		perror("mkdtemp");
		return EXIT_FAILURE;
	}
	if (list_profiles() < 0)
		return EXIT_FAILURE;
	/* shared: each test runs in a child of its own */
	met = mmap(NULL, ARRAY_SIZE(expected) * sizeof(*met), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (met == MAP_FAILED) {
		perror("mmap");
		return EXIT_FAILURE;
	}
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, same_filter_as_runc, 0, (int)n_profiles);
	tcase_add_loop_test(tc, refused_as_runc, 0, (int)ARRAY_SIZE(refusals));
	suite_add_tcase(s, tc);
	r = tu_run(s);
	for (size_t i = 0; i < ARRAY_SIZE(expected); i++)
		if (applies(expected[i].why) && !met[i]) {
			fprintf(stderr, "expected difference did not occur: %s %s %d-%d (%s)\n",
				expected[i].profile, arch_to_string(expected[i].arch),
				expected[i].lo, expected[i].hi, expected[i].what);
			r = EXIT_FAILURE;
		}
	{
		char cmd[200];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", work_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", work_dir);
	}
	return r;
}

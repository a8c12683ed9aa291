/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Policies: Docker / OCI seccomp profiles, with callgate's extensions.
 *
 * policy_parse_buf() reads a profile the way Docker does (Go's encoding/json
 * into moby's profile types): keys match case-insensitively, unknown keys are
 * ignored (and listed as warnings), the last of duplicate keys wins, null
 * leaves a value unset or a list empty, and integers are exact unsigned 64-bit
 * values.  It then checks what runc would refuse later (actions, operators,
 * argument indexes, architectures, flags) so a bad profile is refused before
 * anything runs, with the file, line and column of the offending value.
 *
 * Pure: no I/O, no globals, no logging.
 */
#ifndef CALLGATE_POLICY_H
#define CALLGATE_POLICY_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct addr_pattern;

enum policy_action {
	POLICY_ACT_KILL_THREAD, /* SCMP_ACT_KILL, SCMP_ACT_KILL_THREAD */
	POLICY_ACT_KILL_PROCESS,
	POLICY_ACT_TRAP,
	POLICY_ACT_ERRNO,
	POLICY_ACT_TRACE,
	POLICY_ACT_ALLOW,
	POLICY_ACT_LOG,
	POLICY_ACT_NOTIFY,
	POLICY_ACT_MAX,
	POLICY_ACT_INVALID = -EINVAL,
};

enum policy_op {
	POLICY_OP_NE,
	POLICY_OP_LT,
	POLICY_OP_LE,
	POLICY_OP_EQ,
	POLICY_OP_GE,
	POLICY_OP_GT,
	POLICY_OP_MASKED_EQ,
	POLICY_OP_MAX,
	POLICY_OP_INVALID = -EINVAL,
};

/* Where a value sits in the policy file; 1-based, column in characters. */
struct policy_pos {
	unsigned line;
	unsigned column;
};

#define POLICY_ERROR_MSG_MAX 512

/* Error detail filled by the functions that take a struct policy_error *. */
struct policy_error {
	struct policy_pos pos; /* 0:0 when the error is about the whole file */
	char msg[POLICY_ERROR_MSG_MAX];
};

struct policy_warning {
	struct policy_pos pos;
	char *msg;
};

struct policy_arg {
	unsigned index; /* 0..5 */
	uint64_t value;
	uint64_t value_two;
	enum policy_op op;
	struct policy_pos pos;
};

/* includes / excludes of a rule (moby's Filter). */
struct policy_filter {
	char **caps;
	size_t n_caps;
	char **arches; /* Go architecture names: "amd64", "x86", "x32", ... */
	size_t n_arches;
	bool has_min_kernel;
	unsigned min_kernel_major; /* "<major>.<minor>", each 0..255 */
	unsigned min_kernel_minor;
	struct policy_pos pos;
};

struct policy_rule {
	char **names; /* "names", with the old "name" folded in */
	size_t n_names;
	enum policy_action action;
	bool has_errno_ret;
	uint64_t errno_ret;
	struct policy_arg *args;
	size_t n_args;
	char *comment;			/* NULL when absent */
	struct policy_filter *includes; /* NULL when absent */
	struct policy_filter *excludes; /* NULL when absent */
	/* callgate extensions */
	char **paths;
	size_t n_paths;
	char **addresses; /* as written */
	size_t n_addresses;
	/* ro: addresses[] compiled (callgate/addrmatch.h), n_addresses of
	 * them; set by policy_parse_buf() and recorder_policy().  NULL with
	 * addresses: a rule built by hand, which matches no address. */
	struct addr_pattern *addr_patterns;
	bool log;
	bool audit;
	char *errno_name;	      /* Podman's "errno", NULL when absent */
	struct policy_pos pos;	      /* the rule's object */
	struct policy_pos action_pos; /* ro: where "action" was set */
	struct policy_pos errno_pos;  /* ro: where "errnoRet" / "errno" was set */
};

struct policy_archmap {
	char *arch;
	char **sub_arches;
	size_t n_sub_arches;
	struct policy_pos pos;
};

struct policy {
	char *filename;
	/* false: Docker runs the container without seccomp (no defaultAction
	 * and no syscalls); nothing else in the policy is meaningful then */
	bool enabled;
	enum policy_action default_action;
	bool has_default_errno_ret;
	uint64_t default_errno_ret;
	char *default_errno_name;	      /* Podman's "defaultErrno", NULL when absent */
	struct policy_pos default_action_pos; /* ro */
	struct policy_pos default_errno_pos;  /* ro */
	char **architectures;		      /* SCMP_ARCH_* names */
	size_t n_architectures;
	struct policy_archmap *arch_map;
	size_t n_arch_map;
	char **flags; /* SECCOMP_FILTER_FLAG_* names */
	size_t n_flags;
	/* callgate extension "advisory": "deny": a pattern rule's allow that
	 * the supervisor cannot enforce (not an emulated open) fails with
	 * EPERM instead of continuing on a decision the target can race */
	bool advisory_deny;
	char *listener_path;	 /* NULL when absent */
	char *listener_metadata; /* NULL when absent */
	struct policy_rule *rules;
	size_t n_rules;
	/* Unknown keys, names that may be typos and other things Docker
	 * accepts silently; `callgate check --strict` turns them into errors. */
	struct policy_warning *warnings;
	size_t n_warnings;
};

/* Limits on what a policy file can make the parser allocate. */
#define POLICY_FILE_MAX	    (16u << 20)
#define POLICY_RULES_MAX    65536u
#define POLICY_WARNINGS_MAX 256u

/*
 * policy_parse_buf() - parse and validate a profile held in @buf (@len bytes,
 * need not be NUL-terminated).  @filename is used in messages only.
 * On success stores a new policy in *@ret (free with policy_free()) and
 * returns 0.  On failure returns -EINVAL for an invalid profile (detail in
 * @reterr, which may be NULL), -ENOMEM or -EFBIG; *@ret is left untouched.
 */
int policy_parse_buf(const char *buf, size_t len, const char *filename, struct policy **ret,
		     struct policy_error *reterr);

/* policy_free() - free @p and everything it owns; NULL is fine. */
void policy_free(struct policy *p);

/* For locals: _cleanup_policy_ struct policy *p = NULL; (callgate/cleanup.h) */
static inline void policy_freep(struct policy **p)
{
	policy_free(*p);
}
#define _cleanup_policy_ __attribute__((cleanup(policy_freep)))

/* Names as they appear in profiles ("SCMP_ACT_ERRNO", "SCMP_CMP_EQ"). */
const char *policy_action_to_string(enum policy_action a);
enum policy_action policy_action_from_string(const char *s);
const char *policy_op_to_string(enum policy_op op);
enum policy_op policy_op_from_string(const char *s);

/* True for actions that deny the call (ERRNO, KILL*, TRAP, TRACE). */
bool policy_action_denies(enum policy_action a);

/*
 * policy_runc_refusal() - whether runc refuses @p, which names a
 * listenerPath (a profile for a runtime), although Docker accepts the file:
 * runc refuses SCMP_ACT_NOTIFY as the defaultAction and on write, the call
 * its init hands the listener over with.  callgate itself runs such a
 * profile (its handover needs no write).  Returns 0, or -EINVAL with the
 * position and the reason in @reterr (which may be NULL).
 */
int policy_runc_refusal(const struct policy *p, struct policy_error *reterr);

/* True if @s is an architecture name runc accepts (SCMP_ARCH_X86_64, ...). */
bool policy_arch_known(const char *s);

/* Format "FILE:LINE:COLUMN: MESSAGE" (no newline) into @buf. */
int policy_error_format(const char *filename, const struct policy_error *e, char *buf, size_t size);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The message an OCI runtime (runc, crun) sends to the seccomp agent on a
 * profile's `listenerPath`: the "container process state" of the OCI runtime
 * spec (config-linux.md), a JSON object sent together with the fds it names
 * (SCM_RIGHTS, in the same message):
 *
 *   {"ociVersion": "1.0.2", "fds": ["seccompFd"], "pid": 4422,
 *    "metadata": "policy=web,mode=audit",
 *    "state": {"ociVersion": "1.0.2", "id": "c1", "status": "creating",
 *              "pid": 4422, "bundle": "/containers/c1",
 *              "annotations": {"k": "v"}}}
 *
 * and what callgate reads from the profile's `listenerMetadata`, which the
 * runtime passes through as "metadata".  Pure: no I/O, no globals, no logging.
 *
 * The JSON must be RFC 8259 text (checked before cJSON reads it) of at most
 * OCISTATE_MSG_MAX bytes, nested at most JSON_DEPTH_MAX (512) levels, with no
 * U+0000 in strings.  It is read as Go's encoding/json reads it into the
 * runtime-spec types: keys match case-insensitively, the last duplicate key
 * wins, unknown keys are ignored, null stands for an absent member.
 */
#ifndef CALLGATE_OCISTATE_H
#define CALLGATE_OCISTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest message accepted, in bytes. */
#define OCISTATE_MSG_MAX (64u << 10)
/* Most fds a message may name (the kernel's SCM_MAX_FD is 253). */
#define OCISTATE_FDS_MAX 16
/* The name of the seccomp listener fd in "fds". */
#define OCISTATE_SECCOMP_FD "seccompFd"

struct ocistate {
	char oci_version[64];	     /* "ociVersion", "" when absent */
	char *fds[OCISTATE_FDS_MAX]; /* owned: the names in "fds", in order */
	size_t n_fds;
	int seccomp_fd_index; /* index of "seccompFd" in fds: always >= 0 after a parse */
	int64_t pid; /* "pid": the container process in the runtime's pid namespace, 0 when absent */
	char *metadata;	    /* owned: "metadata" (the profile's listenerMetadata), "" when absent */
	char *container_id; /* owned: "state.id", "" when absent */
	char *status;	    /* owned: "state.status", "" when absent */
	char *bundle;	    /* owned: "state.bundle", "" when absent */
	int64_t state_pid;  /* "state.pid", 0 when absent */
};

/*
 * ocistate_parse() - read the container process state in @buf (@len bytes,
 * need not be NUL-terminated).
 *
 * Required: a JSON object whose "fds" is an array of at most
 * OCISTATE_FDS_MAX strings naming "seccompFd" exactly once.  Checked when
 * present: "ociVersion" a string of at most 63 bytes; "pid" and "state.pid"
 * integers in 0..INT32_MAX, written without fraction or exponent; "metadata"
 * a string; "state" an object whose "ociVersion", "id", "status" and
 * "bundle" are strings and whose "annotations" is an object of strings.
 *
 * Returns 0 and fills *@ret (release it with ocistate_done()); -EINVAL with
 * a reason in @why (at most @why_size bytes, NUL-terminated; @why may be
 * NULL) when the message is empty, larger than OCISTATE_MSG_MAX, not JSON or
 * not as above; or -ENOMEM.  *@ret is left untouched on failure.
 */
int ocistate_parse(const char *buf, size_t len, struct ocistate *ret, char *why, size_t why_size);

/*
 * ocistate_done() - free what @s owns and zero it.  @s must come from a
 * successful ocistate_parse() or be zeroed; NULL is fine.
 */
void ocistate_done(struct ocistate *s);

/* Longest policy NAME in listenerMetadata. */
#define OCIMETA_NAME_MAX 64

enum ocimeta_mode {
	OCIMETA_MODE_UNSET = -1, /* not given: the daemon's default */
	OCIMETA_MODE_ENFORCE = 0,
	OCIMETA_MODE_AUDIT = 1,
};

struct ocimeta {
	char policy[OCIMETA_NAME_MAX + 1]; /* policy NAME, "" when not given */
	int mode;			   /* enum ocimeta_mode */
};

/*
 * ocimeta_parse() - read callgate's settings from @metadata, the profile's
 * listenerMetadata:
 *
 *   ""                       defaults (policy "", mode OCIMETA_MODE_UNSET)
 *   "NAME"                   policy NAME
 *   "KEY=VALUE[,KEY=VALUE]"  with KEY "policy" (VALUE a NAME) or "mode"
 *                            (VALUE "enforce" or "audit"), each at most once
 *
 * A NAME is 1 to OCIMETA_NAME_MAX characters from [A-Za-z0-9._-], not
 * starting with '.': it names a file in the policy directory and cannot
 * reach outside it.  No spaces are allowed anywhere.  @metadata NULL is "".
 *
 * Returns 0 and fills *@ret, or -EINVAL with a reason in @why (printable
 * ASCII only: parts of @metadata quoted in it are escaped) and *@ret left
 * untouched.
 */
int ocimeta_parse(const char *metadata, struct ocimeta *ret, char *why, size_t why_size);

/* ocimeta_name_valid() - whether @s is a NAME as above. */
bool ocimeta_name_valid(const char *s);

#endif

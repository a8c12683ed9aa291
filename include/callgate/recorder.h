/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Recording what a program does, as a profile that allows it
 * (`callgate run --record PROFILE.json`).
 *
 * The recorder collects the calls the program made, keyed by ABI and
 * syscall, and recorder_policy() turns them into a policy: defaultAction
 * SCMP_ACT_ERRNO with defaultErrnoRet 1 (EPERM), as Docker's default, and
 * SCMP_ACT_ALLOW rules for what was seen.  Pure: no I/O, no globals, no
 * logging; the output depends only on the set of calls recorded, never on
 * their order or how often each was made (comments carry no counts).
 *
 * The rules, per ABI (x86_64, then i386, then x32), each with a "comment":
 *  - one rule naming, sorted, every syscall allowed without a condition;
 *  - socket, personality and clone: one rule per distinct arg0 value seen
 *    (family, persona, flags), SCMP_CMP_EQ on the whole value.  Docker ANDs
 *    the conditions of one rule, so the values OR as separate rules.  For
 *    clone the exit signal in the low byte is part of the value: programs
 *    use a few fixed flag sets (fork, posix_spawn, pthread_create).  clone3
 *    takes a pointer and stays unconditional.  On i386 and x32 values are
 *    kept to their low 32 bits, which is all the filter compares there.
 *  - path-taking syscalls (sysargs_paths()): one rule with callgate's
 *    "paths" extension listing what was seen, generalised so that the next
 *    run matches (below); a symlink's target is text, never a path: not
 *    recorded (nor matched, callgate-policy(5));
 *  - address-taking syscalls (sysargs_sockaddr()): one rule with
 *    "addresses" listing the addresses seen, and, when the address pointer
 *    was NULL (sendto on a connected socket), a rule with the condition
 *    "pointer argument == 0" (SCMP_CMP_EQ), which needs no pattern.
 *
 * When a limit below is passed, or a call cannot be expressed by a pattern
 * (a path that was not decoded or is not absolute and normalised, an
 * unnamed or "family:N" address, an abstract name with '/' in it), the
 * syscall loses its restriction and joins the unconditional rule, whose
 * comment says which syscalls did and why.  Being sets, these decisions do
 * not depend on the order of the calls.
 *
 * Docker's includes/excludes "arches" compare the host's Go architecture
 * (amd64 here, see lib/plan.c), not a call's ABI, so no profile can give a
 * rule to one x86 ABI only: a rule applies to every enabled ABI that has a
 * syscall of that name.  The recorded policy keeps each ABI's rules apart
 * (and the ABI in their comments) without "includes"; a name seen on i386
 * only is thus also allowed on x86_64 when x86_64 has it.
 *
 * Paths, generalised for the next run (in this order):
 *  - per-run names: each component naming an entry the program created
 *    (O_CREAT opens, mkdir, mknod, the new name of rename, link, symlink)
 *    or removed (unlink, rmdir, the old name of rename) goes through
 *    recorder_name_pattern() wherever it appears (a directory on the way
 *    to other paths too): parts that look like a temporary-file
 *    generator's output become globs.  Names the program did not make stay
 *    exact.
 *  - churn: a directory of at least two components in which the program
 *    both created and removed entries becomes "DIR/" and "**", for every
 *    syscall (the run's own: .git, a build directory, __pycache__).
 *  - fanout: RECORDER_DIR_FANOUT, counted on the generalised patterns.
 * Being properties of the sets, these do not depend on the order either.
 *
 * Calls whose number has no name in the syscall table are counted
 * (recorder_unknown()), mentioned in the comment of the ABI's first rule
 * (when it has one), and not allowed.
 */
#ifndef CALLGATE_RECORDER_H
#define CALLGATE_RECORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "callgate/policy.h"
#include "callgate/systable.h"

/* Distinct arg0 values kept per syscall (socket, personality, clone). */
#define RECORDER_VALUES_MAX 16u
/* Distinct paths kept per syscall and ABI, and their total length. */
#define RECORDER_PATHS_MAX	4096u
#define RECORDER_PATH_BYTES_MAX (512u << 10)
/* Distinct addresses kept per syscall and ABI. */
#define RECORDER_ADDRESSES_MAX 64u
/*
 * Paths are listed exactly (with '*', '?' and '[' written as "[*]", "[?]",
 * "[[]"), except that a directory with at least two components ("/usr/lib",
 * not "/" or "/etc") under which more than RECORDER_DIR_FANOUT distinct
 * entries were seen (files or subdirectories on the way to one) becomes
 * "DIR/" followed by "**", which replaces every path at or below it.
 */
#define RECORDER_DIR_FANOUT 8u
/* Distinct paths created or removed, and their total length, kept for
 * per-run names and churning directories (past them: neither). */
#define RECORDER_MADE_MAX	16384u
#define RECORDER_MADE_BYTES_MAX (2u << 20)

struct recorder;

/* recorder_new() - an empty recorder, or NULL when out of memory. */
struct recorder *recorder_new(void);

/* recorder_free() - free @r and what it recorded; NULL is fine. */
void recorder_free(struct recorder *r);

/*
 * recorder_add() - record one call the program made that was let through
 * (or carried out for it): syscall @nr of @arch (x32: with
 * CG_X32_SYSCALL_BIT) with @args (NULL: all zero).  @paths are its n
 * decoded path arguments in argument order (symlink: the target's text
 * first, which is not recorded), absolute and normalised (@n_paths 0 when
 * none were decoded); @addr its decoded socket address as sockaddr_format() writes it
 * ("inet:127.0.0.1:5432", "inet6:[::1]:80", "unix:/run/x.sock",
 * "unix:@name"), or NULL.  The strings are copied.
 * @paths may also hold, after the n given ones, the same n again as they
 * lead (symlinks resolved): @n_paths is then 2n (at most 4).
 * Returns 0, -EINVAL for an @arch out of range or @n_paths other than 0,
 * the syscall's number of path arguments or twice that, or
 * -ENOMEM (the call may then be partly recorded).
 */
int recorder_add(struct recorder *r, enum cg_arch arch, int nr, const uint64_t args[6],
		 const char *const *paths, size_t n_paths, const char *addr);

/*
 * Per-run names, word by word (a word: a run of [A-Za-z0-9_]; other
 * characters stay literal), first rule that applies:
 *  - a first word "tmp" and 8 of [a-z0-9_] (Python's tempfile):
 *    "tmp????????";
 *  - a first word "cc" and 6 of [A-Za-z0-9] in a @transient name
 *    (gcc's make_temp_file(), for cc1, as and collect2): "cc??????";
 *  - a first word of exactly 8 of [a-z0-9_] in a @transient name (created
 *    and removed: Python's gettempdir() probe): "????????";
 *  - a word of 6 or more digits (a pid, an id(), a time): '*';
 *  - a word of 6 or more characters whose tail looks random: two changes of
 *    class among lower case, upper case and digit ('_' ignored: "AbC123",
 *    "k3j_9x"), or one that words do not have (not a word and up to 4
 *    digits, "python311", "x86_64"; not a capitalised word, "Makefile"):
 *    '?' per character.  A first word keeps a literal prefix of 3 or more
 *    of [a-z_] ("tmp_obj_"), leaving at least 6 characters; a shorter one
 *    ("cc", "t") may be random and becomes '?' too.  A later word
 *    ("tmp.XXXXXXXXXX") is random whole or not at all.
 * Words of one class ("abcdef", "COMMIT_EDITMSG") never look random: a
 * generator's output that happens to be one (about 1% of mkstemp's) stays
 * exact, and then only a churning directory covers the next run.
 */

/*
 * recorder_name_pattern() - the file name @name (@len bytes, no '/') as a
 * path pattern component into @buf (@size bytes, NUL-terminated): escaped
 * (pattern_escape()), except the parts that look like a temporary-file
 * generator's random output, which become '?' per character, or '*' for a
 * number (see "Per-run names" above).  Returns 1 when a part became a
 * glob, 0 when the name is literal, or -ENOBUFS when @size is too small
 * (pattern_escape()'s length of @name plus one is always enough).
 */
int recorder_name_pattern(const char *name, size_t len, bool transient, char *buf, size_t size);

/* recorder_unknown() - how many calls of @arch had a number without a name. */
uint64_t recorder_unknown(const struct recorder *r, enum cg_arch arch);

/*
 * recorder_policy() - a new policy allowing what @r recorded (free with
 * policy_free()); "architectures" lists SCMP_ARCH_X86_64 and, when calls of
 * theirs were recorded, SCMP_ARCH_X86 and SCMP_ARCH_X32.  Its filename is
 * "<recorded>".  Returns 0 and the policy in *@ret, or -ENOMEM (*@ret
 * untouched).
 */
int recorder_policy(const struct recorder *r, struct policy **ret);

#endif

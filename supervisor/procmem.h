/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading a target's memory and /proc entries.  The caller checks the
 * notification with notif_id_valid() after reading, so that what was read
 * belongs to the task that made the call (pids are reused).
 */
#ifndef CALLGATE_SUPERVISOR_PROCMEM_H
#define CALLGATE_SUPERVISOR_PROCMEM_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <sys/types.h>

/*
 * procmem_read_str() - copy the NUL-terminated string at @addr in @tid's
 * memory into @buf (@size bytes, NUL-terminated on success).  Reads page by
 * page, so a string ending just before an unmapped page is read.
 * Returns the length, -EFAULT for an unreadable address, -ENAMETOOLONG if
 * no NUL comes within @size - 1 bytes, or -errno (-ESRCH: task gone).
 */
ssize_t procmem_read_str(pid_t tid, uint64_t addr, char *buf, size_t size);

/* procmem_read() - exactly @len bytes at @addr.  Returns 0 or -errno. */
int procmem_read(pid_t tid, uint64_t addr, void *buf, size_t len);

/* Write @len bytes of @buf at @addr in @tid's memory (process_vm_writev:
 * page protections hold, as for the kernel's own copy to the caller).
 * Returns 0, -EFAULT (not writable there) or -ESRCH (gone). */
int procmem_write(pid_t tid, uint64_t addr, const void *buf, size_t len);

/* Thread group id of @tid, from /proc/TID/status.  -errno on failure. */
pid_t proc_tgid(pid_t tid);

/*
 * proc_dir_open() - /proc/TID, as an O_PATH directory fd: what is read
 * through it is @tid's, or fails (ENOENT, ESRCH) once that thread is gone,
 * even when its number has been given to another since.  Returns the fd
 * or -errno.
 */
int proc_dir_open(pid_t tid);

/* The thread group id of the thread of @dir (proc_dir_open()), and its comm
 * into @comm, with one read of its status.  -errno on failure. */
pid_t proc_describe(int dir, char *comm, size_t size);

/* Who a process is, as its status says: real and effective ids. */
struct proc_ids {
	pid_t ppid;		      /* -1: unknown */
	int64_t uid, euid, gid, egid; /* -1: unknown */
};

/* proc_describe(), and @ids from the same read. */
pid_t proc_describe_ids(int dir, char *comm, size_t size, struct proc_ids *ids);

/* The first @size bytes of the cmdline of the thread of @dir: the length
 * (its arguments each ended by a NUL), *@cut when there is more; -errno. */
ssize_t proc_cmdline(int dir, char *buf, size_t size, bool *cut);

/* The start time of the thread of @dir (field 22 of its stat: clock ticks
 * after boot), which tells a process from a later one given its pid;
 * 0 when it cannot be read. */
uint64_t proc_start_time(int dir);

/* The exe link of the thread of @dir into @buf: the length or -errno. */
ssize_t proc_exe(int dir, char *buf, size_t size);

#endif

/*
 * proc_resolve_path() - @path, an argument of a call by @tid relative to
 * @dirfd (AT_FDCWD: its cwd; otherwise an fd of the call's process), made
 * absolute and normalised as @tid sees it: through /proc/TID/cwd or
 * /proc/TID/fd/N, with the thread's root (chroot, container) taken off.
 * Lexical: symlinks are not followed.  An empty @path (AT_EMPTY_PATH)
 * names @dirfd itself: a file's path, or for a pipe, socket or anonymous
 * inode its /proc link text ("pipe:[1234]"), which no path pattern
 * matches.  Returns the length in @out, or
 * -EBADF (no such dirfd), -ENOTDIR (dirfd is no directory path), or
 * -ENAMETOOLONG.
 */
ssize_t proc_resolve_path(pid_t tid, int dirfd, const char *path, char *out, size_t size);

/*
 * proc_real_path() - @abs (absolute, as @tid sees it) with its symlinks
 * resolved by the kernel, as @tid would reach it (through its root): the
 * path an emulated open decides on.  For a path that does not exist, its
 * directory resolved and the last component kept.  Returns the length in
 * @out, or -errno.
 */
ssize_t proc_real_path(pid_t tid, const char *abs, bool follow, char *out, size_t size);

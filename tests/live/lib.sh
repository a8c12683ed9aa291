# Helpers for the live test scripts (sourced).  Each script prints one
# PASS/FAIL line per test and, through finish, a closing
# "NAME: N passed, N failed, N skipped" line; it exits non-zero if any failed.
#
# Cases: a script's tests are grouped in named cases, each under
# `if want NAME; then ... fi` (the setup outside them always runs).  To run
# only the cases whose name matches an extended regex:
#   bash tests/live/serve.sh sighup        (one script)
#   LIVE_ONLY='fifo|sighup' make live      (every script run.sh runs)
# A regex that matches no case of a script lists that script's cases.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CALLGATE=${CALLGATE:-$ROOT/build/callgate}
SHARED=${CALLGATE_SHARED:-$ROOT/../shared}
PROFILES=${PROFILES:-$SHARED/profiles}
PROGS=${PROGS:-$ROOT/build/progs}
LIVE_ONLY=${1:-${LIVE_ONLY:-}}
T=$(mktemp -d)
chmod 755 "$T"
# Background jobs a script left (a daemon whose stopping case was not
# selected, say) end with it.
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$T"' EXIT
passed=0 failed=0 skipped=0
cases_seen="" cases_run=0

skip() { skipped=$((skipped + 1)); echo "SKIP: $1"; }

finish() {
	if [ -n "$LIVE_ONLY" ] && [ "$cases_run" -eq 0 ]; then
		echo "(no case of $1 matches '$LIVE_ONLY'; its cases:$cases_seen)"
	fi
	echo "$1: $passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
	exit
}

# want NAME: whether case NAME runs (all do unless LIVE_ONLY is set)
want() {
	cases_seen="$cases_seen $1"
	if [ -n "$LIVE_ONLY" ] && ! printf '%s\n' "$1" | grep -Eq -- "$LIVE_ONLY"; then
		return 1
	fi
	cases_run=$((cases_run + 1))
}

ok() { passed=$((passed + 1)); echo "PASS: $1"; }
ko() { failed=$((failed + 1)); echo "FAIL: $1"; [ -n "${2:-}" ] && sed 's/^/    /' "$2" | head -20; }

# run NAME EXPECTED_STATUS CMD...: output in $T/out, $T/err
run() {
	local name=$1 want=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	local got=$?
	if [ "$got" -eq "$want" ]; then return 0; fi
	echo "    $name: exit $got, expected $want" >>"$T/err"
	return 1
}

# status_ok NAME STATUS: passes if the previous run passed
status_ok() {
	if [ "$2" -eq 0 ]; then ok "$1"; else ko "$1" "$T/err"; fi
}

# check NAME STATUS FILE PATTERN: passes if STATUS (of the previous run) is
# 0 and FILE matches PATTERN (extended regex)
check() {
	local name=$1 status=$2 file=$3 pattern=$4
	if [ "$status" -eq 0 ] && grep -Eq -- "$pattern" "$file"; then ok "$name"; else
		echo "    expected /$pattern/ in $(basename "$file")" >>"$T/err"
		cat "$T/out" >>"$T/err"
		ko "$name" "$T/err"
	fi
}

# ---- waiting for events ---------------------------------------------------
# A test waits for what it needs (a socket, a line in a log, a process
# blocked in the kernel) by looking for it every 10 to 50 ms until a
# deadline, never with a fixed sleep that assumes it has happened by then.
# Deadlines are generous (CI is a slow, shared 2-core VM); a wait returns as
# soon as its event is seen.

# poll_until SECONDS CMD...: run CMD (a command or a function of this
# shell) until it succeeds; 1 if SECONDS pass first.  Quiet: for waits whose
# outcome the test itself reports.
poll_until() {
	local nap=0.01 now end
	now=${EPOCHREALTIME//[!0-9]/} # microseconds
	end=$((now + $1 * 1000000))
	shift
	until "$@"; do
		now=${EPOCHREALTIME//[!0-9]/}
		[ "$now" -lt "$end" ] || return 1
		sleep "$nap"
		case $nap in 0.01) nap=0.02 ;; 0.02) nap=0.05 ;; esac
	done
}

# wait_for WHAT SECONDS CMD...: as poll_until, but a timeout is reported
# as a failure of its own: "FAIL: timed out after SECONDS s waiting for WHAT".
wait_for() {
	local what=$1 limit=$2
	shift 2
	poll_until "$limit" "$@" && return 0
	ko "timed out after $limit s waiting for $what"
	return 1
}

# has_line FILE REGEX [N]: FILE has at least N (1) lines matching REGEX
has_line() {
	local n
	n=$(grep -Ec -- "$2" "$1" 2>/dev/null)
	[ "${n:-0}" -ge "${3:-1}" ]
}

# wait_for_file FILE [SECONDS]: FILE exists and is not empty
wait_for_file() { wait_for "$1 to be written" "${2:-30}" test -s "$1"; }
# wait_for_socket PATH [SECONDS]: a socket at PATH (a daemon listens)
wait_for_socket() { wait_for "a socket at $1" "${2:-30}" test -S "$1"; }
# wait_for_line FILE REGEX [SECONDS]: a line of FILE matches REGEX
wait_for_line() { wait_for "/$2/ in $(basename "$1")" "${3:-30}" has_line "$1" "$2"; }

# gone PID: no such process any more (it exited and was reaped)
gone() { [ ! -e "/proc/$1" ]; }
# wait_for_exit PID [SECONDS]: PID, not a child of this shell (wait for
# those), has exited and been reaped
wait_for_exit() { wait_for "process $1 to exit" "${2:-30}" gone "$1"; }

# threads PID: how many threads PID has
threads() { ls "/proc/$1/task" 2>/dev/null | wc -l; }

# blocked_in PID REGEX: a thread of PID sleeps in a kernel function that
# matches REGEX (its wchan: wait_for_partner for an open of a FIFO without
# its other end, seccomp_do_user_notification for a notified call,
# hrtimer_nanosleep for sleep(1)).  wchan reads "0" without ptrace read
# access: root sees every process, another user its own dumpable ones
# (callgate makes itself non-dumpable, so only root sees its threads).
blocked_in() {
	local w
	for w in /proc/"$1"/task/*/wchan; do
		grep -Eqs -- "$2" "$w" && return 0
	done
	return 1
}

# in_notification PID: a thread of PID waits for callgate's answer
in_notification() { blocked_in "$1" '^seccomp_do_user_notification'; }

# child_named PPID COMM: prints the pid of a child of PPID whose comm is
# COMM (from /proc: procps may not be installed)
child_named() {
	local s line pid ppid
	for s in /proc/[0-9]*/stat; do
		{ read -r line <"$s"; } 2>/dev/null || continue
		pid=${line%% *}
		read -r _ ppid _ <<<"${line##*) }"
		if [ "$ppid" = "$1" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ]; then
			echo "$pid"
			return 0
		fi
	done
	return 1
}

# await_code FILE: shell code for a target's sh script that waits (at most
# a minute) until FILE exists: the test's go-ahead.  Insert it as
# "...; $(await_code "$T/go"); ..." in the script; it makes only stat(2)
# calls and runs sleep(1), which the test policies allow.
await_code() {
	printf "i=0; until [ -e '%s' ] || [ \$i -ge 1200 ]; do sleep 0.05; i=\$((i + 1)); done" "$1"
}

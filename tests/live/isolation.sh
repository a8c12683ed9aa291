#!/usr/bin/env bash
# Isolation: targets that stall their own emulated calls inside the
# supervisor (an open that waits for a lease break, a path on a
# userfaultfd page nobody fills, a FIFO with no peer) delay nobody else.
# Under one `callgate serve`, a second target's notified calls keep being
# answered, each within a second, while the first ones stay stalled for
# STALL_S seconds; ctl keeps answering; SIGTERM still ends serve.  Under
# `callgate run` (one session for the whole tree, so "where it applies"),
# ctl keeps answering while the target stalls it, and a signal still
# reaches the target.
. "$(dirname "$0")/lib.sh"
AGENT=${AGENT:-build/callgate-agent}
STALL_S=${STALL_S:-30}

# the pid of the process whose command line is exactly "$*" (procps may
# not be installed)
pid_of() {
	local p want="$*"
	for p in /proc/[0-9]*; do
		[ "$({ tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null)" = "$want " ] && echo "${p#/proc/}" && return
	done
}
# stalled NAME ARG OUT: the stall target printed "stalling" and waits in
# its notified call
stalled() { has_line "$3" '^stalling$' && in_notification "$(pid_of "$PROGS/stall" "$1" "$2")"; }
stall_kill() {
	local p
	for p in $(pid_of "$PROGS/stall" "$@"); do kill -9 "$p"; done
}

if [ "$(id -u)" -ne 0 ]; then
	skip "isolation (leases on others' files and userfaultfd need root)"
	finish isolation
fi
: >"$T/err"
D=$T/work
P=$T/policies
S=$T/serve.sock
C=$T/serve.ctl
C2=$T/run.ctl
mkdir -p "$D" "$P"
cat >"$P/stall.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
 {"names": ["open", "openat"], "action": "SCMP_ACT_ALLOW", "paths": ["$D/**", "/uffd/**"],
  "comment": "emulated: carried out by the supervisor"},
 {"names": ["uname"], "action": "SCMP_ACT_ALLOW", "log": true, "comment": "notified"}
]}
EOF
echo data >"$D/leased"
mkfifo "$D/fifo"

# The open must wait longer than the test looks, however slow the machine:
# the targets waiting to stall and the checks that follow add to STALL_S
# (45 s was once not enough under load); the test kills the lease's holder.
lbt=$(cat /proc/sys/fs/lease-break-time)
if [ "$lbt" -lt $((STALL_S + 600)) ]; then
	echo $((STALL_S + 600)) >/proc/sys/fs/lease-break-time
	trap 'echo "$lbt" >/proc/sys/fs/lease-break-time; rm -rf "$T"' EXIT
fi

"$CALLGATE" serve --socket "$S" --policy-dir "$P" -p "$P/stall.json" --control "$C" -o "$T/serve.log" \
	2>"$T/serve.err" &
sv=$!
wait_for_socket "$S" && wait_for_socket "$C"
agent() { "$AGENT" --socket "$S" --policy-dir "$P" -p stall -- "$PROGS/stall" "$@"; }

agent lease "$D/leased" >"$T/lease.out" 2>&1 &
agent uffd x >"$T/uffd.out" 2>&1 &
agent fifo "$D/fifo" >"$T/fifo.out" 2>&1 &
# (interactive: nothing is emulated, but the path is read all the same)
"$CALLGATE" run -m interactive --control "$C2" -o "$T/run.log" -p "$P/stall.json" -- \
	"$PROGS/stall" uffd y >"$T/run.out" 2>"$T/run.err" </dev/null &
rn=$!

kinds=""
for k in lease uffd fifo; do
	arg=$([ $k = lease ] && echo "$D/leased" || ([ $k = fifo ] && echo "$D/fifo" || echo x))
	if poll_until 30 stalled $k "$arg" "$T/$k.out"; then
		kinds="$kinds $k"
	elif grep -q '^SKIP' "$T/$k.out"; then
		skip "serve: a $k stall ($(cat "$T/$k.out"))"
	else
		ko "serve: the $k target stalls in its emulated call" "$T/$k.out"
	fi
done
wait_for "run's target to stall in its call" 30 stalled uffd y "$T/run.out"
wait_for_socket "$C2"

# Meanwhile: a second target's calls, ctl of both, for STALL_S seconds.
start=$(date +%s)
agent busy "$STALL_S" >"$T/busy.out" 2>&1 &
busy=$!
ctl_ok=0 ctl_bad=0 rctl_ok=0 rctl_bad=0
while kill -0 "$busy" 2>/dev/null; do
	if timeout 2 "$CALLGATE" ctl --control "$C" list >/dev/null 2>>"$T/err"; then
		ctl_ok=$((ctl_ok + 1))
	else
		ctl_bad=$((ctl_bad + 1))
	fi
	if timeout 2 "$CALLGATE" ctl --control "$C2" list >/dev/null 2>>"$T/err"; then
		rctl_ok=$((rctl_ok + 1))
	else
		rctl_bad=$((rctl_bad + 1))
	fi
	# one round a second: the pace of the check, not a wait for an event
	sleep 1
done
wait "$busy"
elapsed=$(($(date +%s) - start))

read -r calls slowest <<<"$(awk '/^calls/ {print $2, $4}' "$T/busy.out")"
if [ -n "${calls:-}" ] && [ "$calls" -ge $((STALL_S * 10)) ] &&
	awk -v s="$slowest" 'BEGIN { exit !(s < 1000) }'; then
	ok "serve: another target's $calls notified calls answered, the slowest in $slowest ms, while${kinds} stall"
else
	ko "serve: another target's calls while${kinds} stall: ${calls:-?} calls, slowest ${slowest:-?} ms" "$T/busy.out"
fi
for k in $kinds; do
	if ! grep -q '^returned' "$T/$k.out" && [ "$elapsed" -ge "$STALL_S" ]; then
		ok "serve: the $k target still stalled after ${elapsed} s"
	else
		ko "serve: the $k target stalled for the whole test" "$T/$k.out"
	fi
done
[ "$ctl_bad" = 0 ] && [ "$ctl_ok" -ge $((STALL_S / 2)) ] &&
	ok "serve: ctl answered $ctl_ok times in a row meanwhile, each within 2 s" ||
	ko "serve: ctl meanwhile: $ctl_ok answered, $ctl_bad not" "$T/err"
[ "$rctl_bad" = 0 ] && [ "$rctl_ok" -ge $((STALL_S / 2)) ] &&
	ok "run: ctl answered $rctl_ok times in a row while its target stalls" ||
	ko "run: ctl while its target stalls: $rctl_ok answered, $rctl_bad not" "$T/err"
grep -q '^returned' "$T/run.out" && ko "run: the target stayed stalled" "$T/run.out"

# A signal still reaches run's target; it ends, and so does run.
kill -TERM "$rn"
if poll_until 30 gone "$rn"; then
	wait "$rn"
	st=$?
	[ "$st" = 143 ] && ok "run: SIGTERM reaches the stalled target, run exits 143" ||
		ko "run: after SIGTERM: exit $st, expected 143" "$T/run.err"
else
	ko "run: SIGTERM while the target stalls" "$T/run.err"
	kill -9 "$rn"
fi

# SIGTERM ends serve, stalled targets or not.
kill -TERM "$sv"
if poll_until 30 gone "$sv"; then
	wait "$sv"
	st=$?
	[ "$st" = 0 ] && ok "serve: SIGTERM ends it with targets stalled (exit 0)" ||
		ko "serve: exit $st after SIGTERM" "$T/serve.err"
else
	ko "serve: SIGTERM with targets stalled" "$T/serve.err"
	kill -9 "$sv"
fi
for k in "lease $D/leased" "uffd x" "fifo $D/fifo" "uffd y"; do stall_kill $k; done
wait 2>/dev/null
finish isolation

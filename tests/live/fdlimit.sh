#!/usr/bin/env bash
# callgate under a low fd limit.  A target makes 1000 blocking connects
# that callgate emulates (an address rule allows them) to a listener that
# never completes them: each one under way holds an fd of callgate's (the
# caller's socket, taken with pidfd_getfd) in a wait of its own.
#  1. soft and hard limit 64: callgate cannot raise its limit; the connects
#     it cannot take an fd for fail closed with EAGAIN, each logged with
#     its reason (and a true pid), the others stay under way; every
#     notification is answered, none hangs, and callgate still answers
#     another call.
#  2. soft limit 64, hard 4096: callgate raises its own limit (not the
#     target's) and holds all 1000 connects at once.
# In both, the target exits with connects still under way: callgate drops
# those waits, ends at once and exits with the target's status.
. "$(dirname "$0")/lib.sh"

NAME=fdlimit
N=1000
DEADLINE=45 # seconds; a run still going then is a hang

# alive PID: PID exists and is not a zombie
alive() {
	local s
	read -r _ _ s _ 2>/dev/null <"/proc/$1/stat" && [ "$s" != Z ]
}

# line_or_gone FILE PATTERN PID: FILE has a line matching PATTERN, or PID
# is gone (then true only if the line came)
line_or_gone() { has_line "$1" "$2" || ! alive "$3"; }
# line_from FILE PATTERN SECONDS PID: lib.sh's poll_until for the line,
# ending early once PID is gone without it
line_from() { poll_until "$3" line_or_gone "$1" "$2" "$4" && has_line "$1" "$2"; }

ms() { echo $(($(date +%s%N) / 1000000)); }

# why LINE... : the detail a FAIL shows, in $T/why
why() { printf '    %s\n' "$@" >"$T/why"; }

# the listener: backlog 0 and its accept queue full, so a connect to it
# stays under way (SYNs dropped); pendconn checks that it does
"$PROGS/pendconn" listen "$T/port" 2>"$T/listen.err" &
lpid=$!
trap 'kill "$lpid" 2>/dev/null; rm -rf "$T"' EXIT
if ! line_from "$T/port" '^[0-9]+$' 10 "$lpid"; then
	ko "a listener whose connects stay under way" "$T/listen.err"
	finish $NAME
fi
port=$(cat "$T/port")

cat >"$T/policy.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
  {"names": ["connect"], "action": "SCMP_ACT_ALLOW", "addresses": ["inet:127.0.0.1:$port"], "log": true},
  {"names": ["connect"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}
]}
EOF

# one_run NAME LIMITS: pendconn PORT N under callgate run, under the
# shell's LIMITS (ulimit commands), in the background and bounded by
# timeout.  When the target says "holding", callgate (its parent) is
# looked at and the target let go.  Sets st (callgate's status), total_ms
# (the run), exit_ms (from letting the target go to callgate's end), cg
# (callgate's pid), tpid (the target's), cg_comm, cg_limits ("SOFT
# HARD"), cg_fds and cg_socks (-1: not readable); the summary's counts
# (returned, eagain, ...).  The target's output is in $T/NAME.out,
# callgate's in $T/NAME.err, the log in $T/NAME.log.
one_run() {
	local name=$1 limits=$2 t0 t1 job line
	cg='' tpid='' cg_comm='' cg_limits='' cg_fds=-1 cg_socks=-1
	t0=$(ms)
	(
		eval "$limits" || exit 99
		exec timeout -k 5 "$DEADLINE" "$CALLGATE" run -o "$T/$name.log" \
			-p "$T/policy.json" -- "$PROGS/pendconn" "$port" "$N" "$T/$name.hold"
	) >"$T/$name.out" 2>"$T/$name.err" &
	job=$!
	if line_from "$T/$name.out" '^holding$' "$DEADLINE" "$job"; then
		read -r _ tpid _ cg _ < <(grep '^pid ' "$T/$name.out")
		cg_comm=$(cat "/proc/$cg/comm" 2>/dev/null)
		cg_limits=$(awk '/^Max open files/ { print $4, $5 }' "/proc/$cg/limits" 2>/dev/null)
		if [ -r "/proc/$cg/fd" ]; then
			cg_fds=$(find "/proc/$cg/fd" -mindepth 1 | wc -l)
			cg_socks=$(find "/proc/$cg/fd" -mindepth 1 -lname 'socket:*' | wc -l)
		fi
	fi
	t1=$(ms)
	touch "$T/$name.hold"
	wait "$job"
	st=$?
	exit_ms=$(($(ms) - t1))
	total_ms=$(($(ms) - t0))
	touch "$T/$name.log"

	returned=-1 eagain=-1 emfile=-1 connected=-1 other=-1 pending=-1 starved=-1
	unsettled=-1 extra=none extra_ms=-1 barriers=-1
	line=$(grep '^returned ' "$T/$name.out")
	[ -n "$line" ] && read -r _ returned _ eagain _ emfile _ connected _ other _ pending \
		_ starved _ unsettled _ extra _ extra_ms _ barriers <<<"$line"
}

# ended LABEL NAME: the run ended by itself, with the target's status
# (0), and promptly once the target was gone with connects under way
ended() {
	if [ "$st" -eq 0 ] && [ -n "$cg" ] && [ "$exit_ms" -le 10000 ]; then
		ok "$1: no hang; callgate exited with the target's status, ${exit_ms} ms after the target (run: ${total_ms} ms)"
	else
		why "callgate's status $st (124 or 137: killed by timeout, a hang), ${exit_ms} ms after the target, run ${total_ms} ms" \
			"target: $(tr '\n' ';' <"$T/$2.out")" "callgate: $(head -c 2000 "$T/$2.err" | tr '\n' ';')"
		ko "$1: no hang, callgate exits with the target's status" "$T/why"
	fi
}

# 1. soft and hard limit 64
one_run hard 'ulimit -n 64'
if grep -q "^pid .* nofile 64 64$" "$T/hard.out" && [ "$cg_comm" = callgate ] &&
	[ "$cg_limits" = "64 64" ]; then
	ok "hard limit 64: callgate and its target run with 64 fds (callgate: soft and hard $cg_limits)"
else
	why "callgate (pid '$cg', comm '$cg_comm'): limits '$cg_limits'" "$(cat "$T/hard.out")"
	ko "hard limit 64: callgate and its target run with 64 fds" "$T/why"
fi
ended "hard limit 64" hard
if [ "$unsettled" -eq 0 ] && [ "$starved" -eq 0 ] && [ $((returned + pending)) -eq "$N" ] &&
	[ "$eagain" -eq "$returned" ] && [ "$eagain" -gt 0 ] && [ "$emfile" -eq 0 ] && [ "$other" -eq 0 ] &&
	[ "$connected" -eq 0 ] && [ "$pending" -ge 1 ] && [ "$pending" -lt 64 ]; then
	ok "hard limit 64: all $N connects answered or under way: $eagain failed closed with EAGAIN, $pending under way"
else
	ko "hard limit 64: every connect answered (EAGAIN) or under way" "$T/hard.out"
fi
if [ "$extra" = ok ] && [ "$extra_ms" -le 3000 ]; then
	ok "hard limit 64: out of fds, callgate still answers (a refused connect: EPERM in ${extra_ms} ms)"
else
	ko "hard limit 64: out of fds, callgate still answers another call" "$T/hard.out"
fi
if [ -n "$cg" ] && [ "$cg_fds" -lt 0 ]; then
	skip "hard limit 64: callgate's fds (/proc/$cg/fd not readable as $(id -un))"
elif [ -n "$cg" ] && [ "$cg_socks" -eq "$pending" ] && [ "$cg_fds" -le 64 ]; then
	ok "hard limit 64: callgate holds one socket per connect under way ($cg_socks), $cg_fds fds in all"
else
	why "callgate: $cg_socks sockets, $cg_fds fds; $pending connects under way"
	ko "hard limit 64: callgate holds one socket per connect under way" "$T/why"
fi
reason='"reason":"callgate is out of file descriptors"'
recs=$(grep -c "$reason" "$T/hard.log")
full=$(grep "$reason" "$T/hard.log" | grep '"syscall":"connect"' | grep '"decision":"deny"' |
	grep '"errno":"EAGAIN"' | grep -c "\"addr\":\"inet:127.0.0.1:$port\"")
refused=$(grep '"decision":"deny"' "$T/hard.log" | grep '"errno":"EPERM"' |
	grep -c '"addr":"inet:127.0.0.2:')
if [ "$recs" -eq "$eagain" ] && [ "$full" -eq "$recs" ] && [ "$refused" -eq $((barriers + 1)) ]; then
	ok "hard limit 64: each EAGAIN logged as a denial with its reason ($recs records), the refused calls too ($refused)"
else
	why "$recs records with $reason ($full with the call, deny, EAGAIN and the address) for $eagain EAGAIN" \
		"$refused EPERM records for $((barriers + 1)) refused calls"
	ko "hard limit 64: each EAGAIN logged as a denial with its reason" "$T/why"
fi
#    Out of fds, callgate may not learn everything about a caller, but
#    what a record says must be true: "pid" is the target's, or null
misnamed=$(grep '"syscall"' "$T/hard.log" | grep -v "\"pid\":${tpid:-x}," | grep -vc '"pid":null')
if [ -n "$tpid" ] && [ "$misnamed" -eq 0 ]; then
	ok "hard limit 64: every record names the target's process (pid $tpid)"
else
	why "$misnamed records of pendconn (pid '$tpid') name another pid, as:"
	grep '"syscall"' "$T/hard.log" | grep -v "\"pid\":${tpid:-x}," | grep -v '"pid":null' |
		head -2 | sed 's/^/    /' >>"$T/why"
	ko "hard limit 64: every record names the target's process" "$T/why"
fi

# 2. soft limit 64 under a hard limit of 4096: callgate raises its own
if ! (ulimit -Sn 64 && ulimit -Hn 4096) 2>/dev/null; then
	skip "soft limit 64: a hard fd limit of 4096 cannot be set here (hard: $(ulimit -Hn))"
	finish $NAME
fi
one_run soft 'ulimit -Sn 64 && ulimit -Hn 4096'
if grep -q "^pid .* nofile 64 4096$" "$T/soft.out" && [ "$cg_comm" = callgate ] &&
	[ "$cg_limits" = "4096 4096" ]; then
	ok "soft limit 64: callgate raised its own limit to $cg_limits, its target kept 64"
else
	why "callgate (pid '$cg', comm '$cg_comm'): limits '$cg_limits'" "$(cat "$T/soft.out")"
	ko "soft limit 64: callgate raises its own limit, not its target's" "$T/why"
fi
ended "soft limit 64" soft
if [ "$pending" -eq "$N" ] && [ "$returned" -eq 0 ] && [ "$unsettled" -eq 0 ] &&
	[ "$extra" = ok ] && [ "$extra_ms" -le 3000 ]; then
	ok "soft limit 64: all $N connects under way at once; another call answered in ${extra_ms} ms"
else
	ko "soft limit 64: all $N connects under way at once, another call answered" "$T/soft.out"
fi
if [ -n "$cg" ] && [ "$cg_fds" -lt 0 ]; then
	skip "soft limit 64: callgate's fds (/proc/$cg/fd not readable as $(id -un))"
elif [ "$cg_socks" -eq "$N" ] && ! grep -q '"reason"' "$T/soft.log"; then
	ok "soft limit 64: callgate holds $cg_socks sockets ($cg_fds fds), nothing failed closed"
else
	why "callgate: $cg_socks sockets, $cg_fds fds; $(grep -c '"reason"' "$T/soft.log") records with a reason"
	ko "soft limit 64: callgate holds all $N sockets, nothing failed closed" "$T/why"
fi

finish $NAME

#!/usr/bin/env bash
# The JSON Lines log for pipelines (callgate(1), LOG RECORDS): a run id on
# every record, runs in one file told apart (-o empties the file, --append
# adds to it), a process record (ppid, uids, gids, cmdline) before the first
# decision that names a process, an end record whose status is callgate's
# own exit status and whose counts are the records written, and audit
# mode's would-kill for a call of an ABI the profile does not list.  The
# records are read back with Python's json module, apart from callgate's
# code.
. "$(dirname "$0")/lib.sh"

NAME=jsonl
AGENT=${AGENT:-$ROOT/build/callgate-agent}
cg() { "$CALLGATE" run "$@"; }

# getpgid refused and logged, getppid allowed and logged: soak N makes N
# getpgid calls and one getppid
cat >"$T/p.json" <<'EOF'
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
  {"names": ["getpgid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1, "log": true},
  {"names": ["getppid"], "action": "SCMP_ACT_ALLOW", "log": true}
]}
EOF

# logcheck WHAT FILE ARG...: checks of a log, failures on stdout, exit 1
cat >"$T/logcheck.py" <<'EOF'
import json, re, sys

what, path, args = sys.argv[1], sys.argv[2], sys.argv[3:]
recs = [json.loads(line) for line in open(path)]
bad = []

def runs():
    """The file's runs: lists of records from a start record to its end."""
    out = []
    for r in recs:
        if r.get("event") == "start":
            out.append([])
        if not out:
            bad.append("a record before the first start record: %r" % r)
            return out
        out[-1].append(r)
    return out

def decisions(run):
    return [r for r in run if "event" not in r]

if what == "runs":
    # ARGS: how many runs; each has one id, on every record, distinct
    rs = runs()
    if len(rs) != int(args[0]):
        bad.append("%d runs, expected %s" % (len(rs), args[0]))
    ids = []
    for run in rs:
        rid = run[0].get("run", "")
        if not re.fullmatch(r"[0-9a-f]{32}", rid):
            bad.append("run id %r is not 32 hex digits" % rid)
        for r in run:
            if r.get("run") != rid:
                bad.append("record of run %s with run %r" % (rid, r.get("run")))
        if run[-1].get("event") != "end":
            bad.append("run %s does not end with its end record" % rid)
        if sum(1 for r in run if r.get("event") == "end") != 1:
            bad.append("run %s has not one end record" % rid)
        ids.append(rid)
    if len(set(ids)) != len(ids):
        bad.append("run ids repeat: %s" % ids)
elif what == "end":
    # ARGS: callgate's exit status, the signal (or -), the records wanted
    # per decision as name=count (others: whatever the run wrote)
    run = runs()[-1]
    end = run[-1]
    if end.get("status") != int(args[0]):
        bad.append("end status %r, callgate exited %s" % (end.get("status"), args[0]))
    if (args[1] == "-") != ("signal" not in end) or (args[1] != "-" and end["signal"] != int(args[1])):
        bad.append("end signal %r, expected %s" % (end.get("signal"), args[1]))
    got = {}
    for r in decisions(run):
        got[r["decision"]] = got.get(r["decision"], 0) + 1
    counts = end.get("records", {})
    for d in ("allow", "deny", "would-deny", "kill", "emulated", "ask", "would-kill"):
        if d not in counts:
            bad.append("end record without a count of %s" % d)
        elif counts[d] != got.get(d, 0):
            bad.append("end counts %d %s, the log has %d" % (counts[d], d, got.get(d, 0)))
    for want in args[2:]:
        d, n = want.split("=")
        if got.get(d, 0) != int(n):
            bad.append("%d %s records, expected %s" % (got.get(d, 0), d, n))
    if end.get("notified", -1) < sum(got.values()):
        bad.append("notified %r, fewer than the records" % end.get("notified"))
    if not isinstance(end.get("duration"), float) or end["duration"] < 0 or end.get("lost") != 0:
        bad.append("end duration %r, lost %r" % (end.get("duration"), end.get("lost")))
elif what == "procs":
    # every pid a decision names was described before, in its run, once
    # for each executable
    for run in runs():
        seen = {}
        for r in run:
            if r.get("event") == "process":
                key = (r["pid"], r["exe"])
                if key in seen:
                    bad.append("process %s running %s described twice" % key)
                seen[key] = r
            elif "event" not in r and (r["pid"], r["exe"]) not in seen:
                bad.append("pid %s (%s) named before its process record" % (r["pid"], r["exe"]))
elif what == "serve":
    # ARGS: how many daemons: one run id each, in order; process records
    # carry the container id, as the decisions that follow them do
    ids = []
    for r in recs:
        if not re.fullmatch(r"[0-9a-f]{32}", r.get("run", "")):
            bad.append("record without a run id: %r" % r)
        elif not ids or ids[-1] != r["run"]:
            ids.append(r["run"])
    if len(ids) != int(args[0]) or len(set(ids)) != len(ids):
        bad.append("run ids %s, expected %s daemons one after the other" % (ids, args[0]))
    procs = {}
    for r in recs:
        if r.get("event") == "process":
            if not r.get("container"):
                bad.append("process record without its container: %r" % r)
            procs[(r["run"], r["pid"], r["exe"])] = r
        elif "event" not in r:
            p = procs.get((r["run"], r["pid"], r["exe"]))
            if not p or p["container"] != r.get("container"):
                bad.append("decision without its process record: %r" % r)
elif what == "proc":
    # ARGS: EXE CMDLINE_JSON UID GID PARENT_EXE: the one process record of
    # EXE run with CMDLINE, and the process that started it
    procs = [r for r in recs if r.get("event") == "process"]
    mine = [r for r in procs if r["exe"] == args[0] and r["cmdline"] == json.loads(args[1])]
    if len(mine) != 1:
        bad.append("%d process records of %s %s in %r" % (len(mine), args[0], args[1], procs))
    else:
        p = mine[0]
        if (p["uid"], p["euid"], p["gid"], p["egid"]) != (int(args[2]), int(args[2]), int(args[3]), int(args[3])):
            bad.append("ids %r" % p)
        parents = [r for r in procs if r["pid"] == p["ppid"]]
        if not parents or parents[0]["exe"] != args[4]:
            bad.append("ppid %s is not %s's: %r" % (p["ppid"], args[4], parents))
else:
    bad.append("unknown check " + what)
for b in bad[:10]:
    print(b)
sys.exit(1 if bad else 0)
EOF
logcheck() { python3 "$T/logcheck.py" "$@" >"$T/why" 2>&1; }

# 1. one run: a run id on each record, the process records, the end record
if want run; then
	run one 7 cg -p "$T/p.json" -o "$T/one.log" -- /bin/sh -c \
		"\"$PROGS/soak\" 3 >/dev/null; \"$PROGS/soak\" 2 >/dev/null & wait; exit 7"
	st=$?
	[ "$st" -eq 0 ] && logcheck runs "$T/one.log" 1 &&
		ok "one run: a 32-hex-digit run id on every record, start first, end last" ||
		ko "one run: run ids" "$T/why"
	logcheck end "$T/one.log" 7 - deny=5 &&
		ok "end record: status 7 as callgate's, counts equal the records per decision" ||
		ko "end record" "$T/why"
	logcheck procs "$T/one.log" &&
		ok "a process record before the first record that names each process" ||
		ko "process records" "$T/why"
	logcheck proc "$T/one.log" "$PROGS/soak" "[\"$PROGS/soak\", \"2\"]" 0 0 "$(readlink -f /bin/sh)" &&
		ok "process record: cmdline as an array, uid/gid, ppid is the shell's" ||
		ko "process record of soak" "$T/why"
fi

# 2. another user: the ids of the process record are its own
if want ids; then
	if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
		run ids 0 cg -p "$T/p.json" -o "$T/ids.log" -- /bin/sh -c \
			"setpriv --reuid=65534 --regid=65533 --clear-groups \"$PROGS/soak\" 1 'a \"b\"' >/dev/null"
		st=$?
		[ "$st" -eq 0 ] &&
			logcheck proc "$T/ids.log" "$PROGS/soak" "[\"$PROGS/soak\", \"1\", \"a \\\"b\\\"\"]" 65534 65533 "$(readlink -f /bin/sh)" &&
			logcheck procs "$T/ids.log" &&
			ok "process record of a program run as 65534:65533 (after setpriv's execve): its ids" ||
			ko "process record of another user" "$T/why"
	else
		skip "process record of another user (needs root and setpriv)"
	fi
fi

# 3. -o empties the file, --append adds to it, and the runs stay apart
if want append; then
	run first 0 cg -p "$T/p.json" -o "$T/two.log" -- "$PROGS/soak" 1 &&
		run second 3 cg -p "$T/p.json" -o "$T/two.log" --append -- /bin/sh -c "\"$PROGS/soak\" 2; exit 3"
	st=$?
	[ "$st" -eq 0 ] && logcheck runs "$T/two.log" 2 && logcheck end "$T/two.log" 3 - deny=2 &&
		ok "--append: two runs in one file, each with its own id on all its records" ||
		ko "--append: two runs in one file" "$T/why"
	run third 0 cg -p "$T/p.json" -o "$T/two.log" -- "$PROGS/soak" 4
	st=$?
	[ "$st" -eq 0 ] && logcheck runs "$T/two.log" 1 && logcheck end "$T/two.log" 0 - deny=4 &&
		ok "-o without --append: the file holds this run only" ||
		ko "-o empties the file" "$T/why"
	run append-alone 125 cg --append -- true
	check "--append without -o: an error" $? "$T/err" "--append is for -o"
fi

# 4. a command killed by a signal: status 128+N, and the signal
if want signal; then
	run signal 143 cg -p "$T/p.json" -o "$T/sig.log" -- /bin/sh -c "\"$PROGS/soak\" 1; kill -TERM \$\$"
	st=$?
	[ "$st" -eq 0 ] && logcheck end "$T/sig.log" 143 15 deny=1 &&
		ok "killed by SIGTERM: the end record says status 143, signal 15" ||
		ko "end record of a killed command" "$T/why"
fi

# 5. audit: a call of an ABI the profile does not list is logged as
#    would-kill and let through, where enforce kills it (reliability.sh)
if want would-kill; then
	echo '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"]}' >"$T/abi64.json"
	run would-kill 0 cg -m audit -p "$T/abi64.json" -o "$T/x32.log" -- "$PROGS/abi" x32 "$T/d32"
	st=$?
	# the kernel runs it: ENOSYS where it has no x32, else the directory
	grep -Eq '^(ENOSYS|ok)$' "$T/out" || st=1
	[ "$st" -eq 0 ] && logcheck end "$T/x32.log" 0 - would-kill=1 &&
		grep -F '"decision":"would-kill"' "$T/x32.log" | grep -F '"arch":"x32"' |
		grep -qF '"syscall":"mkdir"' &&
		ok "audit: an x32 call under an x86_64-only profile logged as would-kill and run ($(cat "$T/out"))" ||
		{ cat "$T/out" "$T/x32.log" >>"$T/why"; ko "audit: x32 call under an x86_64-only profile" "$T/why"; }
	run kill-enforce 159 cg -p "$T/abi64.json" -o /dev/null -- "$PROGS/abi" x32 "$T/d32e"
	status_ok "enforce: the same call killed (SIGSYS), as before" $?
fi

# 6. serve: one run id per daemon, -o appends (a restart keeps the log),
#    process records with the container id
if want serve; then
	mkdir -p "$T/pol"
	echo '{"defaultAction": "SCMP_ACT_ALLOW"}' >"$T/pol/default.json"
	cat >"$T/pol/nomkdir.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
 {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1, "paths": ["$T/no*"]}
]}
EOF
	for i in 1 2; do
		"$CALLGATE" serve --socket "$T/s.sock" --policy-dir "$T/pol" -o "$T/serve.log" 2>"$T/serve.err" &
		sv=$!
		wait_for_socket "$T/s.sock" || break
		"$AGENT" --socket "$T/s.sock" --policy-dir "$T/pol" -p nomkdir -- mkdir "$T/no$i" >"$T/out" 2>&1
		kill -TERM "$sv"
		wait "$sv"
	done
	logcheck serve "$T/serve.log" 2 && [ "$(grep -c '"decision":"deny"' "$T/serve.log")" -eq 2 ] &&
		ok "serve: -o appends, a run id per daemon, process records with the container id" ||
		{ cat "$T/serve.log" >>"$T/why"; ko "serve: run ids and process records" "$T/why"; }
fi

finish "$NAME"

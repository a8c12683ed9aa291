#!/usr/bin/env bash
# callgate serve: targets from callgate-agent and from the real runc
# (listenerPath), each decided by its own policy and logged with its
# container id; bad peers refused while the daemon keeps serving; SIGHUP
# and SIGTERM.
. "$(dirname "$0")/lib.sh"
AGENT=${AGENT:-$ROOT/build/callgate-agent}

D=$T/work
P=$T/policies
S=$T/serve.sock
mkdir -p "$D/ok" "$P"
cat >"$P/default.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
 {"names": ["mkdir", "mkdirat", "chmod", "fchmodat"], "action": "SCMP_ACT_ALLOW", "comment": "default: allowed"}
]}
EOF
cat >"$P/nomkdir.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
 {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "comment": "no directories"},
 {"names": ["chmod", "fchmodat"], "action": "SCMP_ACT_ALLOW"}
]}
EOF
cat >"$P/okdir.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
 {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ALLOW", "paths": ["$D/ok/**", "/tmp/ok/**"], "comment": "only below ok/"},
 {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1},
 {"names": ["chmod", "fchmodat"], "action": "SCMP_ACT_ALLOW"}
]}
EOF
# an agent's filter is built from its policy as `callgate run` builds one:
# what the kernel can decide stays there, path rules come to the daemon
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
# (a sanitized build: freed memory is not held back, so RSS means the same)
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0 \
	"$CALLGATE" serve --socket "$S" --policy-dir "$P" --peer-timeout 1 -o "$T/serve.log" 2>"$T/serve.err" &
sv=$!
wait_for_socket "$S"
[ -S "$S" ] && [ "$(stat -c %a "$S")" = 600 ] && ok "serve: listening, the socket is 0600" || ko "serve: listening" "$T/serve.err"

agent() { "$AGENT" --socket "$S" --policy-dir "$P" "$@"; }
# has_rec FILE EXPR: some JSON record r of FILE makes the Python expression
# EXPR true (a line still being written is skipped)
has_rec() {
	python3 - "$1" "$2" <<'PYEOF'
import json, sys
for line in open(sys.argv[1]):
    try:
        r = json.loads(line)
    except ValueError:
        continue
    if eval(sys.argv[2], {"r": r}):
        sys.exit(0)
sys.exit(1)
PYEOF
}

# rec_get FILE EXPR KEY: KEY of the first JSON record r of FILE for which
# EXPR holds; 1 if none
rec_get() {
	python3 - "$1" "$2" "$3" <<'PYEOF'
import json, sys
for line in open(sys.argv[1]):
    try:
        r = json.loads(line)
    except ValueError:
        continue
    if eval(sys.argv[2], {"r": r}):
        print(r.get(sys.argv[3], ""))
        sys.exit(0)
sys.exit(1)
PYEOF
}

# the first record of serve's log: the kernel features, as run's
if want features; then
	wait_for_file "$T/serve.log"
	head -n 1 "$T/serve.log" >"$T/first.rec"
	has_rec "$T/first.rec" 'r["event"] == "start" and r["mode"] == "enforce" and r["policy"].endswith("/default.json") and set(r["features"]) >= {"wait_killable_recv", "addfd_send", "sync_wake_up"} and r["kernel"] and r["libseccomp"]' &&
		ok "serve: the first record of the log gives the kernel features" || ko "serve: features record first" "$T/first.rec"
fi

# a second serve on the socket (or control socket) of a live one is refused
# and leaves it alone; a stale socket file is taken over
if want takeover; then
	"$CALLGATE" serve --socket "$S" --policy-dir "$P" -o "$T/second.log" 2>"$T/second.err"
	st=$?
	[ "$st" = 125 ] && grep -q "Cannot listen on $S: another callgate serve (or some other program) listens there" "$T/second.err" &&
		[ ! -e "$T/second.log" ] &&
		ok "serve: a second serve on a live one's socket is refused (status 125), its log not even opened" ||
		ko "serve: second serve on a live socket (status $st)" "$T/second.err"
	[ -S "$S" ] && ok "serve: ... and the first one's socket is still there" || ko "serve: the first socket is gone"
	run after-second 1 agent -p nomkdir -- mkdir "$D/after-second"
	check "serve: ... and the first one still serves" $? "$T/err" "Permission denied"
	# its --control on the live socket: refused, its own socket removed
	"$CALLGATE" serve --socket "$T/third.sock" --policy-dir "$P" --control "$S" -o "$T/third.log" 2>"$T/third.err"
	st=$?
	[ "$st" = 125 ] && grep -q "No control socket: $S: another callgate (or some other program) listens there" "$T/third.err" &&
		[ -S "$S" ] && [ ! -e "$T/third.sock" ] &&
		ok "serve: --control on a live socket is refused (status 125); the live one stays, its own socket is removed" ||
		ko "serve: --control on a live socket (status $st)" "$T/third.err"
	# run's --control too
	"$CALLGATE" run -p "$P/default.json" -m interactive --control "$S" -- true >"$T/run-ctl.out" 2>"$T/run-ctl.err" </dev/null
	grep -q "$S: another callgate (or some other program) listens there" "$T/run-ctl.err" && [ -S "$S" ] &&
		ok "run: --control on a live socket is not taken over" || ko "run: --control on a live socket" "$T/run-ctl.err"
	run after-run 1 agent -p nomkdir -- mkdir "$D/after-run"
	check "serve: ... and serve still serves on it" $? "$T/err" "Permission denied"

	# a stale socket file (its daemon killed) is taken over
	S4=$T/stale.sock
	python3 -c "import socket, sys; s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])" "$S4"
	[ -S "$S4" ] || ko "stale socket made"
	"$CALLGATE" serve --socket "$S4" --policy-dir "$P" -o "$T/stale.log" 2>"$T/stale.err" &
	sv4=$!
	took_over() { grep -q "Serving on $S4" "$T/stale.err"; }
	wait_for "serve to take the stale socket over" 30 took_over
	"$AGENT" --socket "$S4" --policy-dir "$P" -p nomkdir -- mkdir "$D/stale" 2>"$T/stale-agent.err"
	[ $? = 1 ] && grep -q "Permission denied" "$T/stale-agent.err" &&
		ok "serve: a stale socket file is taken over and served" || ko "serve: stale socket" "$T/stale.err"
	# a socket file that another serve replaced is not its to remove
	mv "$S4" "$T/stale-moved.sock"
	python3 -c "import socket, sys; s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])" "$S4"
	kill -TERM "$sv4"
	wait "$sv4"
	[ -S "$S4" ] && [ -S "$T/stale-moved.sock" ] &&
		ok "serve: at exit, a socket file it did not bind is left alone" || ko "serve: removed a socket not its own" "$T/stale.err"
	# three started at once on one path: one serves, two are refused
	S6=$T/race.sock
	pids=
	for i in 1 2 3; do
		"$CALLGATE" serve --socket "$S6" --policy-dir "$P" -o "$T/race$i.log" 2>"$T/race$i.err" &
		pids="$pids $!"
	done
	race_settled() { [ "$(cat "$T"/race?.err | grep -c "Cannot listen on $S6")" -ge 2 ] && [ "$(cat "$T"/race?.err | grep -c "Serving on $S6")" -ge 1 ]; }
	poll_until 30 race_settled
	served=$(cat "$T"/race?.err | grep -c "Serving on $S6")
	refused=$(cat "$T"/race?.err | grep -c "Cannot listen on $S6: another callgate serve")
	"$AGENT" --socket "$S6" --policy-dir "$P" -p nomkdir -- mkdir "$D/race" 2>"$T/race-agent.err"
	[ "$served" = 1 ] && [ "$refused" = 2 ] && grep -q "Permission denied" "$T/race-agent.err" &&
		ok "serve: three started at once on one socket: one serves, two are refused" ||
		ko "serve: three at once ($served serve, $refused refused)" "$T/race-agent.err"
	kill -TERM $pids 2>/dev/null
	wait $pids 2>/dev/null
	[ ! -e "$S6" ] && ok "serve: ... and the one that served removes its socket at exit" || ko "serve: race socket left"

	# a file that is not a socket
	touch "$T/plain"
	"$CALLGATE" serve --socket "$T/plain" --policy-dir "$P" -o "$T/plain.log" 2>"$T/plain.err"
	st=$?
	[ "$st" = 125 ] && grep -q "a file that is not a socket is there" "$T/plain.err" && [ -f "$T/plain" ] &&
		ok "serve: a file that is not a socket is refused (status 125) and kept" || ko "serve: non-socket file (status $st)" "$T/plain.err"
fi

# lifecycle records: served, ended with counts, refused (and why)
if want lifecycle; then
	agent -p okdir -- sh -c "mkdir '$D/ok/life' && mkdir '$D/life-no'" >"$T/life.out" 2>&1
	life_denied() { lpid=$(rec_get "$T/serve.log" 'r.get("decision") == "deny" and r.get("path") == "'"$D/life-no"'"' container_pid) && [ -n "$lpid" ]; }
	lpid=
	wait_for "the denial of the target" 30 life_denied
	life_served() { has_rec "$T/serve.log" 'r.get("event") == "served" and r["container"] == "agent-'"$lpid"'" and r["container_pid"] == '"$lpid"' and r["policy"] == "okdir" and r["mode"] == "enforce" and r["peer_pid"] > 0 and r["peer_uid"] == 0'; }
	life_ended() { has_rec "$T/serve.log" 'r.get("event") == "ended" and r["container"] == "agent-'"$lpid"'" and r["policy"] == "okdir" and r["decisions"]["deny"] == 1 and r["decisions"]["emulated"] == 1 and r["notifications"] >= 2 and set(r["decisions"]) >= {"allow", "deny", "would-deny", "kill", "emulated", "ask"} and "gone" not in r["decisions"]'; }
	[ -n "$lpid" ] && poll_until 30 life_served && ok "serve: a \"served\" record (container, pid, policy, mode, peer)" ||
		ko "serve: served record (pid '$lpid')" "$T/serve.log"
	[ -n "$lpid" ] && poll_until 30 life_ended && ok "serve: an \"ended\" record with counts per decision" ||
		ko "serve: ended record" "$T/serve.log"
	# a policy serve does not have: refused, its calls fail with ENOSYS
	mkdir -p "$T/agent-only"
	cp "$P/okdir.json" "$T/agent-only/only-agent.json" # mkdir notified
	"$AGENT" --socket "$S" --policy-dir "$T/agent-only" -p only-agent -- mkdir "$D/unserved" 2>"$T/unserved.err"
	grep -q "Function not implemented" "$T/unserved.err" && ok "serve: a refused listener's calls fail with ENOSYS" ||
		ko "serve: refused listener" "$T/unserved.err"
	life_refused() { has_rec "$T/serve.log" 'r.get("event") == "refused" and r.get("container", "").startswith("agent-") and r["container_pid"] > 0 and "only-agent" in r["reason"] and r["effect"] == "its notified calls fail with ENOSYS" and r["peer_pid"] > 0'; }
	poll_until 30 life_refused && ok "serve: a \"refused\" record says why and what it means (unknown policy)" ||
		ko "serve: refused record" "$T/serve.log"
fi

# ended N: the daemon has noticed the end of N targets in all
ended() { has_line "$T/serve.err" "Target .* ended" "$1"; }
n_ended() { grep -c "Target .* ended" "$T/serve.err"; }
# reloaded N: the daemon has read its policy directory again N times
reloaded() { has_line "$T/serve.err" "will be read again" "$1"; }
if want agents; then
	run agent-deny 1 agent -p nomkdir -- mkdir "$D/a"
	check "agent: a policy's denial (EACCES)" $? "$T/err" "Permission denied"
	run agent-allow 0 agent -p default -- sh -c "mkdir '$D/b' && chmod 700 '$D/b' && echo made"
	check "agent: allowed by another policy" $? "$T/out" "^made$"
	run agent-path 0 agent -p okdir -- sh -c "mkdir '$D/ok/c' && echo in; mkdir '$D/no' 2>/dev/null || echo out-refused"
	check "agent: a path rule allows below ok/" $? "$T/out" "^in$"
	check "agent: ... and refuses elsewhere" 0 "$T/out" "^out-refused$"
	# (the log is flushed once per loop iteration: the record comes, soon)
	logged_with_id() {
		grep '"decision":"deny"' "$T/serve.log" | grep '"path":"'"$D/no"'"' | grep -q '"container":"agent-'
	}
	poll_until 30 logged_with_id && ok "serve: records carry the container id" ||
		ko "serve: records carry the container id" "$T/serve.log"
fi

# 20 agents at once, two policies; twice, the first to warm the daemon up
if want concurrent; then
	batch() {
	for i in $(seq 20); do
		if [ $((i % 2)) = 0 ]; then pol=nomkdir; else pol=default; fi
		(agent -p "$pol" -- sh -c "for j in 1 2 3 4 5; do mkdir '$D/m$i-'\$j 2>/dev/null; done; ls -d '$D'/m$i-* 2>/dev/null | wc -l" >"$T/agent$i.out" 2>&1) &
	done
	wait $(jobs -p | grep -v "^$sv$") 2>/dev/null
	}
	n0=$(n_ended)
	batch
	wait_for "the daemon to notice 20 ends" 60 ended $((n0 + 20))
	rm -rf "$D"/m*
	base=$(rss "$sv")
	batch
	good=0
	for i in $(seq 20); do
		want=$([ $((i % 2)) = 0 ] && echo 0 || echo 5)
		[ "$(tr -d ' ' <"$T/agent$i.out")" = "$want" ] && good=$((good + 1))
	done
	[ "$good" = 20 ] && ok "serve: 20 concurrent agents, each decided by its own policy" ||
		ko "serve: 20 concurrent agents: $good right" "$T/serve.err"
	poll_until 60 ended $((n0 + 40)) && ok "serve: every target's end is noticed" || ko "serve: target ends" "$T/serve.err"
	# (the memory of a target is freed when its end is noticed)
	rss_back() { [ "$(rss "$sv")" -le $((base + 1024)) ]; }
	poll_until 30 rss_back
	after=$(rss "$sv")
	[ "$after" -le $((base + 1024)) ] && ok "serve: memory back to its baseline after they exit (${base} -> ${after} KiB)" ||
		ko "serve: memory after 20 agents: ${base} -> ${after} KiB"
fi

# bad peers: refused with a log line, the daemon keeps serving
if want bad-peers; then
	refused=$(grep -c "Refused the peer" "$T/serve.err")
	python3 - "$S" >"$T/bad.out" 2>&1 <<'PYEOF'
import os, socket, sys, time, json
path = sys.argv[1]
def peer(data, fds=(), hang=False):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    try:
        if fds:
            socket.send_fds(s, [data], list(fds))
        elif data:
            s.sendall(data)
        if hang:  # until the daemon gives up on it (--peer-timeout 1)
            s.settimeout(60)
            s.recv(1)
    except OSError as e:
        print("send", e)
    s.close()
msg = lambda fds: json.dumps({"ociVersion": "1.0.2", "fds": fds, "pid": 1, "metadata": "",
                              "state": {"ociVersion": "1.0.2", "id": "bad", "status": "running", "pid": 1, "bundle": ""}}).encode()
r, w = os.pipe()
peer(b"this is not json", [r])
peer(msg(["seccompFd"]))                      # no fd
peer(msg(["seccompFd"]), [r, w])              # two fds, one named
peer(msg(["seccompFd"]), [r])                 # not a seccomp listener
peer(b"{" + b" " * (1 << 20) + b"}", [r])     # 1 MiB
peer(msg(["seccompFd"])[:40], [r])            # truncated
peer(b"", hang=True)                          # connects and hangs
print("done")
PYEOF
	poll_until 30 has_line "$T/serve.err" "Refused the peer" $((refused + 7))
	refused=$(($(grep -c "Refused the peer" "$T/serve.err") - refused))
	grep -q "^done$" "$T/bad.out" && [ "$refused" -ge 7 ] &&
		ok "serve: garbage, no fd, two fds, a non-seccomp fd, 1 MiB, truncated, a hanging peer: all refused and logged" ||
		ko "serve: bad peers ($refused refusals)" "$T/serve.err"
	kill -0 "$sv" 2>/dev/null && ok "serve: still running after the bad peers" || ko "serve: still running"
	run agent-after 1 agent -p nomkdir -- mkdir "$D/after"
	check "serve: still serving after the bad peers" $? "$T/err" "Permission denied"
fi

# SIGHUP: a running target keeps the policy it started with (it makes its
# second call once the daemon has read the changed policy again)
if want sighup; then
	cp "$P/okdir.json" "$P/hup.json"
	agent -p hup -- sh -c "mkdir '$D/ok/h1' && echo h1; $(await_code "$T/hup-go"); mkdir '$D/ok/h2' && echo h2-kept" >"$T/hup.out" 2>&1 &
	hupper=$!
	wait_for_line "$T/hup.out" "^h1$"
	sed -i "s|\"$D/ok/\*\*\"|\"/nonexistent/**\"|" "$P/hup.json"
	n=$(grep -c "will be read again" "$T/serve.err")
	kill -HUP "$sv"
	wait_for "the daemon to read its policies again" 30 reloaded $((n + 1))
	touch "$T/hup-go"
	wait "$hupper"
	grep -q "^h1$" "$T/hup.out" && grep -q "^h2-kept$" "$T/hup.out" &&
		ok "serve: after SIGHUP a running target keeps the policy it started with" || ko "serve: running target keeps its policy" "$T/hup.out"
	run hup-new 1 agent -p hup -- mkdir "$D/ok/h3"
	check "serve: ... and a new target gets the policy as it is now" $? "$T/err" "Operation not permitted"

	# SIGHUP: the policy directory is read again for new targets
	sed -i 's/"errnoRet": 13/"errnoRet": 1/' "$P/nomkdir.json"
	n=$(grep -c "will be read again" "$T/serve.err")
	kill -HUP "$sv"
	wait_for "the daemon to read its policies again" 30 reloaded $((n + 1))
	run agent-reloaded 1 agent -p nomkdir -- mkdir "$D/reloaded"
	check "serve: after SIGHUP new targets get the policy as it is now (EPERM)" $? "$T/err" "Operation not permitted"
	grep -q "keep the policy they started with" "$T/serve.err" && ok "serve: the log says running targets keep theirs" ||
		ko "serve: reload logged" "$T/serve.err"
	reload_rec() { has_rec "$T/serve.log" 'r.get("event") == "reload" and {"policy": "nomkdir", "change": "changed"} in r["policies"] and {"policy": "default", "change": "unchanged"} in r["policies"]'; }
	poll_until 30 reload_rec && ok "serve: a \"reload\" record says which policies changed" || ko "serve: reload record" "$T/serve.log"
	echo '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [' >"$P/broken.json"
	rm "$P/hup.json"
	n=$(grep -c "will be read again" "$T/serve.err")
	kill -HUP "$sv"
	wait_for "the daemon to read its policies again" 30 reloaded $((n + 1))
	reload_fail() { has_rec "$T/serve.log" 'r.get("event") == "reload" and any(p["policy"] == "broken" and p["change"] == "failed" and "broken.json:" in p["error"] for p in r["policies"]) and {"policy": "hup", "change": "removed"} in r["policies"]'; }
	poll_until 30 reload_fail && ok "serve: ... and which failed (with the error) or were removed" || ko "serve: reload record of a broken policy" "$T/serve.log"
	rm "$P/broken.json"
fi

# the real runc (and crun where it is installed), with listenerPath
if want runc; then
	runtime_test() {
		local rt=$1 B=$T/bundle-$1 n good
		mkdir -p "$B/rootfs/bin" "$B/rootfs/tmp/ok" "$B/rootfs/proc" "$B/rootfs/dev" "$B/rootfs/cgdata"
		cp /bin/busybox "$B/rootfs/bin/busybox"
		for t in sh mkdir chmod ls echo cat; do ln -s busybox "$B/rootfs/bin/$t"; done
		echo inside >"$B/rootfs/cgdata/a"
		(cd "$B" && runc spec) # the same config.json for both runtimes
		python3 - "$P/okdir.json" "$P/ctr.json" <<'PYEOF2'
import json, sys
p = json.load(open(sys.argv[1]))
p["syscalls"] += [
    {"names": ["open", "openat"], "action": "SCMP_ACT_ALLOW", "paths": ["/cgdata/**", "/dev/**", "/proc/**", "/etc/**"]},
    {"names": ["open", "openat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]
json.dump(p, open(sys.argv[2], "w"))
PYEOF2
		python3 - "$B/config.json" "$S" <<'PYEOF2'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["terminal"] = False
c["process"]["args"] = ["sh", "-c", "mkdir /tmp/ok/x && echo made-ok; mkdir /tmp/no 2>/dev/null || echo refused-no; chmod 700 /tmp/ok && echo chmod-ok; cat /cgdata/a; cat /bin/busybox >/dev/null 2>&1 || echo open-refused"]
c["root"]["readonly"] = False
c["linux"]["seccomp"] = {
    "defaultAction": "SCMP_ACT_ALLOW",
    "listenerPath": sys.argv[2],
    "listenerMetadata": "policy=ctr",
    "architectures": ["SCMP_ARCH_X86_64"],
    "syscalls": [{"names": ["mkdir", "mkdirat", "chmod", "fchmodat", "open", "openat"], "action": "SCMP_ACT_NOTIFY"}],
}
json.dump(c, open(sys.argv[1], "w"))
PYEOF2
		# does this runtime run containers on this machine at all?
		mkdir -p "$T/probe-$rt"
		python3 -c "
import json, sys
c = json.load(open('$B/config.json')); c['linux'].pop('seccomp'); c['process']['args'] = ['echo', 'probe']
c['root']['path'] = '$B/rootfs'
json.dump(c, open('$T/probe-$rt/config.json', 'w'))"
		if ! (cd "$T/probe-$rt" && timeout 30 "$rt" --root "$T/$rt" run "cg-probe-$rt" >/dev/null 2>"$T/probe-$rt.err"); then
			skip "$rt: cannot run a container on this machine ($(head -n 1 "$T/probe-$rt.err"))"
			return
		fi
		for n in 1 2 3; do
			(cd "$B" && timeout 30 "$rt" --root "$T/$rt" run "cg-$rt-$n" >"$T/$rt$n.out" 2>"$T/$rt$n.err") &
		done
		wait $(jobs -p | grep -v "^$sv$") 2>/dev/null
		good=0
		for n in 1 2 3; do
			grep -q "^refused-no$" "$T/$rt$n.out" && grep -q "^chmod-ok$" "$T/$rt$n.out" && good=$((good + 1))
		done
		[ "$good" = 3 ] && ok "$rt: 3 containers at once, their calls decided by callgate (path rule in the container's root)" ||
			ko "$rt: containers ($good of 3)" "$T/${rt}1.err"
		grep -c "made-ok" "$T/$rt"[123].out | grep -q ":1" && ok "$rt: an allowed mkdir inside the container" ||
			ko "$rt: allowed mkdir" "$T/${rt}1.out"
		[ ! -e /cgdata ] && grep -q "^inside$" "$T/${rt}1.out" && grep -q "^open-refused$" "$T/${rt}1.out" &&
			ok "$rt: an emulated open reads the container's own file (its mount namespace); others refused" ||
			ko "$rt: emulated open in the container" "$T/${rt}1.err"
		ctr_logged() { grep "\"container\":\"cg-$rt-" "$T/serve.log" | grep -q '"decision":"deny"'; }
		poll_until 30 ctr_logged && ok "$rt: records carry the container id the runtime gave" ||
			ko "$rt: container id in the records" "$T/serve.log"
		poll_until 30 has_line "$T/serve.err" "Target cg-$rt-.* ended" 3 && ok "$rt: container exit cleans up" ||
			ko "$rt: container exit" "$T/serve.err"
		for n in 1 2 3; do "$rt" --root "$T/$rt" delete -f "cg-$rt-$n" >/dev/null 2>&1; done
	}
	if [ "$(id -u)" -eq 0 ] && command -v runc >/dev/null && [ -x /bin/busybox ] && python3 -c 1; then
		runtime_test runc
		if command -v crun >/dev/null; then runtime_test crun; else skip "crun containers (crun not installed)"; fi
	else
		skip "runc containers (need root, runc, busybox-static and python3)"
	fi
fi

# --control: SCMP_ACT_NOTIFY calls of the targets asked through callgate ctl
cat >"$P/ask.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
 {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1, "paths": ["$D/prov-denied"]},
 {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY", "comment": "ask the operator"}
]}
EOF
if want control; then
	S2=$T/serve2.sock C2=$T/serve2.ctl
	"$CALLGATE" serve --socket "$S2" --policy-dir "$P" --control "$C2" --ask-timeout 20 -o "$T/serve2.log" 2>"$T/serve2.err" &
	sv2=$!
	wait_for_socket "$C2"
	"$AGENT" --socket "$S2" --policy-dir "$P" -p ask -- sh -c "
	mkdir '$D/asked' && echo asked-allowed
	'$CALLGATE' ctl --control '$C2' list; echo self-ctl=\$?" >"$T/ask.out" 2>"$T/ask.err" &
	ag=$!
	asked() { "$CALLGATE" ctl --control "$C2" list >"$T/list2" 2>/dev/null && grep -q '^{"id":' "$T/list2"; }
	wait_for "the target's question" 30 asked
	id=$(sed -nE '1s/^\{"id":([0-9]+),.*/\1/p' "$T/list2")
	grep -q '"container":"agent-' "$T/list2" && grep -q '"comment":"ask the operator"' "$T/list2" &&
		ok "serve --control: a target's SCMP_ACT_NOTIFY call waits, listed with its container" ||
		ko "serve --control: the question" "$T/list2"
	"$CALLGATE" ctl --control "$C2" allow "$id" >/dev/null
	wait "$ag"
	grep -q "^asked-allowed$" "$T/ask.out" && ok "serve --control: allowed by the operator" || ko "serve --control: allowed" "$T/ask.out"
	grep -q "self-ctl=1" "$T/ask.out" && grep -q "supervised process" "$T/ask.err" &&
		ok "serve --control: a served target cannot answer questions" || ko "serve --control: a target is refused" "$T/ask.err"

	# an operator's deny: the same provenance as the policy's denials
	"$AGENT" --socket "$S2" --policy-dir "$P" -p ask -- mkdir "$D/prov-denied" 2>/dev/null
	"$AGENT" --socket "$S2" --policy-dir "$P" -p ask -- mkdir "$D/prov-asked" >/dev/null 2>"$T/prov.err" &
	ag=$!
	asked_about() { "$CALLGATE" ctl --control "$C2" list >"$T/list-$1" 2>/dev/null && grep -F "$D/$1" "$T/list-$1" >"$T/q-$1"; }
	wait_for "the question about prov-asked" 30 asked_about prov-asked
	id=$(sed -nE '1s/^\{"id":([0-9]+),.*/\1/p' "$T/q-prov-asked")
	"$CALLGATE" ctl --control "$C2" deny "$id" >/dev/null
	wait "$ag"
	denied_by_ctl() { has_rec "$T/serve2.log" 'r.get("decision") == "deny" and r.get("path") == "'"$D/prov-asked"'" and r.get("reason") == "ctl: deny" and r.get("provenance") == "emulated"'; }
	denied_by_policy() { has_rec "$T/serve2.log" 'r.get("decision") == "deny" and r.get("path") == "'"$D/prov-denied"'" and r.get("rule") == 0 and r.get("provenance") == "emulated"'; }
	grep -q "Operation not permitted" "$T/prov.err" && poll_until 30 denied_by_ctl && denied_by_policy &&
		ok "serve --control: a refusal by the operator is logged \"emulated\", as the policy's are" ||
		ko "serve --control: provenance of an operator's deny" "$T/serve2.log"

	# the caller of a pending question killed: its question closed in the log
	# (its shell stays, so the target is still served when the question's
	# caller is found gone)
	"$AGENT" --socket "$S2" --policy-dir "$P" -p ask -- sh -c "mkdir '$D/gone-q'; $(await_code "$T/gone-go")" >/dev/null 2>&1 &
	ag=$!
	wait_for "the question about gone-q" 30 asked_about gone-q
	qpid=$(sed -nE '1s/.*"pid":([0-9]+),.*/\1/p' "$T/q-gone-q")
	kill -KILL "$qpid"
	gone_rec() { has_rec "$T/serve2.log" 'r.get("decision") == "gone" and r.get("path") == "'"$D/gone-q"'" and r["pid"] == '"${qpid:-0}"' and r["container"].startswith("agent-") and "went away" in r["reason"]'; }
	poll_until 30 gone_rec && ok "serve --control: a question whose caller was killed gets a closing \"gone\" record" ||
		ko "serve --control: closing record (pid '$qpid')" "$T/serve2.log"
	touch "$T/gone-go"
	wait "$ag"
	kill -TERM "$sv2"
	wait "$sv2"
fi

# --log-format text: each line of a target starts with its container id
if want text-log; then
	S5=$T/serve5.sock
	"$CALLGATE" serve --socket "$S5" --policy-dir "$P" --log-format text -o "$T/serve5.log" 2>"$T/serve5.err" &
	sv5=$!
	wait_for_socket "$S5"
	"$AGENT" --socket "$S5" --policy-dir "$P" -p okdir -- mkdir "$D/text-no" 2>/dev/null
	text_line() { grep -Eq '^\[agent-[0-9]+\] \[pid [0-9]+<mkdir>\] mkdir\("'"$D/text-no"'", 0777\) = -1 EPERM \(rule 1, emulated\)$' "$T/serve5.log"; }
	poll_until 30 text_line && ok "serve --log-format text: a target's lines start with [its container id]" ||
		ko "serve: container id in text lines" "$T/serve5.log"
	kill -TERM "$sv5"
	wait "$sv5"
	! grep -q '"event"' "$T/serve5.log" && ok "serve --log-format text: lifecycle records are JSON only" ||
		ko "serve: text log has JSON records" "$T/serve5.log"
fi

# --control: a target's process that left its parent (double fork, setsid,
# its parent gone; then its agent killed) still cannot use the control
# socket; the operator outside still can.  The helper tries once the test
# says so, with the id of the target's pending question.
if want control-orphan; then
	S3=$T/serve3.sock C3=$T/serve3.ctl
	"$CALLGATE" serve --socket "$S3" --policy-dir "$P" --control "$C3" --ask-timeout 60 -o "$T/serve3.log" 2>"$T/serve3.err" &
	sv3=$!
	wait_for_socket "$C3"
	# helper N: what the orphan N runs (its outputs in $T/orphanN.*)
	helper() {
		cat >"$T/helper$1.sh" <<EOF
$(await_code "$T/orphan$1-go")
echo "ppid=\$(cut -d' ' -f4 /proc/\$\$/stat)"
id=\$(cat '$T/orphan$1-id')
'$CALLGATE' ctl --control '$C3' allow "\$id"; echo "allow-status=\$?"
'$CALLGATE' ctl --control '$C3' list; echo "list-status=\$?"
EOF
	}
	# orphan_asked DIR: the question about mkdir DIR is pending (its id in $id)
	orphan_asked() {
		"$CALLGATE" ctl --control "$C3" list >"$T/list3" 2>/dev/null && grep -F "$1" "$T/list3" >"$T/q3" &&
			id=$(sed -nE '1s/^\{"id":([0-9]+),.*/\1/p' "$T/q3") && [ -n "$id" ]
	}
	# try_orphan N DIR: the orphan N tries while the question about DIR
	# waits; then the operator allows it (status in $op)
	try_orphan() {
		id=
		wait_for "the question about $2" 30 orphan_asked "$2"
		echo "$id" >"$T/orphan$1-id"
		touch "$T/orphan$1-go"
		wait_for_line "$T/orphan$1.out" "^list-status="
		"$CALLGATE" ctl --control "$C3" allow "$id" >"$T/op$1.out" 2>&1
		op=$?
	}

	helper 1
	"$AGENT" --socket "$S3" --policy-dir "$P" -p ask -- sh -c "
	( setsid sh '$T/helper1.sh' >'$T/orphan1.out' 2>'$T/orphan1.err' & )
	mkdir '$D/orphaned1' && echo allowed-by-the-operator" >"$T/ag3.out" 2>&1 &
	ag=$!
	try_orphan 1 "$D/orphaned1"
	wait "$ag"
	grep -q "^ppid=$ag$" "$T/orphan1.out" && grep -q "^allow-status=1$" "$T/orphan1.out" &&
		grep -q "^list-status=1$" "$T/orphan1.out" &&
		[ "$(grep -c "supervised process (a descendant of the process that handed a target over)" "$T/orphan1.err")" = 2 ] &&
		ok "serve --control: a target's orphan (double fork, setsid, adopted by the agent) can neither allow nor list" ||
		ko "serve --control: a target's orphan is refused" "$T/orphan1.out" "$T/orphan1.err"
	[ "$op" = 0 ] && grep -q "^allowed-by-the-operator$" "$T/ag3.out" &&
		ok "serve --control: ... and the operator outside answers" || ko "serve --control: the operator answers" "$T/op1.out"

	# the target kills its agent first: its orphans go to init
	helper 2
	# (in a subshell of its own, quiet: no word from the shell on the kill)
	(
		"$AGENT" --socket "$S3" --policy-dir "$P" -p ask -- sh -c "
		( setsid sh '$T/helper2.sh' >'$T/orphan2.out' 2>'$T/orphan2.err' & )
		kill -KILL \$PPID
		mkdir '$D/orphaned2' && echo allowed-after-the-agent >'$T/target2.out'" >/dev/null 2>&1 &
		echo "$!" >"$T/agent2.pid"
		wait "$!"
		echo "$?" >"$T/agent2.st"
	) 2>/dev/null &
	sub=$!
	wait_for_file "$T/agent2.pid"
	ag=$(cat "$T/agent2.pid")
	try_orphan 2 "$D/orphaned2"
	wait "$sub"
	agent_st=$(cat "$T/agent2.st")
	wait_for_file "$T/target2.out"
	[ "$agent_st" = 137 ] && grep -q "^ppid=" "$T/orphan2.out" && ! grep -q "^ppid=$ag$" "$T/orphan2.out" &&
		grep -q "^allow-status=1$" "$T/orphan2.out" && grep -q "^list-status=1$" "$T/orphan2.out" &&
		[ "$(grep -c "supervised process (under a seccomp filter while a served target's agent is gone)" "$T/orphan2.err")" = 2 ] &&
		ok "serve --control: ... nor once the target has killed its agent (the orphan reparented away)" ||
		ko "serve --control: an orphan after its agent is killed is refused (agent status $agent_st)" "$T/orphan2.err"
	[ "$op" = 0 ] && grep -q "^allowed-after-the-agent$" "$T/target2.out" &&
		ok "serve --control: ... and the operator still answers" || ko "serve --control: the operator answers" "$T/op2.out"
	kill -TERM "$sv3"
	wait "$sv3"
fi

if want sigterm; then
	agent -p okdir -- mkdir "$D/last" 2>/dev/null # a record for the log to end with
	kill -TERM "$sv"
	wait "$sv"
	st=$?
	[ "$st" = 0 ] && [ ! -e "$S" ] && ok "serve: SIGTERM ends it cleanly (status 0, socket removed)" || ko "serve: SIGTERM (status $st)" "$T/serve.err"
	tail -c 1 "$T/serve.log" | od -c | grep -q '\\n' && ok "serve: the log ends with a whole record" || ko "serve: log flushed"
fi

[ -n "${KEEP:-}" ] && cp -r "$T" "$KEEP"; finish serve

#!/usr/bin/env bash
# callgate run --record: profiles written from what real programs did, that
# load, are Docker profiles without the extension keys, and run the same
# programs again (and nothing else).
. "$(dirname "$0")/lib.sh"

D=$T/work
mkdir -p "$D/tree/a/b"
echo one >"$D/tree/a/f1"
echo two >"$D/tree/a/b/f2"

# strip_ext IN OUT: the profile without callgate's keys, as Docker reads it
strip_ext() {
	python3 - "$1" "$2" <<'PYEOF'
import json, sys
p = json.load(open(sys.argv[1]))
for r in p.get("syscalls", []):
    for k in ("paths", "addresses", "log", "audit"):
        r.pop(k, None)
p.pop("advisory", None)
json.dump(p, open(sys.argv[2], "w"), indent=2)
PYEOF
}

# workload NAME CMD...: record it with no restriction, then run it again
# under the recorded profile and compare what it printed
workload() {
	local name=$1
	shift
	run "rec-$name" 0 "$CALLGATE" run -p none --record "$T/$name.json" -o /dev/null -- "$@"
	status_ok "$name: recorded" $?
	cp "$T/out" "$T/$name.first"
	run "check-$name" 0 "$CALLGATE" check --strict "$T/$name.json"
	status_ok "$name: the recorded profile passes callgate check --strict" $?
	strip_ext "$T/$name.json" "$T/$name.docker.json" && "$CALLGATE" check --strict "$T/$name.docker.json" >/dev/null 2>&1 &&
		ok "$name: without the extension keys it is a valid Docker profile" ||
		ko "$name: without the extension keys" "$T/$name.json"
	run "replay-$name" 0 "$CALLGATE" run -p "$T/$name.json" -o "$T/$name.replay.log" -- "$@"
	if [ $? -eq 0 ] && cmp -s "$T/out" "$T/$name.first"; then
		ok "$name: runs again under its recorded profile, same output"
	else
		ko "$name: replay under the recorded profile" "$T/err"
	fi
}

if want ls; then
	workload ls ls -R "$D/tree"
fi
if want cat; then
	workload cat cat "$D/tree/a/f1" "$D/tree/a/b/f2"

	# what the profile allows is what was recorded
	run not-recorded 1 "$CALLGATE" run -p "$T/cat.json" -o "$T/nr.log" -- cat /etc/hostname
	[ $? -eq 0 ] && [ ! -s "$T/out" ] && grep '"decision":"deny"' "$T/nr.log" | grep -q '"path":"/etc/hostname"' &&
		ok "cat: a file it did not read is refused under its profile" || ko "cat: a file it did not read" "$T/nr.log"
	run not-recorded-exec 126 "$CALLGATE" run -p "$T/cat.json" -o /dev/null -- mkdir "$D/new"
	[ $? -eq 0 ] && [ ! -e "$D/new" ] && ok "cat: another program cannot even be executed under its profile" ||
		ko "cat: another program is refused" "$T/err"

	# stable: the same program recorded twice gives the same rules
	run rec-again 0 "$CALLGATE" run -p none --record "$T/cat2.json" -o /dev/null -- cat "$D/tree/a/f1" "$D/tree/a/b/f2"
	python3 - "$T/cat.json" "$T/cat2.json" >"$T/out" 2>&1 <<'PYEOF' && ok "cat recorded twice: the same rules in the same order" || ko "recorded twice" "$T/out"
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
strip = lambda p: [{k: v for k, v in r.items() if k != "comment"} for r in p["syscalls"]]
assert strip(a) == strip(b), (strip(a), strip(b))
PYEOF
fi

if want sh; then
	workload sh sh -c "cd '$D/tree' && cat a/f1 > '$D/tree/copy' && wc -c < '$D/tree/copy'"
fi
if want python; then
	if [ -x /usr/bin/python3 ]; then
		workload python /usr/bin/python3 -c "
import socket, os
for fam in (socket.AF_INET, socket.AF_UNIX, socket.AF_INET6):
    socket.socket(fam).close()
print(sorted(os.listdir('$D/tree')))"
		python3 - "$T/python.json" >"$T/out" 2>&1 <<'PYEOF' && ok "python: socket families as separate SCMP_CMP_EQ rules" || ko "python: socket families" "$T/out"
import json, sys
p = json.load(open(sys.argv[1]))
fams = sorted(r["args"][0]["value"] for r in p["syscalls"] if r["names"] == ["socket"])
assert fams == [1, 2, 10], fams
for r in p["syscalls"]:
    if r["names"] == ["socket"]:
        assert r["args"][0]["op"] == "SCMP_CMP_EQ" and r["args"][0]["index"] == 0, r
    assert r.get("comment"), r
PYEOF
		run other-family 1 "$CALLGATE" run -p "$T/python.json" -o /dev/null -- /usr/bin/python3 -c "
import socket
socket.socket(socket.AF_NETLINK, socket.SOCK_RAW)"
		check "python: an unrecorded socket family is refused (EPERM)" $? "$T/err" "PermissionError|Operation not permitted"
	else
		skip "python workload (no /usr/bin/python3)"
	fi
fi

# under a policy and a mode: audit the default policy while recording
if want options; then
	run rec-audit 0 "$CALLGATE" run -m audit --record "$T/audit.json" -o "$T/audit.log" -- ls "$D/tree"
	[ $? -eq 0 ] && "$CALLGATE" check "$T/audit.json" >/dev/null 2>&1 &&
		ok "--record with -m audit and the default policy" || ko "--record with -m audit" "$T/err"
	run rec-bad 125 "$CALLGATE" run -p none --record "$D/no/such/dir/p.json" -o /dev/null -- true
	check "--record to a path that cannot be written: reported, status 125" $? "$T/err" "Cannot write"
fi

finish record

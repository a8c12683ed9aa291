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

# ---- real workloads: record a first run, replay a second ----------------
# replay NAME SETUP SCRIPT: SETUP (shell text) fills a fresh work directory
# $T/wd-NAME; SCRIPT runs in it under bash.  A first run is recorded (-p
# none), the directory is made again, fresh, at the same path (a recorded
# profile names absolute paths: see README, "Recording a profile"), and the
# second run, under the recorded profile in enforce mode, must succeed with
# the same output and no call refused, and, recorded too, give the same
# profile (nothing in it depends on the run); then something the workload
# never did (create a file next to its work directory) must be refused.
replay() {
	local name=$1 setup=$2 script=$3 w=$T/wd-$1
	printf '%s\n' "$script" >"$T/$name.sh"
	rm -rf "$w" && mkdir "$w" && (cd "$w" && eval "$setup")
	(cd "$w" && run "rec-$name" 0 "$CALLGATE" run -p none --record "$T/$name.json" -o /dev/null -- \
		/bin/bash "$T/$name.sh")
	status_ok "$name: recorded" $?
	cp "$T/out" "$T/$name.first"
	rm -rf "$w" && mkdir "$w" && (cd "$w" && eval "$setup")
	(cd "$w" && run "replay-$name" 0 "$CALLGATE" run -p "$T/$name.json" -m enforce \
		--record "$T/$name.again.json" -o "$T/$name.replay.log" -- /bin/bash "$T/$name.sh")
	if [ $? -eq 0 ] && cmp -s "$T/out" "$T/$name.first" && ! grep -q '"decision":"deny"' "$T/$name.replay.log"; then
		ok "$name: a second run replays unbroken under the profile recorded from the first"
	else
		grep '"decision":"deny"' "$T/$name.replay.log" | head -5 >>"$T/err"
		ko "$name: replay under the recorded profile" "$T/err"
	fi
	(cd "$w" && run "never-$name" 1 "$CALLGATE" run -p "$T/$name.json" -o "$T/$name.never.log" -- \
		/bin/bash -c "echo x > '$T/never-$name'")
	[ $? -eq 0 ] && [ ! -e "$T/never-$name" ] &&
		grep '"decision":"deny"' "$T/$name.never.log" | grep -q "\"path\":\"$T/never-$name\"" &&
		ok "$name: a file it never created is refused under its profile" ||
		ko "$name: something it never did" "$T/err"
	cmp -s "$T/$name.json" "$T/$name.again.json" && ok "$name: the second run, recorded too, gives the same file" ||
		{ diff "$T/$name.json" "$T/$name.again.json" >"$T/out"; ko "$name: recorded twice" "$T/out"; }
	python3 - "$T/$name.json" >"$T/out" 2>&1 <<'PYEOF' && ok "$name: no call counts in the profile's comments" || ko "$name: comments" "$T/out"
import json, re, sys
p = json.load(open(sys.argv[1]))
for r in p["syscalls"]:
    assert not re.search(r"\d+ (calls?|paths?|syscalls?|address)", r["comment"]), r["comment"]
PYEOF
}

if want git; then
	if command -v git >/dev/null; then
		mkdir -p "$T/home"
		replay git "echo hello >a.txt; echo world >b.txt" "set -e
export HOME='$T/home' GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.org GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.org
git init -q .
git add a.txt b.txt
git commit -q -m first
git log --format=%s"
		python3 - "$T/git.json" >"$T/out" 2>&1 <<'PYEOF' && ok "git: the symlink test's target is no path; .git, created and removed in, is DIR/**" || ko "git: the profile" "$T/out"
import json, sys
p = json.load(open(sys.argv[1]))
rules = {r["names"][0]: r for r in p["syscalls"] if len(r["names"]) == 1 and "paths" in r}
sym = rules["symlink"]["paths"]
assert all(not x.endswith("/testing") for x in sym), sym
assert any(x.endswith("/wd-git/.git/**") for x in sym), sym
assert any(x.endswith("/wd-git/.git/**") for x in rules["rename"]["paths"])
PYEOF
	else
		skip "git workload (no git)"
	fi
fi

if want make; then
	if command -v make >/dev/null && command -v gcc >/dev/null; then
		mkdir -p "$T/src-make"
		cat >"$T/src-make/main.c" <<'EOF'
#include <stdio.h>
int add(int a, int b);
int mul(int a, int b);
int main(void)
{
	printf("%d %d\n", add(2, 3), mul(2, 3));
	return 0;
}
EOF
		echo 'int add(int a, int b) { return a + b; }' >"$T/src-make/add.c"
		echo 'int mul(int a, int b) { return a * b; }' >"$T/src-make/mul.c"
		printf 'prog: main.o add.o mul.o\n\tgcc -o $@ $^\n%%.o: %%.c\n\tgcc -O2 -c -o $@ $<\n' >"$T/src-make/Makefile"
		replay make "cp '$T'/src-make/* ." "set -e
make -s -j2
./prog"
		python3 - "$T/make.json" >"$T/out" 2>&1 <<'PYEOF' && ok "make: gcc's temporary files in /tmp as one glob each, not one path per run" || ko "make: the profile" "$T/out"
import json, sys
p = json.load(open(sys.argv[1]))
paths = [x for r in p["syscalls"] if r["names"] == ["openat"] for x in r.get("paths", [])]
tmp = [x for x in paths if x.startswith("/tmp/") and x.count("/") == 2]
assert "/tmp/cc??????.s" in tmp, tmp
assert all("?" in x for x in tmp if x.startswith("/tmp/cc")), tmp
PYEOF
	else
		skip "make workload (no make or gcc)"
	fi
fi

if want unittest; then
	if [ -x /usr/bin/python3 ]; then
		mkdir -p "$T/src-py"
		cat >"$T/src-py/test_things.py" <<'EOF'
import os, tempfile, unittest

class Things(unittest.TestCase):
    def test_named(self):
        with tempfile.NamedTemporaryFile("w+") as f:
            f.write("hello")
            f.flush()
            f.seek(0)
            self.assertEqual(f.read(), "hello")

    def test_dir(self):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "data.txt")
            with open(p, "w") as f:
                f.write("x")
            os.rename(p, p + ".done")
            os.link(p + ".done", p + ".link")
            os.symlink("data.txt.done", os.path.join(d, "sym"))
            self.assertEqual(sorted(os.listdir(d)), ["data.txt.done", "data.txt.link", "sym"])

    def test_mkstemp(self):
        fd, p = tempfile.mkstemp(suffix=".json")
        os.close(fd)
        os.unlink(p)

if __name__ == "__main__":
    unittest.main()
EOF
		replay unittest "cp '$T/src-py/test_things.py' ." "set -e
/usr/bin/python3 -m unittest -q test_things 2>&1 | tail -1"
		python3 - "$T/unittest.json" >"$T/out" 2>&1 <<'PYEOF' && ok "unittest: tempfile names as globs" || ko "unittest: the profile" "$T/out"
import json, sys
p = json.load(open(sys.argv[1]))
paths = [x for r in p["syscalls"] if r["names"] == ["openat"] for x in r.get("paths", [])]
assert "/tmp/tmp????????.json" in paths, paths
assert "/tmp/tmp????????/**" in paths, paths
PYEOF
	else
		skip "unittest workload (no /usr/bin/python3)"
	fi
fi

# both paths of rename and link, as given and where they lead: the old name
# in a directory reached through a symlink
if want two-paths; then
	L=$T/links
	prep_links() {
		rm -rf "$L" && mkdir -p "$L/real" "$L/out" "$L/real2" && ln -s real "$L/via" &&
			ln -s real2 "$L/via2" && echo x >"$L/real/a"
	}
	moves="import os; os.rename('$L/via/a', '$L/out/b'); os.link('$L/out/b', '$L/via2/c')"
	prep_links
	run rec-two 0 "$CALLGATE" run -p none --record "$T/two.json" -o /dev/null -- /usr/bin/python3 -c "$moves"
	status_ok "two paths: recorded" $?
	python3 - "$T/two.json" "$L" >"$T/out" 2>&1 <<'PYEOF' && ok "two paths: rename and link recorded as given and where they lead" || ko "two paths: the profile" "$T/out"
import json, sys
p, L = json.load(open(sys.argv[1])), sys.argv[2]
rules = {r["names"][0]: r["paths"] for r in p["syscalls"] if len(r["names"]) == 1 and "paths" in r}
assert rules["rename"] == [L + "/out/b", L + "/real/a", L + "/via/a"], rules["rename"]
assert rules["link"] == [L + "/out/b", L + "/real2/c", L + "/via2/c"], rules["link"]
PYEOF
	prep_links
	run replay-two 0 "$CALLGATE" run -p "$T/two.json" -o /dev/null -- /usr/bin/python3 -c "$moves"
	[ $? -eq 0 ] && [ -e "$L/real2/c" ] && ok "two paths: the moves replay under the recorded profile" ||
		ko "two paths: replay" "$T/err"
	prep_links
	run other-two 1 "$CALLGATE" run -p "$T/two.json" -o "$T/two.log" -- /usr/bin/python3 -c \
		"import os; os.rename('$L/via/a', '$L/out/z')"
	[ $? -eq 0 ] && [ -e "$L/real/a" ] && [ ! -e "$L/out/z" ] &&
		grep '"decision":"deny"' "$T/two.log" | grep -q '"syscall":"rename"' &&
		ok "two paths: a rename to another name is refused" || ko "two paths: another rename" "$T/two.log"
fi

# a symlink's target is text, not a path: a "paths" rule on symlink looks
# at the link only (callgate-policy(5)), so a recorded rule without the
# target still lets the program make its links
if want symlink-target; then
	S=$T/sym
	mkdir -p "$S/ok" "$S/no"
	cat >"$T/sym.json" <<EOF
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
 {"names": ["symlink", "symlinkat"], "action": "SCMP_ACT_ALLOW", "paths": ["$S/ok/**"]},
 {"names": ["symlink", "symlinkat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}
]}
EOF
	for how in emulated --no-emulate; do
		rm -f "$S/ok/"* "$S/no/"*
		run "sym-$how" 0 "$CALLGATE" run -p "$T/sym.json" $([ $how = emulated ] || echo $how) -o /dev/null -- /usr/bin/python3 -c "
import os
os.symlink('/etc/shadow', '$S/ok/abs')
os.symlink('../no/x', '$S/ok/rel')
os.symlink('not a path at all', '$S/ok/text')
try:
    os.symlink('x', '$S/no/l')
except PermissionError:
    print('refused')"
		[ $? -eq 0 ] && [ "$(readlink "$S/ok/abs")" = /etc/shadow ] && [ -L "$S/ok/text" ] && [ ! -L "$S/no/l" ] &&
			grep -q '^refused$' "$T/out" &&
			ok "symlink ($how): decided on the link's path whatever its target; a link elsewhere refused" ||
			ko "symlink ($how): the target is not a path" "$T/err"
	done
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

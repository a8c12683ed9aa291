#!/usr/bin/env bash
# Live tests: callgate check, then callgate run (as this user and, when root,
# again as an unprivileged user on a staged copy).  Ends with one
# "live: N passed, N failed" line; exits non-zero if anything failed.
# LIVE_ONLY=REGEX runs only the matching cases of each script (lib.sh).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
total_p=0 total_f=0 status=0

tally() {
	local line
	line=$(tail -n 1 "$1")
	case "$line" in
	*" passed, "*" failed"*)
		total_p=$((total_p + $(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')))
		total_f=$((total_f + $(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')))
		;;
	*) total_f=$((total_f + 1)) ;;
	esac
}

out=$(mktemp)
for part in check run_cmd paths interactive terminal record serve install reliability isolation fdlimit emulation emustale callers adversary decode jsonl; do
	bash "$here/$part.sh" | tee "$out" || status=1
	tally "$out"
done
# callgate export, its profiles run by the real runtimes against serve
bash "$here/export.sh" | tee "$out" || status=1
tally "$out"
# The path of kernels before 6.11 (RECV cannot tell that no task is left:
# each session's thread polls first), taken on any kernel.
CALLGATE_TEST_RECV_POLL=1 LIVE_NAME=run_cmd-recv-poll bash "$here/run_cmd.sh" | tee "$out" || status=1
tally "$out"

if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	# A copy that an unprivileged user can reach (CI's clone is 0700).
	stage=$(mktemp -d)
	chmod 755 "$stage"
	mkdir -p "$stage/build" "$stage/policies" "$stage/profiles" "$stage/tests"
	cp "${CALLGATE:-$root/build/callgate}" "$stage/build/callgate"
	cp -r "${PROGS:-$root/build/progs}" "$stage/build/progs"
	cp "$root"/policies/*.json "$stage/policies/"
	cp "${CALLGATE_SHARED:-$root/../shared}"/profiles/*.json "$stage/profiles/"
	cp "$here"/*.sh "$stage/tests/"
	chmod -R a+rX "$stage"
	(cd "$stage" && setpriv --reuid=65534 --regid=65534 --clear-groups \
		env CALLGATE="$stage/build/callgate" PROGS="$stage/build/progs" \
		PROFILES="$stage/profiles" LIVE_NAME=run_cmd-unprivileged \
		bash "$stage/tests/run_cmd.sh") | tee "$out" || status=1
	tally "$out"
	rm -rf "$stage"
else
	echo "SKIP: unprivileged run (needs root and setpriv)"
fi
rm -f "$out"
echo "live: $total_p passed, $total_f failed"
[ "$status" -eq 0 ] && [ "$total_f" -eq 0 ]

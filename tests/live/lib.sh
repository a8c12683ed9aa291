# Helpers for the live test scripts (sourced).  Each script prints one
# PASS/FAIL line per test and, through finish, a closing
# "NAME: N passed, N failed" line; it exits non-zero if any failed.
set -u
CALLGATE=${CALLGATE:-build/callgate}
SHARED=${CALLGATE_SHARED:-../shared}
PROFILES=${PROFILES:-$SHARED/profiles}
PROGS=${PROGS:-build/progs}
T=$(mktemp -d)
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT
passed=0 failed=0 skipped=0

skip() { skipped=$((skipped + 1)); echo "SKIP: $1"; }

finish() {
	echo "$1: $passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
	exit
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


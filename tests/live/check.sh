#!/usr/bin/env bash
# callgate check on every shared profile and on malformed input.
. "$(dirname "$0")/lib.sh"

# malformed JSON (cases malformed and several)
printf '{\n  "defaultAction": "SCMP_ACT_ERRNO",\n  "syscalls": [\n    {"names": ["read"] "action": "SCMP_ACT_ALLOW"}\n  ]\n}\n' >"$T/bad.json"

# 1. every shared profile is accepted, or refused with file:line:column
if want profiles; then
	n=0
	for f in "$PROFILES"/*.json; do
		n=$((n + 1))
		base=$(basename "$f")
		if [ "$base" = moby-profiles_fixture_example_name-field_masked-eq_errnoRet.json ]; then
			run "$base" 2 "$CALLGATE" check "$f"
			check "check refuses $base with its position" $? "$T/err" "^$f:30:[0-9]+: .*4095"
		else
			run "$base" 0 "$CALLGATE" check "$f"
			check "check accepts $base" $? "$T/out" "^$f: valid"
		fi
	done
	[ "$n" -ge 30 ] && ok "found $n shared profiles" || ko "found only $n shared profiles"
fi

# 2. the shipped default is clean even under --strict
if want default; then
	run default 0 "$CALLGATE" check --strict "$ROOT/policies/default.json"
	check "default.json passes --strict" $? "$T/out" "valid"
	run summary 0 "$CALLGATE" check --caps none "$ROOT/policies/default.json"
	check "summary counts rules and routes" $? "$T/out" "rules: 57, 34 apply here, 23 excluded"
	run summary-admin 0 "$CALLGATE" check --caps CAP_SYS_ADMIN "$ROOT/policies/default.json"
	check "--caps CAP_SYS_ADMIN includes the admin rules" $? "$T/out" "rules: 57, 37 apply here, 20 excluded"
	run kernel 0 "$CALLGATE" check --caps none --kernel 4.7 "$ROOT/policies/default.json"
	check "--kernel 4.7 drops the minKernel 4.8 rule" $? "$T/out" "33 apply here, 24 excluded"
	run audit 0 "$CALLGATE" check --mode audit "$ROOT/policies/default.json"
	check "audit mode sends the default to the supervisor" $? "$T/out" "x86_64 +[0-9]+ by rule in the kernel, +[1-9][0-9]* by the supervisor"
fi

# 3. unknown syscall names: a warning, an error with --strict
if want unknown-name; then
	f=$PROFILES/bypass4netns_NOTIFY_unknown-name-_exit_rendered.json
	run bypass 0 "$CALLGATE" check "$f"
	check "unknown syscall name warns" $? "$T/err" "warning: syscall \"_exit\" skipped"
	run bypass-strict 2 "$CALLGATE" check --strict "$f"
	check "unknown syscall name fails --strict" $? "$T/err" "^$f:[0-9]+:[0-9]+: error: syscall \"_exit\""
fi

# 4. malformed and semantically wrong profiles
if want malformed; then
	run malformed 2 "$CALLGATE" check "$T/bad.json"
	check "malformed JSON: file:line:column" $? "$T/err" "^$T/bad.json:4:24: unexpected character '\"' after object member"
	printf '{"defaultAction": "SCMP_ACT_ERRNO",\n "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALOW"}]}\n' >"$T/act.json"
	run action 2 "$CALLGATE" check "$T/act.json"
	check "unknown action: file:line:column" $? "$T/err" "^$T/act.json:2:45: unknown action \"SCMP_ACT_ALOW\""
	printf '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW",\n "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]}]}\n' >"$T/idx.json"
	run index 2 "$CALLGATE" check "$T/idx.json"
	check "argument index 6: file:line:column" $? "$T/err" "^$T/idx.json:2:21: argument index 6 out of range"
	printf '{"defaultAction": "SCMP_ACT_ALLOW", "frobnicate": 1}\n' >"$T/unk.json"
	run unknown-key 0 "$CALLGATE" check "$T/unk.json"
	check "unknown key is a warning" $? "$T/err" "^$T/unk.json:1:37: warning: unknown key \"frobnicate\""
	run unknown-key-strict 2 "$CALLGATE" check --strict "$T/unk.json"
	check "unknown key fails --strict" $? "$T/err" "error: unknown key"
	run missing 2 "$CALLGATE" check "$T/nonexistent.json"
	check "missing file" $? "$T/err" "nonexistent.json: cannot open: No such file"
	run dir 2 "$CALLGATE" check "$T"
	check "directory instead of a file" $? "$T/err" "Is a directory"
	: >"$T/empty.json"
	run empty 2 "$CALLGATE" check "$T/empty.json"
	check "empty file" $? "$T/err" "empty.json:1:1: empty file"

	printf '{"defaultAction": "SCMP_ACT_ALLOW", "advisory": "maybe"}\n' >"$T/adv.json"
	run advisory 2 "$CALLGATE" check "$T/adv.json"
	check "extension \"advisory\": bad value with its position" $? "$T/err" "adv.json:1:49: advisory: expected \"allow\" or \"deny\""
fi

# 5. several files: all reported, status 2 if any is bad
if want several; then
	run several 2 "$CALLGATE" check "$ROOT/policies/default.json" "$T/bad.json" "$PROFILES/docker-labs_allow.json"
	check "several files: each reported" $? "$T/out" "docker-labs_allow.json: valid"
fi

# 6. usage
if want usage; then
	run usage 2 "$CALLGATE" check
	check "check without files is a usage error" $? "$T/err" "Usage:"
	run caps 2 "$CALLGATE" check --caps CAP_NOPE "$ROOT/policies/default.json"
	check "unknown --caps name" $? "$T/err" "Unknown capability 'CAP_NOPE'"
	run command 125 "$CALLGATE" frobnicate
	check "unknown command exits 125" $? "$T/err" "Unknown command 'frobnicate'"
fi

finish check

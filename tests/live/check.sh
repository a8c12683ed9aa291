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
		elif [ "$base" = runc_seccomp-notify-bats_NOTIFY_write_REJECTED-by-runc_rendered.json ]; then
			run "$base" 2 "$CALLGATE" check "$f"
			check "check refuses $base as runc does" $? "$T/err" "^$f:7:39: runc refuses SCMP_ACT_NOTIFY on \"write\""
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

# 7. escape hatches of path and address rules: a warning each (an error
# under --strict), refused and listed under "advisory": "deny", nothing for
# a policy without such rules
if want hatches; then
	cat >"$T/hatch.json" <<'EOF'
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
  "syscalls": [
    {"names": ["openat", "open"], "action": "SCMP_ACT_ERRNO", "paths": ["/etc/shadow"]},
    {"names": ["connect"], "action": "SCMP_ACT_ERRNO", "addresses": ["inet:10.0.0.0/8:*"]},
    {"names": ["bind"], "action": "SCMP_ACT_ERRNO", "addresses": ["inet:0.0.0.0:*"]},
    {"names": ["getppid"], "action": "SCMP_ACT_ERRNO"}
  ]
}
EOF
	sed 's/^{$/{ "advisory": "deny",/' "$T/hatch.json" >"$T/hatch-deny.json"
	run hatch 0 "$CALLGATE" check "$T/hatch.json"
	status_ok "escape hatches do not fail check" $?
	cp "$T/err" "$T/hatch.err"
	: >"$T/hatch.miss"
	for h in io_uring_setup:"rules 0, 1, 2" io_uring_enter:"rules 0, 1, 2" \
		io_uring_register:"rules 0, 1, 2" open_by_handle_at:"rule 0" open_tree:"rule 0" \
		move_mount:"rule 0" fsopen:"rule 0" fsconfig:"rule 0" fsmount:"rule 0" \
		fspick:"rule 0" mount:"rule 0" mount_setattr:"rule 0" umount2:"rule 0" \
		umount:"rule 0" pivot_root:"rule 0" chroot:"rule 0" unshare:"rule 0" \
		clone:"rule 0" clone3:"rule 0" setns:"rules 0, 1, 2" pidfd_getfd:"rules 0, 1, 2" \
		ptrace:"rules 0, 1, 2" process_vm_writev:"rules 0, 1, 2" execveat:"rule 0" \
		fanotify_init:"rule 0" sendto:"rule 1" sendmsg:"rule 1" sendmmsg:"rule 1" \
		socket:"rule 1" listen:"rule 2" bpf:"rules 1, 2"; do
		name=${h%%:*} rules=${h#*:}
		grep -Eq "^$T/hatch.json:[0-9]+:[0-9]+: warning: escape hatch \"$name\" bypasses $rules \(.*\): .*; \"advisory\": \"deny\" refuses it$" "$T/hatch.err" ||
			echo "    no warning for $name ($rules)" >>"$T/hatch.miss"
	done
	if [ -s "$T/hatch.miss" ]; then
		cat "$T/hatch.err" >>"$T/hatch.miss"
		ko "check warns about each escape hatch with the rules it bypasses" "$T/hatch.miss"
	else
		ok "check warns about each escape hatch with the rules it bypasses"
	fi
	check "the summary counts the open hatches" 0 "$T/out" "escape hatches: 0 refused \(\"advisory\": \"deny\"\), 31 open, 0 left"

	run hatch-strict 2 "$CALLGATE" check --strict "$T/hatch.json"
	check "escape hatches fail --strict" $? "$T/err" "^$T/hatch.json:[0-9]+:[0-9]+: error: escape hatch \"mount\" bypasses rule 0"

	run hatch-deny 0 "$CALLGATE" check --strict "$T/hatch-deny.json"
	check "\"advisory\": \"deny\" refuses every hatch: --strict passes" $? "$T/out" "escape hatches: 31 refused \(\"advisory\": \"deny\"\), 0 open"
	check "the refused hatches are listed" 0 "$T/out" "refused in the kernel: bpf chroot clone .* umount2 unshare$"
	check "refused hatches are decided by rule in the kernel" 0 "$T/out" "x86_64 +3[0-9] by rule in the kernel"
	if grep -q "escape hatch" "$T/err"; then ko "no warning once refused" "$T/err"; else ok "no warning once refused"; fi

	# a hatch the profile names is left to its rule: a note, never an error
	sed 's/"getppid"/"getppid", "mount", "listen"/; s/"SCMP_ACT_ERRNO"}$/"SCMP_ACT_LOG"}/' "$T/hatch-deny.json" >"$T/hatch-named.json"
	run hatch-named 0 "$CALLGATE" check --strict "$T/hatch-named.json"
	check "a hatch named by a rule is left to it (a note)" $? "$T/err" "^$T/hatch-named.json:[0-9]+:[0-9]+: note: escape hatch \"mount\" is left to rule 3; it can bypass rule 0 \(paths\)"
	check "listen left to its rule: a note on the bind rule" 0 "$T/err" "note: escape hatch \"listen\" is left to rule 3; it can bypass rule 2 \(addresses-bind\)"
	check "the summary counts hatches left to rules" 0 "$T/out" "escape hatches: 29 refused .*, 0 open, 2 left to the profile's rules"

	# no path or address rules: no hatch, no line about them
	run hatch-none 0 "$CALLGATE" check --strict "$ROOT/policies/default.json"
	if grep -q "escape hatch" "$T/err" "$T/out"; then ko "no hatch without pattern rules" "$T/err"; else ok "no hatch without pattern rules"; fi
	printf '{"defaultAction": "SCMP_ACT_ALLOW", "advisory": "deny",\n "syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_ERRNO"}]}\n' >"$T/nopat.json"
	run hatch-nopat 0 "$CALLGATE" check "$T/nopat.json"
	if grep -q "escape hatch" "$T/err" "$T/out"; then
		ko "no hatch without pattern rules, even under advisory deny" "$T/err"
	else
		ok "no hatch without pattern rules, even under advisory deny"
	fi
	# a denying default leaves no hatch open
	printf '{"defaultAction": "SCMP_ACT_ERRNO",\n "syscalls": [{"names": ["openat"], "action": "SCMP_ACT_ALLOW", "paths": ["/usr/**"]}]}\n' >"$T/denydef.json"
	run hatch-denydef 0 "$CALLGATE" check --strict "$T/denydef.json"
	check "a denying default leaves no hatch open" $? "$T/out" "escape hatches: 0 refused .*, 0 open, 0 left"
fi

# --- dead and costly rules, each at its rule's line and column --------------
if want lint; then
	cat >"$T/lint.json" <<'EOF'
{
  "defaultAction": "SCMP_ACT_ERRNO",
  "advisory": "deny",
  "syscalls": [
    {"names": ["openat", "read"], "action": "SCMP_ACT_ALLOW", "paths": ["/usr/**"]},
    {"names": ["execve"], "action": "SCMP_ACT_ALLOW", "paths": ["/usr/bin/*"]},
    {"names": ["getppid"], "action": "SCMP_ACT_ALLOW"},
    {"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
    {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "paths": ["/srv/**"]},
    {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
     "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_LT"}]}
  ]
}
EOF
	L=$T/lint.json
	run lint 0 "$CALLGATE" check "$L"
	check "check: a rule with dead and costly parts is still valid" $? "$T/out" "^$L: valid"
	check "costly: \"paths\" on read (every read to the supervisor, never matched)" 0 "$T/err" \
		"^$L:5:5: warning: \"paths\" of rule 0 never match \"read\": callgate reads no path argument of it, yet sends its calls to the supervisor"
	check "dead: an allow by path that \"advisory\": \"deny\" refuses" 0 "$T/err" \
		"^$L:6:5: warning: rule 1 allows \"execve\" by its \"paths\", which callgate decides but leaves to the kernel \(advisory\): \"advisory\": \"deny\" refuses every such call it allows \(EPERM\)"
	check "dead: a rule after an unconditional one for its syscall" 0 "$T/err" \
		"^$L:8:5: warning: rule 3 never decides \"getppid\": rule 2 \(line 7\) decides every call of it before it"
	check "costly: a pattern rule with the default's action" 0 "$T/err" \
		"^$L:9:5: warning: rule 4 has the default action \(SCMP_ACT_ERRNO\) and no later rule names \"mkdir\""
	check "dead: a condition that never holds, at its position" 0 "$T/err" \
		"^$L:11:15: warning: argument 0 SCMP_CMP_LT 0x0 never holds: the rule never matches"
	run lint-strict 2 "$CALLGATE" check --strict "$L"
	check "dead and costly rules fail --strict" $? "$T/err" "^$L:5:5: error: \"paths\" of rule 0"
	# the shipped default and the shared profiles have none
	: >"$T/lint.miss"
	for f in "$ROOT/policies/default.json" "$PROFILES"/*.json; do
		for c in none docker all; do
			"$CALLGATE" check --caps $c "$f" 2>&1 >/dev/null |
				grep -E "never (match|decides|holds)|default action|advisory\)|every value" >>"$T/lint.miss"
		done
	done
	[ -s "$T/lint.miss" ] && ko "no dead or costly rules in the shipped and shared profiles" "$T/lint.miss" ||
		ok "no dead or costly rules in the shipped and shared profiles"
fi

# --- run, serve and callgate-agent print the policy's warnings as check does --
if want warnings; then
	AGENT=${AGENT:-$ROOT/build/callgate-agent}
	W=$T/wp
	mkdir -p "$W"
	# "path" for "paths": the rule denies every mkdir, and says so
	printf '{"defaultAction": "SCMP_ACT_ALLOW",\n "syscalls": [\n  {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "path": ["/nonexistent/**"]}]}\n' >"$W/typo.json"
	cp "$W/typo.json" "$W/default.json"
	want_w="$W/typo.json:3:63: warning: unknown key \"path\" in a syscalls entry, ignored"
	run check-typo 0 "$CALLGATE" check "$W/typo.json"
	check "check: the typo'd key" $? "$T/err" "^$want_w$"
	run run-typo 0 "$CALLGATE" run -p "$W/typo.json" -o /dev/null -- sh -c 'echo ran'
	check "run: the same warning, and the command still runs" $? "$T/err" "^$want_w$"
	check "run: ... and ran" 0 "$T/out" "^ran$"
	# the open escape hatches of path rules: one line, not one per hatch
	printf '{"defaultAction": "SCMP_ACT_ALLOW",\n "syscalls": [\n  {"names": ["openat"], "action": "SCMP_ACT_ERRNO", "paths": ["/etc/shadow"]}]}\n' >"$W/hatch.json"
	run run-hatch 0 "$CALLGATE" run -p "$W/hatch.json" -o /dev/null -- true
	check "run: the open escape hatches in one warning" $? "$T/err" \
		"^$W/hatch.json:3:3: warning: [0-9]+ escape hatches \(.* and [0-9]+ more\) can bypass the path and address rules; \`callgate check $W/hatch.json\` names each"
	[ "$(grep -c "escape hatch" "$T/err")" = 1 ] && ok "run: ... on one line" || ko "run: hatches on one line" "$T/err"
	run run-clean 0 "$CALLGATE" run -p none -o /dev/null -- true
	[ $? -eq 0 ] && ! [ -s "$T/err" ] && ok "run: no warning for a clean policy" || ko "run: no warning for a clean policy" "$T/err"
	if [ -x "$AGENT" ]; then
		"$CALLGATE" serve --socket "$T/w.sock" --policy-dir "$W" -o /dev/null 2>"$T/w.err" &
		wsv=$!
		wait_for_socket "$T/w.sock"
		wait_for_line "$T/w.err" "warning: unknown key"
		check "serve: the default policy's warning at start, with its file" 0 "$T/w.err" \
			"^$W/default.json:3:63: warning: unknown key \"path\" in a syscalls entry, ignored$"
		run agent-typo 1 "$AGENT" --socket "$T/w.sock" --policy-dir "$W" -p typo -- mkdir "$T/wdir"
		check "callgate-agent: the same warning" $? "$T/err" "^$want_w$"
		wait_for_line "$T/w.err" "^$W/typo.json:3:63: warning"
		check "serve: the warning of each policy it loads" 0 "$T/w.err" "^$want_w$"
		n=$(grep -c "^$want_w$" "$T/w.err")
		kill -HUP "$wsv"
		wait_for_line "$T/w.err" "will be read again"
		run agent-typo2 1 "$AGENT" --socket "$T/w.sock" --policy-dir "$W" -p typo -- mkdir "$T/wdir"
		poll_until 30 has_line "$T/w.err" "^$W/typo.json:3:63: warning" $((n + 1))
		[ "$(grep -c "^$want_w$" "$T/w.err")" -gt "$n" ] && ok "serve: again when it reads the policy again (SIGHUP)" ||
			ko "serve: again after SIGHUP" "$T/w.err"
		kill "$wsv"
		wait "$wsv" 2>/dev/null
	else
		skip "serve and callgate-agent warnings (no callgate-agent at $AGENT)"
	fi
fi

# --- the capabilities includes/excludes are resolved with --------------------
if want caps; then
	run caps-default 0 "$CALLGATE" check "$ROOT/policies/default.json"
	st=$?
	if [ "$(id -u)" -eq 0 ]; then
		check "check: the default as root is Docker's set" $st "$T/out" \
			"^  capabilities for includes/excludes: docker \(the default: this host's, within Docker's default set\)$"
	else
		check "check: the default for a user is what it holds" $st "$T/out" \
			"^  capabilities for includes/excludes: [a-z_A-Z,]+ \(the default"
	fi
	run caps-docker 0 "$CALLGATE" check --caps docker,sys_admin "$ROOT/policies/default.json"
	check "check --caps docker,sys_admin: named in the summary" $? "$T/out" \
		"^  capabilities for includes/excludes: docker,CAP_SYS_ADMIN \(--caps\)$"
	run caps-podman 0 "$CALLGATE" check --caps podman "$ROOT/policies/default.json"
	check "check --caps podman" $? "$T/out" "^  capabilities for includes/excludes: podman \(--caps\)$"
	run caps-bad 2 "$CALLGATE" check --caps dockerr "$ROOT/policies/default.json"
	check "--caps with an unknown set: an error" $? "$T/err" "Unknown capability 'dockerr'"
	if command -v unshare >/dev/null; then
		run caps-unshare-docker 1 "$CALLGATE" run --caps docker -o "$T/caps.log" -- unshare -m true
		check "run --caps docker: unshare -m refused (EPERM) under Docker's default" $? "$T/err" "Operation not permitted"
		check "the first record names the capabilities" 0 "$T/caps.log" '^\{"time":.*"event":"start".*"caps":"docker"'
		if [ "$(id -u)" -eq 0 ]; then
			run caps-unshare-dflt 1 "$CALLGATE" run -o /dev/null -- unshare -m true
			check "run as root, no --caps: Docker's set, unshare -m refused" $? "$T/err" "Operation not permitted"
			run caps-unshare-host 0 "$CALLGATE" run --caps host -o "$T/caps.log" -- unshare -m true
			status_ok "run --caps host as root: the host's CAP_SYS_ADMIN includes the mount rules" $?
			check "... and the first record says which" 0 "$T/caps.log" '"caps":"[^"]*CAP_SYS_ADMIN'
		else
			skip "run --caps host: unshare -m allowed (needs root)"
		fi
	else
		skip "run --caps docker: unshare (util-linux) missing"
	fi
fi

# --- help and version -----------------------------------------------------
if want help; then
	run version 0 "$CALLGATE" --version
	check "callgate --version" $? "$T/out" '^callgate [0-9]+\.[0-9]+\.[0-9]+ \(libseccomp [0-9.]+\)$'
	run help 0 "$CALLGATE" help
	check "callgate help: every command" $? "$T/out" 'callgate help \[COMMAND\]'
	for c in run serve check ctl export; do
		run "help-$c" 0 "$CALLGATE" help "$c" && cp "$T/out" "$T/help1" &&
			run "$c-help" 0 "$CALLGATE" "$c" --help && cmp -s "$T/out" "$T/help1"
		st=$?
		# every option callgate(1) describes for the command (its OPTIONS
		# subsection) is in its --help
		missing=
		for o in $(awk -v c="$c" '/^\.S[SH] /{on=($0 ~ "^\\.SS \"callgate " c "\"")} on && prev==".TP"{print} {prev=$0}' \
			"$ROOT/docs/callgate.1" | grep -o '\\-\\-[a-z\\-]*[a-z]' | sed 's/\\-/-/g' | sort -u); do
			grep -q -- "$o" "$T/out" || missing="$missing $o"
		done
		[ "$st" -eq 0 ] && [ -z "$missing" ] && grep -q "^Usage: callgate $c" "$T/out" &&
			ok "callgate help $c = $c --help, every option of callgate(1) described" ||
			ko "callgate help $c (missing:$missing)" "$T/out"
	done
	run help-bogus 125 "$CALLGATE" help bogus
	check "callgate help NOT-A-COMMAND: an error" $? "$T/err" "not a command"
fi

finish check

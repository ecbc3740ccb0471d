#!/usr/bin/env bats
# linux.seccomp: the filter is in force in the container (asserted from
# inside, with busybox), every action and operator, runc's args semantics,
# bad filters refused at create, and SCMP_ACT_NOTIFY with a listener.

load helpers

setup_file() {
  hull_setup_file
  # The notify agent: a test helper, not part of the build.
  export LISTENER=$BATS_FILE_TMPDIR/listener
  gcc -O2 -Wall -o "$LISTENER" "$HULL_TOP/tests/helpers/seccomp/listener.c"
  # Every syscall name this machine's headers know, for allow-lists.
  export ALL_SYSCALLS=$BATS_FILE_TMPDIR/syscalls
  echo '#include <sys/syscall.h>' | gcc -E -dM - |
    sed -n 's/^#define __NR_\([a-z0-9_]*\) .*/\1/p' | sort -u >"$ALL_SYSCALLS"
}
setup() { hull_setup; }
teardown() { hull_teardown; }

# seccomp JSON: sets .linux.seccomp.
seccomp() { cfg --argjson s "$1" '.linux.seccomp = $s'; }

# deny_mkdir ACTION [EXTRA-JSON]: default allow, ACTION on mkdir and mkdirat
# (the rule object is merged with EXTRA-JSON, e.g. '{"errnoRet": 28}').
deny_mkdir() {
  seccomp "$(jq -n --arg a "$1" --argjson x "${2:-{\}}" \
    '{defaultAction: "SCMP_ACT_ALLOW",
      syscalls: [({names: ["mkdir", "mkdirat"], action: $a} + $x)]}')"
}

nnp() { cfg --argjson v "$1" '.process.noNewPrivileges = $v'; }

# kill_rule ARGS-JSON: default allow, SCMP_ACT_ERRNO on kill(2) with ARGS.
kill_rule() {
  seccomp "$(jq -n --argjson args "$1" \
    '{defaultAction: "SCMP_ACT_ALLOW",
      syscalls: [{names: ["kill"], action: "SCMP_ACT_ERRNO", args: $args}]}')"
}

# Signals 0, CONT (18) and WINCH (28) to the shell itself, all harmless:
# prints "ok" or "no" for each.
KILL_PROBE='for s in 0 CONT WINCH; do if kill -$s $$ 2>/dev/null; then printf "ok "; else printf "no "; fi; done'

@test "no linux.seccomp: Seccomp 0 in /proc/self/status" {
  in_container 'grep "^Seccomp:" /proc/self/status'
  assert_success
  assert_output "$(printf 'Seccomp:\t0')"
}

@test "a filter is in force: Seccomp 2, one filter (noNewPrivileges true)" {
  nnp true
  deny_mkdir SCMP_ACT_ERRNO
  in_container 'grep -E "^Seccomp(_filters)?:" /proc/self/status'
  assert_success
  assert_output "$(printf 'Seccomp:\t2\nSeccomp_filters:\t1')"
}

@test "noNewPrivileges false, user nobody: loaded before the identity change, in force" {
  nnp false
  cfg '.process.user = {uid: 65534, gid: 65534}'
  deny_mkdir SCMP_ACT_ERRNO
  in_container 'grep -E "^(Seccomp|Seccomp_filters|NoNewPrivs):" /proc/self/status; mkdir /tmp/x'
  assert_failure
  assert_output "$(printf 'NoNewPrivs:\t0\nSeccomp:\t2\nSeccomp_filters:\t1')"
  [[ $stderr == *"Operation not permitted"* ]] || { show_run; fail "mkdir should fail EPERM"; }
}

@test "SCMP_ACT_ERRNO without errnoRet: EPERM" {
  deny_mkdir SCMP_ACT_ERRNO
  in_container 'mkdir /tmp/x'
  assert_failure
  assert_stderr_contains "Operation not permitted"
  [ ! -e "$BUNDLE/rootfs/tmp/x" ]
}

@test "SCMP_ACT_ERRNO with errnoRet 1 and 28" {
  deny_mkdir SCMP_ACT_ERRNO '{"errnoRet": 1}'
  in_container 'mkdir /tmp/x'
  assert_failure
  assert_stderr_contains "Operation not permitted"

  deny_mkdir SCMP_ACT_ERRNO '{"errnoRet": 28}'
  in_container 'mkdir /tmp/x'
  assert_failure
  assert_stderr_contains "No space left on device"
}

@test "defaultAction SCMP_ACT_ERRNO with and without defaultErrnoRet (allow-list)" {
  local names
  names=$(grep -vx -e mkdir -e mkdirat "$ALL_SYSCALLS" | jq -R . | jq -s .)
  seccomp "$(jq -n --argjson n "$names" \
    '{defaultAction: "SCMP_ACT_ERRNO", defaultErrnoRet: 28,
      syscalls: [{names: $n, action: "SCMP_ACT_ALLOW"}]}')"
  in_container 'echo allowed; mkdir /tmp/x'
  assert_failure
  assert_output allowed
  assert_stderr_contains "No space left on device"

  cfg 'del(.linux.seccomp.defaultErrnoRet)'
  in_container 'echo allowed; mkdir /tmp/x'
  assert_failure
  assert_output allowed
  assert_stderr_contains "Operation not permitted"
}

@test "SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL, SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP: SIGSYS (159)" {
  local a id
  for a in SCMP_ACT_KILL_PROCESS SCMP_ACT_KILL SCMP_ACT_KILL_THREAD SCMP_ACT_TRAP; do
    deny_mkdir "$a"
    set_args mkdir /tmp/x
    id=$(new_id)
    run --separate-stderr hull_cmd run --bundle "$BUNDLE" "$id" </dev/null
    [ "$status" -eq 159 ] || { show_run; fail "$a: expected 159"; }
    [ ! -e "$BUNDLE/rootfs/tmp/x" ] || fail "$a: mkdir ran"
  done
}

@test "SCMP_ACT_LOG and SCMP_ACT_ALLOW rules allow" {
  deny_mkdir SCMP_ACT_LOG
  in_container 'mkdir /tmp/x && echo made'
  assert_success
  assert_output made
  rmdir "$BUNDLE/rootfs/tmp/x"

  # A rule repeating the default action is skipped (libseccomp refuses it).
  deny_mkdir SCMP_ACT_ALLOW
  in_container 'mkdir /tmp/x && echo made'
  assert_success
  assert_output made
}

@test "SCMP_ACT_TRACE without a tracer: the syscall fails with ENOSYS" {
  deny_mkdir SCMP_ACT_TRACE '{"errnoRet": 5}'
  in_container 'mkdir /tmp/x'
  assert_failure
  assert_stderr_contains "Function not implemented"
}

@test "unknown syscall names are ignored, the known ones still apply" {
  seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
    {"names": ["hull_no_such_syscall"], "action": "SCMP_ACT_KILL_PROCESS"},
    {"names": ["another_bogus_one", "mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 28}]}'
  in_container 'echo running; mkdir /tmp/x'
  assert_failure
  assert_output running
  assert_stderr_contains "No space left on device"
}

@test "args: every operator (kill's signal number, arg 1)" {
  # op value valueTwo -> results for signals 0, 18, 28
  local cases=(
    "SCMP_CMP_EQ 18 0 ok no ok"
    "SCMP_CMP_NE 18 0 no ok no"
    "SCMP_CMP_LT 18 0 no ok ok"
    "SCMP_CMP_LE 18 0 no no ok"
    "SCMP_CMP_GE 18 0 ok no no"
    "SCMP_CMP_GT 18 0 ok ok no"
    # value is the mask, valueTwo the datum: 18 & 3 == 2, 28 & 3 == 0.
    "SCMP_CMP_MASKED_EQ 3 2 ok no ok"
  )
  local c op v v2 want
  for c in "${cases[@]}"; do
    read -r op v v2 want <<<"$c"
    kill_rule "$(jq -n --arg op "$op" --argjson v "$v" --argjson v2 "$v2" \
      '[{index: 1, op: $op, value: $v, valueTwo: $v2}]')"
    in_container "$KILL_PROBE"
    assert_success
    [ "$output" = "$want " ] || { show_run; fail "$op $v $v2: expected '$want '"; }
  done
}

@test "args: different indexes are AND'ed in one rule" {
  # kill(1, 0) only: the shell is pid 1; a sleeper is not.
  kill_rule '[{"index": 0, "op": "SCMP_CMP_EQ", "value": 1},
              {"index": 1, "op": "SCMP_CMP_EQ", "value": 0}]'
  in_container 'sleep 100 & p=$!
    kill -0 1 2>/dev/null && echo self-ok || echo self-denied
    kill -0 $p 2>/dev/null && echo other-ok || echo other-denied
    kill -CONT 1 2>/dev/null && echo cont-ok || echo cont-denied
    kill -9 $p'
  assert_success
  assert_output "$(printf 'self-denied\nother-ok\ncont-ok')"
}

@test "args: the same index twice makes one rule per arg (OR), as runc" {
  kill_rule '[{"index": 1, "op": "SCMP_CMP_EQ", "value": 0},
              {"index": 1, "op": "SCMP_CMP_EQ", "value": 18}]'
  in_container "$KILL_PROBE"
  assert_success
  assert_output "no no ok "
}

@test "architectures and flags are accepted and the filter still applies" {
  seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
    "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
    "flags": ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
    "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 28}]}'
  [ "$(uname -m)" = x86_64 ] || cfg '.linux.seccomp.architectures = []'
  in_container 'grep "^Seccomp:" /proc/self/status; mkdir /tmp/x'
  assert_failure
  assert_output "$(printf 'Seccomp:\t2')"
  assert_stderr_contains "No space left on device"
}

# bad_seccomp JSON SUBSTRING: create fails with one line, nothing left.
bad_seccomp() {
  local id
  seccomp "$1"
  id=$(new_id)
  run_files hull_cmd create --bundle "$BUNDLE" "$id"
  assert_failure
  is_runc || assert_hull_error "$2"
  assert_nothing_left "$id"
}

@test "unknown architecture: create fails, nothing left" {
  bad_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_PDP11"]}' \
    '.linux.seccomp.architectures[0]: unknown architecture "SCMP_ARCH_PDP11"'
}

@test "unknown flag: create fails, nothing left" {
  bad_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_BOGUS"]}' \
    '.linux.seccomp.flags[0]: unknown seccomp flag "SECCOMP_FILTER_FLAG_BOGUS"'
}

@test "SCMP_ACT_NOTIFY as defaultAction: create fails, nothing left" {
  bad_seccomp "{\"defaultAction\": \"SCMP_ACT_NOTIFY\", \"listenerPath\": \"$T/none.sock\"}" \
    "SCMP_ACT_NOTIFY cannot be the default action"
}

@test "errnoRet out of range: create fails, nothing left" {
  hull_only "runc truncates errnoRet"
  bad_seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 65536}]}' \
    ".linux.seccomp.syscalls[0].action: errnoRet 65536 out of range"
}

@test "listener unreachable: create fails, nothing left" {
  hull_only "message text"
  bad_seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"$T/none.sock\",
    \"syscalls\": [{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}" \
    "connect to listenerPath $T/none.sock"
}

@test "create --debug logs ignored syscall names" {
  hull_only "log text"
  seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["hull_no_such_syscall"], "action": "SCMP_ACT_ERRNO"}]}'
  local id
  id=$(new_id)
  hull_cmd --debug --log "$T/log" create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
  grep 'hull_no_such_syscall' "$T/log" | grep -q 'ignored' ||
    fail "no debug line: $(cat "$T/log")"
}

@test "the runtime is not filtered before start: poll/ppoll killed, noNewPrivileges true" {
  # init waits for `start` with poll(2) and read(2) on exec.fifo.
  nnp true
  seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
    "syscalls": [{"names": ["poll", "ppoll"], "action": "SCMP_ACT_KILL_PROCESS"}]}'
  set_sh 'echo started'
  local id
  id=$(new_id)
  create_ctr "$id"
  [ "$(ctr_status "$id")" = created ]
  start_ctr "$id"
  wait_for_status "$id" stopped
  [ "$(cat "$T/$id.out")" = started ] || fail "out: $(cat "$T/$id.out") err: $(cat "$T/$id.err")"
}

# start_listener ERRNO: the notify agent on $T/l.sock, state to $T/l.json.
start_listener() {
  "$LISTENER" "$T/l.sock" "$T/l.json" "$1" 2>"$T/l.err" &
  wait_for_file "$T/l.sock"
}

notify_mkdir() {
  seccomp "$(jq -n --arg p "$T/l.sock" --arg m "meta-$TAG" \
    '{defaultAction: "SCMP_ACT_ALLOW", listenerPath: $p, listenerMetadata: $m,
      syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_NOTIFY"}]}')"
}

@test "SCMP_ACT_NOTIFY (noNewPrivileges true): the listener gets the state and answers mkdir" {
  nnp true
  notify_mkdir
  start_listener 28
  in_container 'mkdir /tmp/x; echo rc=$?'
  assert_success
  assert_output "rc=1"
  assert_stderr_contains "No space left on device"
  [ ! -e "$BUNDLE/rootfs/tmp/x" ]
  local id=$TAG
  jq -e --arg id "$id" --arg m "meta-$TAG" --arg b "$BUNDLE" '
    .ociVersion == "1.3.0" and .fds == ["seccompFd"] and .metadata == $m
    and .pid > 1 and .state.pid == .pid and .state.id == $id
    and .state.status == "creating" and .state.bundle == $b' "$T/l.json" >/dev/null ||
    fail "state: $(cat "$T/l.json")"
  grep -qx mkdir "$T/l.json.log" || fail "listener log: $(cat "$T/l.json.log")"
}

@test "SCMP_ACT_NOTIFY (noNewPrivileges false): fd sent at create, pid as the runtime sees it" {
  nnp false
  cfg '.annotations = {"org.example.k": "v"}'
  notify_mkdir
  start_listener 1
  set_sh 'mkdir /tmp/x || echo denied'
  local id
  id=$(new_id)
  create_ctr "$id"
  # Loaded before the identity change, i.e. before create returns.
  wait_for_file "$T/l.json"
  jq -e --arg pid "$(ctr_pid "$id")" --arg id "$id" '
    (.pid | tostring) == $pid and .state.id == $id
    and .state.annotations == {"org.example.k": "v"}' "$T/l.json" >/dev/null ||
    fail "state: $(cat "$T/l.json"), pid $(ctr_pid "$id")"
  start_ctr "$id"
  wait_for_status "$id" stopped
  [ "$(cat "$T/$id.out")" = denied ] || fail "out: $(cat "$T/$id.out") err: $(cat "$T/$id.err")"
  grep -q "Operation not permitted" "$T/$id.err" || fail "err: $(cat "$T/$id.err")"
}

@test "features reports seccomp enabled with actions, operators and archs" {
  hull_only "runc's lists differ"
  run --separate-stderr "$HULL" features
  assert_success
  jq -e '.linux.seccomp.enabled == true
    and (.linux.seccomp.actions | index("SCMP_ACT_NOTIFY"))
    and (.linux.seccomp.operators | index("SCMP_CMP_MASKED_EQ"))
    and (.linux.seccomp.archs | length > 0)' <<<"$output" >/dev/null ||
    fail "features: $(jq -c .linux.seccomp <<<"$output")"
}

@test "features: every supportedFlag is a knownFlag, and a config with all of them runs under the filter" {
  hull_only "runc 1.1 lists no flags"
  local feats flags
  feats=$("$HULL" features)
  jq -e '(.linux.seccomp.knownFlags | length) > 0
    and ([.linux.seccomp.supportedFlags[] as $f | .linux.seccomp.knownFlags | index($f)] | all)' \
    <<<"$feats" >/dev/null || fail "features: $(jq -c .linux.seccomp <<<"$feats")"
  flags=$(jq -c '.linux.seccomp.supportedFlags' <<<"$feats")
  cfg --argjson f "$flags" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", flags: $f,
    syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO"}]}'
  in_container 'mkdir /tmp/x'
  assert_failure
  [[ $stderr == *"Operation not permitted"* ]] || { show_run; fail "filter not applied"; }
}

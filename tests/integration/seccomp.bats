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
  # "name number" for this machine's own ABI.
  export SYSCALL_NRS=$BATS_FILE_TMPDIR/syscall-nrs
  echo '#include <sys/syscall.h>' | gcc -E -dM - |
    sed -n 's/^#define __NR_\([a-z0-9_]*\) \([0-9][0-9]*\)$/\1 \2/p' >"$SYSCALL_NRS"
  # A static probe for raw syscall numbers (the rootfs is busybox only).
  export SYSNO=$BATS_FILE_TMPDIR/sysno
  gcc -O2 -static -Wall -o "$SYSNO" "$HULL_TOP/tests/helpers/seccomp/sysno.c"
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

@test "noNewPrivileges false, user nobody: the filter is in force" {
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

# What busybox needs for sh -c 'echo ...; cat FILE' (and sleep), and execve:
# nothing the runtime itself needs after loading the filter.
BUSYBOX_ONLY='["execve", "arch_prctl", "set_tid_address", "set_robust_list", "rseq",
  "prlimit64", "brk", "mmap", "munmap", "mprotect", "readlink", "getrandom", "uname",
  "getuid", "geteuid", "getgid", "getegid", "getpid", "getppid", "prctl",
  "rt_sigaction", "rt_sigprocmask", "newfstatat", "fstat", "openat", "read", "write",
  "sendfile", "close", "fcntl", "dup2", "getcwd", "nanosleep", "clock_nanosleep", "exit_group"]'

# minimal_profile: default SCMP_ACT_ERRNO, only BUSYBOX_ONLY allowed.
minimal_profile() {
  seccomp "$(jq -n --argjson n "$BUSYBOX_ONLY" \
    '{defaultAction: "SCMP_ACT_ERRNO", architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
      syscalls: [{names: $n, action: "SCMP_ACT_ALLOW"}]}')"
  [ "$(uname -m)" = x86_64 ] || cfg '.linux.seccomp.architectures = []'
}

@test "an allow-list of only what the program needs: runs, root and nobody, with and without noNewPrivileges" {
  hull_only "runc needs more: it closes fds and changes uid under the filter"
  minimal_profile
  local v u
  for v in false true; do
    for u in 0 65534; do
      nnp "$v"
      cfg --argjson u "$u" '.process.user = {uid: $u, gid: $u}'
      in_container 'echo hello; cat /proc/self/status'
      assert_success
      [ "${lines[0]}" = hello ] || { show_run; fail "nnp $v uid $u"; }
      assert_output_contains "$(printf 'Uid:\t%s\t' "$u")"
    done
  done
}

@test "an allow-list of only what the program needs: exec runs too (noNewPrivileges false)" {
  hull_only "runc needs more: it closes fds and changes uid under the filter"
  nnp false
  minimal_profile
  local id
  id=$(new_id)
  start_sleeper "$id"
  run --separate-stderr hull_cmd exec "$id" sh -c 'echo exec-ok; cat /etc/group' </dev/null
  assert_success
  assert_output_contains exec-ok
  assert_output_contains nobody
}

# nr NAME: the syscall's number on this machine.
nr() { awk -v n="$1" '$1 == n { print $2 }' "$SYSCALL_NRS"; }

@test "a syscall newer than every one the profile names gets ENOSYS, older unlisted ones the default errno" {
  [ "$(uname -m)" = x86_64 ] || skip "syscall numbers chosen for x86_64"
  cp "$SYSNO" "$BUNDLE/rootfs/bin/sysno"
  # Everything numbered below 400 but getcpu and mkdir, mkdir with errno 28;
  # the newest named is below 400: 1000 and 436 (close_range) are newer.
  local names
  names=$(awk '$2 < 400 && $1 != "getcpu" && $1 != "mkdir" { print $1 }' "$SYSCALL_NRS" |
    jq -R . | jq -s .)
  local d
  for d in SCMP_ACT_ERRNO SCMP_ACT_KILL_PROCESS; do
    seccomp "$(jq -n --arg d "$d" --argjson n "$names" \
      '{defaultAction: $d, architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
        syscalls: [{names: $n, action: "SCMP_ACT_ALLOW"},
                   {names: ["mkdir"], action: "SCMP_ACT_ERRNO", errnoRet: 28}]}')"
    set_args /bin/sysno 1000 436 "$(nr mkdir)" "$(nr getcpu)"
    run --separate-stderr hull_cmd run --bundle "$BUNDLE" "$(new_id)" </dev/null
    if [ "$d" = SCMP_ACT_ERRNO ]; then
      assert_success
      assert_output "$(printf '1000=38\n436=38\n%s=28\n%s=1' "$(nr mkdir)" "$(nr getcpu)")"
    else
      # Killed by getcpu, the only call the default action still meets.
      assert_status 159
      assert_output "$(printf '1000=38\n436=38\n%s=28' "$(nr mkdir)")"
    fi
  done

  # Allow by default: no stub, the kernel's own ENOSYS.
  cfg '.linux.seccomp.defaultAction = "SCMP_ACT_ALLOW"'
  set_args /bin/sysno 1000 "$(nr mkdir)"
  run --separate-stderr hull_cmd run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_success
  assert_output "$(printf '1000=38\n%s=28' "$(nr mkdir)")"
}

@test "no architectures listed: no ENOSYS stub, as runc" {
  [ "$(uname -m)" = x86_64 ] || skip "syscall numbers chosen for x86_64"
  cp "$SYSNO" "$BUNDLE/rootfs/bin/sysno"
  local names
  names=$(awk '$2 < 400 { print $1 }' "$SYSCALL_NRS" | jq -R . | jq -s .)
  seccomp "$(jq -n --argjson n "$names" \
    '{defaultAction: "SCMP_ACT_ERRNO", syscalls: [{names: $n, action: "SCMP_ACT_ALLOW"}]}')"
  set_args /bin/sysno 1000
  run --separate-stderr hull_cmd run --bundle "$BUNDLE" "$(new_id)" </dev/null
  assert_success
  assert_output "1000=1"
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

@test "SCMP_ACT_NOTIFY on write: create fails, nothing left (runc's words)" {
  bad_seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"$T/none.sock\",
    \"syscalls\": [{\"names\": [\"mkdir\", \"write\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}" \
    "SCMP_ACT_NOTIFY cannot be used for the write syscall"
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

@test "startContainer hooks run under the filter, noNewPrivileges true and false, as runc" {
  printf '%s\n' '#!/bin/sh' \
    'grep "^Seccomp:" /proc/self/status >/tmp/hook.out' \
    'mkdir /tmp/hookdir 2>/dev/null || echo denied >>/tmp/hook.out' | container_script hook.sh
  cfg '.hooks.startContainer = [{"path": "/hook.sh"}]'
  deny_mkdir SCMP_ACT_ERRNO
  local v
  for v in true false; do
    nnp "$v"
    rm -f "$BUNDLE/rootfs/tmp/hook.out"
    in_container 'echo ran'
    assert_success
    assert_output ran
    assert_equal "$(cat "$BUNDLE/rootfs/tmp/hook.out")" "$(printf 'Seccomp:\t2\ndenied')"
  done
}

# cap_lines: the Cap* lines of the program's status, from $output.
cap_lines() { grep '^Cap' <<<"$output"; }

@test "noNewPrivileges false: the program's capabilities are as without a filter (root, nobody; run and exec)" {
  nnp false
  cfg '.process.capabilities = {
    bounding: ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SETUID"],
    effective: ["CAP_CHOWN", "CAP_KILL"], permitted: ["CAP_CHOWN", "CAP_KILL"],
    inheritable: ["CAP_KILL"], ambient: ["CAP_KILL"]}'
  local u plain filtered id
  for u in 0 65534; do
    cfg --argjson u "$u" '.process.user = {uid: $u, gid: $u} | del(.linux.seccomp)'
    in_container 'grep ^Cap /proc/self/status'
    assert_success
    plain=$(cap_lines)
    deny_mkdir SCMP_ACT_ERRNO
    in_container 'grep ^Cap /proc/self/status'
    assert_success
    filtered=$(cap_lines)
    assert_equal "$filtered" "$plain"
    # CAP_SYS_ADMIN (bit 21), which loading the filter took, is not there.
    local eff
    eff=$(awk '$1 == "CapEff:" { print $2 }' <<<"$filtered")
    (((0x$eff >> 21) & 1)) && fail "uid $u: CapEff $eff has CAP_SYS_ADMIN"

    id=$(new_id)
    start_sleeper "$id"
    run --separate-stderr hull_cmd exec "$id" grep ^Cap /proc/self/status </dev/null
    assert_success
    assert_equal "$(cap_lines)" "$plain"
  done
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

@test "SCMP_ACT_NOTIFY (noNewPrivileges false): fd sent at start, pid as the runtime sees it" {
  nnp false
  cfg '.annotations = {"org.example.k": "v"}'
  notify_mkdir
  start_listener 1
  set_sh 'mkdir /tmp/x || echo denied'
  local id pid
  id=$(new_id)
  create_ctr "$id"
  pid=$(ctr_pid "$id")
  # Loaded last before execve, i.e. after start (runc: at create).
  start_ctr "$id"
  wait_for_file "$T/l.json"
  jq -e --arg pid "$pid" --arg id "$id" '
    (.pid | tostring) == $pid and .state.id == $id
    and .state.annotations == {"org.example.k": "v"}' "$T/l.json" >/dev/null ||
    fail "state: $(cat "$T/l.json"), pid $pid"
  wait_for_status "$id" stopped
  [ "$(cat "$T/$id.out")" = denied ] || fail "out: $(cat "$T/$id.out") err: $(cat "$T/$id.err")"
  grep -q "Operation not permitted" "$T/$id.err" || fail "err: $(cat "$T/$id.err")"
}

# Not even close(2): the fds go at execve (close-on-exec).
@test "SCMP_ACT_NOTIFY under a kill-by-default allow-list: sendmsg is all it needs beyond the program" {
  hull_only "runc needs more: it closes fds and changes uid under the filter"
  nnp false
  seccomp "$(jq -n --argjson n "$BUSYBOX_ONLY" --arg p "$T/l.sock" \
    '{defaultAction: "SCMP_ACT_KILL_PROCESS", listenerPath: $p,
      syscalls: [{names: ($n - ["close"] + ["sendmsg"]), action: "SCMP_ACT_ALLOW"},
                 {names: ["mkdir", "mkdirat"], action: "SCMP_ACT_NOTIFY"}]}')"
  start_listener 28
  in_container 'echo hi; exec mkdir /tmp/x'
  assert_status 1
  assert_output hi
  assert_stderr_contains "No space left on device"
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

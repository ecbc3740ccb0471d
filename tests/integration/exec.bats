#!/usr/bin/env bats
# `exec`: a new process in a running container, asserted from inside it:
# namespaces, cgroup, rootfs, identity, capabilities, seccomp, fds, exit
# status, and the protections init has before execve.

load helpers

setup_file() {
  hull_setup_file
  # Attack helpers (static: the rootfs is busybox only), as hardening.bats.
  ATTACKS=$BATS_FILE_TMPDIR/attacks
  mkdir -p "$ATTACKS"
  local c
  for c in procpeek notifyhold; do
    gcc -static -O2 -o "$ATTACKS/$c" "$BATS_TEST_DIRNAME/../helpers/attacks/$c.c" || true
  done
  export ATTACKS
}
setup() { hull_setup; }
teardown() { hull_teardown; }

# running [SCRIPT]: a started container (sleeping), its ID in $ID.
running() {
  ID=$(new_id)
  start_sleeper "$ID" "$@"
}

# x [EXEC OPTIONS] ID CMD...: `exec` under bats' run (stdin /dev/null).
x() { run --separate-stderr hull_cmd exec "$@" </dev/null; }

# Bits of a capability mask line ("CapEff") in /proc/self/status output.
cap_field() { awk -v f="$1:" '$1 == f { print $2 }' <<<"$output"; }
has_cap() { (((0x$1 >> $2) & 1)); }

@test "exec runs in every namespace of init, pid > 1, in its cgroup and rootfs" {
  running
  echo marker >"$BUNDLE/rootfs/marker"
  x "$ID" sh -c 'for n in mnt pid net ipc uts cgroup user; do
      [ "$(readlink /proc/self/ns/$n)" = "$(readlink /proc/1/ns/$n)" ] || echo "differs: $n"
    done
    [ "$(cat /proc/self/cgroup)" = "$(cat /proc/1/cgroup)" ] || echo "cgroup differs"
    echo "pid $$"; cat /marker'
  assert_success
  [[ $output != *differs* ]] || { show_run; fail "not in init's namespaces/cgroup"; }
  local pid
  pid=$(sed -n 's/^pid //p' <<<"$output")
  [ "$pid" -gt 1 ] || fail "pid in the container: $pid"
  [[ $output == *marker ]] || fail "not in the container's rootfs: $output"
}

@test "exec's host-side cgroups and namespaces are the container's (detached process)" {
  running
  local pid ipid n
  run_files hull_cmd exec -d --pid-file "$T/pid" "$ID" sleep 1000
  assert_success
  pid=$(cat "$T/pid")
  ipid=$(ctr_pid "$ID")
  assert_equal "$(cat "/proc/$pid/cgroup")" "$(cat "/proc/$ipid/cgroup")"
  for n in mnt pid net ipc uts cgroup; do
    assert_equal "$(readlink "/proc/$pid/ns/$n")" "$(readlink "/proc/$ipid/ns/$n")"
  done
  # Running the program, not the runtime any more.
  [ "$(readlink "/proc/$pid/exe")" != "$(readlink -f "$HULL")" ] || fail "still the runtime"
  # Not a zombie, not our child: the caller (hull) has exited.
  alive "$pid" || fail "the detached process is gone"
}

@test "exit status propagates: exit 3 -> 3, killed by SIGKILL -> 137" {
  running
  x "$ID" sh -c 'exit 3'
  assert_status 3
  x "$ID" sh -c 'kill -9 $$'
  assert_status 137
  x "$ID" true
  assert_success
}

@test "stdin and stdout are the caller's: a pipe through exec" {
  running
  run --separate-stderr bash -c "printf 'through\nthe pipe\n' | timeout 10 '$HULL' --root '$ROOT' exec '$ID' tr a-z A-Z 3>&-"
  assert_success
  assert_output "THROUGH
THE PIPE"
}

@test "the caller's signals are forwarded to the process (SIGTERM)" {
  running
  # The process reports it is ready, then waits for SIGTERM.
  timeout 10 "$HULL" --root "$ROOT" exec "$ID" sh -c \
    'trap "echo got-term > /tmp/term; exit 7" TERM; : > /tmp/ready; while :; do sleep 0.1; done' \
    </dev/null >/dev/null 2>&1 3>&- &
  local ex=$!
  wait_for_file "$BUNDLE/rootfs/tmp/ready"
  kill -TERM "$ex"
  local rc=0
  wait "$ex" || rc=$?
  assert_equal "$rc" 7
  assert_equal "$(cat "$BUNDLE/rootfs/tmp/term")" got-term
}

@test "--env adds and replaces variables, --cwd sets the directory; config.json's env kept" {
  cfg '.process.env += ["KEEP=config", "OVER=config"]'
  running
  x --env OVER=flag --env NEW=flag --cwd /tmp "$ID" sh -c 'echo "$KEEP $OVER $NEW"; pwd; env | grep -c "^OVER="'
  assert_success
  assert_output "config flag flag
/tmp
1"
}

@test "--cwd must be absolute; a missing --cwd fails before the program runs" {
  running
  x --cwd tmp "$ID" true
  assert_hull_error "absolute"
  x --cwd /does/not/exist "$ID" sh -c 'echo ran'
  assert_failure
  [[ $output != *ran* ]] || fail "the program ran"
}

@test "--user 1000:1000 with --additional-gids: Uid, Gid and Groups" {
  running
  x --user 1000:1000 --additional-gids 10 --additional-gids 20 "$ID" grep -E '^(Uid|Gid|Groups):' /proc/self/status
  assert_success
  assert_output "$(printf 'Uid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\nGroups:\t10 20 ')"
  # A uid alone keeps config.json's gid.
  x -u 1001 "$ID" sh -c 'echo $(id -u) $(id -g)'
  assert_output "1001 0"
}

@test "--user rejects what is not a number" {
  running
  x --user bob "$ID" true
  assert_hull_error "uid"
  x -g -5 "$ID" true
  assert_failure
}

@test "--cap adds to the effective, permitted and bounding sets, never the inheritable one (CVE-2022-29162)" {
  running
  x "$ID" grep ^Cap /proc/self/status
  assert_success
  has_cap "$(cap_field CapEff)" 21 && fail "CAP_SYS_ADMIN without --cap: $output"
  x --cap CAP_SYS_ADMIN --cap CAP_SYS_PTRACE "$ID" grep ^Cap /proc/self/status
  assert_success
  local eff prm bnd
  eff=$(cap_field CapEff)
  prm=$(cap_field CapPrm)
  bnd=$(cap_field CapBnd)
  for c in 19 21; do
    has_cap "$eff" $c && has_cap "$prm" $c && has_cap "$bnd" $c || fail "cap $c missing: $output"
  done
  assert_equal "$(cap_field CapInh)" 0000000000000000
  assert_equal "$(cap_field CapAmb)" 0000000000000000
}

@test "--cap with an unknown name fails clearly" {
  hull_only "runc warns and ignores it"
  running
  x --cap CAP_NOPE "$ID" true
  assert_hull_error "CAP_NOPE"
}

@test "--no-new-privs sets NoNewPrivs; without it, config.json's value" {
  cfg '.process.noNewPrivileges = false'
  running
  x "$ID" grep ^NoNewPrivs: /proc/self/status
  assert_output "$(printf 'NoNewPrivs:\t0')"
  x --no-new-privs "$ID" grep ^NoNewPrivs: /proc/self/status
  assert_output "$(printf 'NoNewPrivs:\t1')"
}

@test "the container's seccomp filter applies to exec'd processes" {
  cfg '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
    syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 28}]}'
  running
  x "$ID" sh -c 'grep ^Seccomp: /proc/self/status; mkdir /tmp/d 2>&1; [ -d /tmp/d ] && echo made'
  assert_output_contains "$(printf 'Seccomp:\t2')"
  [[ $output == *"No space left on device"* ]] || { show_run; fail "mkdir not filtered"; }
  [[ $output != *made* ]] || fail "mkdir succeeded"
}

@test "rlimits and umask of config.json apply" {
  cfg '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 123, "hard": 456}] | .process.user.umask = 63'
  running
  x "$ID" sh -c 'ulimit -n; ulimit -Hn'
  assert_success
  assert_output "123
456"
  hull_only "runc 1.1 ignores process.user.umask"
  x "$ID" sh -c 'umask'
  assert_output "0077"
}

@test "--process FILE: args, env, cwd, user and capabilities from the file" {
  running
  jq -n '{args: ["sh", "-c", "echo $A; pwd; id -u; grep ^CapEff /proc/self/status"],
    env: ["A=from-file", "PATH=/bin:/usr/bin"], cwd: "/tmp", user: {uid: 7, gid: 8},
    capabilities: {bounding: ["CAP_CHOWN"], effective: ["CAP_CHOWN"], permitted: ["CAP_CHOWN"],
      ambient: ["CAP_CHOWN"], inheritable: ["CAP_CHOWN"]}}' >"$T/process.json"
  x --process "$T/process.json" "$ID"
  assert_success
  assert_output "from-file
/tmp
7
$(printf 'CapEff:\t0000000000000001')"
}

@test "--process: a bad file is reported with its name and the JSON path; nothing runs" {
  running
  echo '{"args": "sh", "cwd": "/"}' >"$T/p.json"
  x -p "$T/p.json" "$ID"
  assert_hull_error "$T/p.json: .args"
  echo '{"args": ["true"], "cwd": "relative"}' >"$T/p.json"
  x -p "$T/p.json" "$ID"
  assert_hull_error "$T/p.json: .cwd"
  x -p "$T/missing.json" "$ID"
  assert_hull_error "missing.json"
  # The file names the command: one on the command line too is refused.
  echo '{"args": ["true"], "cwd": "/"}' >"$T/p.json"
  x -p "$T/p.json" "$ID" echo hi
  assert_hull_error "--process"
}

@test "--preserve-fds passes exactly the extra fds; no runtime fd leaks into the process" {
  running
  local probe='ls -l /proc/self/fd | grep -- "->" | grep -v "/proc/[0-9]*/fd\$" | awk "{ print \$(NF-2) }" | sort -n | tr "\n" " "'
  run --separate-stderr timeout 10 "$HULL" --root "$ROOT" exec "$ID" sh -c "$probe" 3</dev/null 4</dev/null </dev/null
  assert_success
  assert_output "0 1 2 "
  run --separate-stderr timeout 10 "$HULL" --root "$ROOT" exec --preserve-fds 2 "$ID" sh -c "$probe" 3</dev/null 4</dev/null </dev/null
  assert_success
  assert_output "0 1 2 3 4 "
}

@test "--detach returns while the process runs; --pid-file holds its host pid" {
  running
  run_files hull_cmd exec --detach --pid-file "$T/exec.pid" "$ID" sh -c 'echo $$ > /tmp/nspid; exec sleep 1000'
  assert_success
  local pid
  pid=$(cat "$T/exec.pid")
  alive "$pid" || fail "pid file: $pid is not a live process"
  wait_for_file "$BUNDLE/rootfs/tmp/nspid"
  # The same process, seen from inside the container's pid namespace.
  assert_equal "$(awk '/^NSpid:/ { print $NF }' "/proc/$pid/status")" "$(cat "$BUNDLE/rootfs/tmp/nspid")"
}

@test "a missing program: runc's message, non-zero, no process left in the container" {
  running
  x "$ID" nope
  assert_failure
  is_runc || assert_status 255
  if is_runc; then
    assert_stderr_contains 'executable file not found in $PATH'
  else
    assert_stderr_contains 'exec failed: unable to start container process: exec: "nope": executable file not found in $PATH'
  fi
  x "$ID" /nope/at/all
  assert_failure
  x "$ID" ps -o pid,comm
  assert_success
  [ "$(grep -cv -e PID -e ' ps$' <<<"$output")" -eq 1 ] || { show_run; fail "leftover processes"; }
}

@test "no command: 'process args cannot be empty'" {
  running
  x "$ID"
  assert_hull_error "process args cannot be empty"
}

@test "a foreground exec's only child is the process: the joiner was reaped, no zombie" {
  running
  "$HULL" --root "$ROOT" exec "$ID" sh -c ': > /tmp/ready; exec sleep 1000' </dev/null >/dev/null 2>&1 3>&- &
  local ex=$! kids k
  HULL_CLEANUP+=("kill $ex")
  wait_for_file "$BUNDLE/rootfs/tmp/ready"
  kids=$(cat /proc/$ex/task/*/children)
  [ "$(wc -w <<<"$kids")" -eq 1 ] || fail "children of hull exec: $kids"
  for k in $kids; do
    alive "$k" || fail "child $k is a zombie"
    [ "$(readlink "/proc/$k/exe")" != "$(readlink -f "$HULL")" ] || fail "child $k is the runtime"
  done
  # SIGTERM is forwarded: sleep dies of it, hull exits 128+15.
  kill -TERM "$ex"
  local rc=0
  wait "$ex" || rc=$?
  assert_equal "$rc" 143
}

@test "exec into a created container works (as runc)" {
  ID=$(new_id)
  set_args sleep 1000
  create_ctr "$ID"
  x "$ID" echo hello
  assert_success
  assert_output hello
  assert_equal "$(ctr_status "$ID")" created
}

@test "exec into a paused container is refused; --ignore-paused runs it once resumed" {
  running
  hull_cmd pause "$ID"
  x "$ID" true
  assert_failure
  assert_stderr_contains "cannot exec in a paused container (use --ignore-paused to override)"
  timeout 10 "$HULL" --root "$ROOT" exec --ignore-paused "$ID" sh -c 'echo ran > /tmp/ran' \
    </dev/null >/dev/null 2>"$T/ip.err" 3>&- &
  local ex=$!
  hull_cmd resume "$ID"
  local rc=0
  wait "$ex" || rc=$?
  [ "$rc" -eq 0 ] || fail "exec --ignore-paused failed ($rc): $(cat "$T/ip.err")"
  assert_equal "$(cat "$BUNDLE/rootfs/tmp/ran")" ran
}

@test "exec into a stopped or missing container fails" {
  ID=$(new_id)
  set_args true
  create_ctr "$ID"
  start_ctr "$ID"
  wait_for_status "$ID" stopped
  x "$ID" true
  assert_failure
  assert_stderr_contains "cannot exec in a stopped container"
  x "$TAG-missing" true
  assert_failure
  assert_stderr_contains "container does not exist"
}

@test "--tty: runc's checks against --detach and --console-socket, nothing started" {
  running
  x --tty --detach "$ID" true
  assert_failure
  assert_stderr_contains "cannot allocate tty if"
  x --console-socket "$T/none.sock" --detach "$ID" true
  assert_failure
  assert_stderr_contains "cannot use console socket if"
  [ "$(hull_cmd ps --format json "$ID")" = "[$(ctr_pid "$ID")]" ] || fail "a process was started"
}

@test "--cgroup PATH runs the process in an existing sub-cgroup; escaping is refused" {
  hull_only "hull's messages"
  running
  local ipid dir arg
  ipid=$(ctr_pid "$ID")
  if [ "$(grep -cv '^0::' "/proc/$ipid/cgroup")" -eq 0 ]; then
    # cgroup v2: one path for the one hierarchy.
    dir=/sys/fs/cgroup$(sed -n 's/^0:://p' "/proc/$ipid/cgroup")
    arg=sub
  else
    # v1 or hybrid: per controller.
    dir=/sys/fs/cgroup/memory$(awk -F: '$2 ~ /(^|,)memory(,|$)/ { print $3 }' "/proc/$ipid/cgroup")
    arg=memory:sub
  fi
  mkdir "$dir/sub"
  HULL_CLEANUP+=("rmdir $dir/sub")
  x --cgroup "$arg" "$ID" cat /proc/self/cgroup
  assert_success
  grep -q '/sub$' <<<"$output" || { show_run; fail "not in the sub-cgroup"; }
  x --cgroup "${arg%sub}../.." "$ID" true
  assert_hull_error "leave the container's cgroup"
  x --cgroup "${arg%sub}nope" "$ID" true
  assert_hull_error "nope"
}

# ------------------------------------------ protections before execve

need_attack() {
  [ -x "$ATTACKS/$1" ] || skip "attack helper $1 not built (gcc -static with libc6-dev needed)"
}

nspid() { awk '/^NSpid:/ { print $NF }' "/proc/$1/status"; }

@test "CVE-2019-5736 / CVE-2016-9962: before execve the exec'd process (the hull binary) is out of the container's reach" {
  hull_only "runc's exec'd process runs a sealed copy before execve"
  need_attack procpeek
  need_attack notifyhold
  command -v setpriv >/dev/null || skip "setpriv not installed"
  cp "$ATTACKS/procpeek" "$BUNDLE/rootfs/procpeek"
  # A notify agent that holds the exec'd process in its first notified
  # syscall under the filter, the execve(2) itself (the filter is loaded
  # last): after its identity change, still the hull binary. Without
  # noNewPrivileges it still has CAP_SYS_ADMIN there, for the filter.
  "$ATTACKS/notifyhold" "$T/hold.sock" "$T/held" 3>&- &
  HULL_CLEANUP+=("kill $!")
  wait_for_file "$T/hold.sock"
  cfg --arg p "$T/hold.sock" '.process.noNewPrivileges = false
    | .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", listenerPath: $p,
        syscalls: [{names: ["execve"], action: "SCMP_ACT_NOTIFY"}]}'
  # The container's own process is the attacker: procpeek on the pid in
  # /tmp/goN, results in /tmp/peekN.{out,rc}.
  ID=$(new_id)
  start_sleeper "$ID" ': > /tmp/'"$ID"'.up
    for n in 1 2; do
      while [ ! -s /tmp/go$n ]; do sleep 0.05; done
      /procpeek $(cat /tmp/go$n) > /tmp/peek$n.out 2>&1; echo $? > /tmp/peek$n.rc
    done
    exec sleep 1000'
  "$HULL" --root "$ROOT" exec "$ID" true </dev/null >/dev/null 2>&1 3>&- &
  HULL_CLEANUP+=("kill $!")
  wait_for_file "$T/held"
  local pid
  pid=$(cat "$T/held")
  # Held before execve: still the runtime binary, in the container's pid
  # namespace, with the process's own capabilities (no CAP_SYS_PTRACE).
  [ "$(readlink "/proc/$pid/exe")" = "$(readlink -f "$HULL")" ] || fail "the held process is not the hull binary"
  [ "$(nspid "$pid")" != "$pid" ] || fail "not in the container's pid namespace"
  local prm
  prm=$(awk '/^CapPrm:/ { print $2 }' "/proc/$pid/status")
  (((0x$prm >> 19) & 1)) && fail "the held process has CAP_SYS_PTRACE: the check below would prove nothing"
  # The listener was told who it is: its host pid, the container running.
  assert_equal "$(jq -r .pid "$T/held.json")" "$pid"
  assert_equal "$(jq -r .state.status "$T/held.json")" running
  assert_equal "$(jq -r .state.id "$T/held.json")" "$ID"

  nspid "$pid" >"$BUNDLE/rootfs/tmp/go1"
  wait_for_file "$BUNDLE/rootfs/tmp/peek1.rc"
  output=$(cat "$BUNDLE/rootfs/tmp/peek1.out")
  echo "$output" >&2
  local what
  for what in exe-wronly exe-rdonly exe-opath exe-readlink mem fd0-readlink fd0 cwd root; do
    grep -qx "$what denied.*" <<<"$output" || fail "$what not denied: $output"
  done
  # From the host, root without CAP_SYS_PTRACE: same answer.
  run setpriv --bounding-set=-sys_ptrace readlink "/proc/$pid/exe"
  assert_failure
  run setpriv --bounding-set=-sys_ptrace readlink "/proc/$pid/fd/0"
  assert_failure
  run setpriv --bounding-set=-sys_ptrace head -c1 "/proc/$pid/mem"
  assert_failure
  run setpriv --bounding-set=-sys_ptrace ls "/proc/$pid/root/"
  assert_failure

  # Control: an exec'd program with the same capabilities, after execve,
  # is reachable by the same attack (so the denials above are the
  # non-dumpable flag's doing).
  run_files hull_cmd exec -d --pid-file "$T/ctl.pid" "$ID" sleep 1000
  assert_success
  nspid "$(cat "$T/ctl.pid")" >"$BUNDLE/rootfs/tmp/go2"
  wait_for_file "$BUNDLE/rootfs/tmp/peek2.rc"
  output=$(cat "$BUNDLE/rootfs/tmp/peek2.out")
  grep -qx 'exe-readlink ok' <<<"$output" || fail "control: the exec'd program is unreachable: $output"
  grep -q '^exe-wronly denied' <<<"$output" || fail "control: the program's binary is writable: $output"
}

@test "CVE-2019-5736: exec refuses a program that would run the hull binary" {
  hull_only "runc copes with a sealed copy of itself instead"
  running
  printf '#!/proc/self/exe\n' | container_script evil-script
  ln -s /proc/self/exe "$BUNDLE/rootfs/evil-link"
  local prog
  for prog in /evil-script /evil-link /proc/self/exe; do
    x "$ID" "$prog"
    assert_hull_error "runtime binary"
  done
  # The binary is intact.
  "$HULL" --version >/dev/null
}

# ------------------------------------------------------- user namespace

@test "user namespace: exec joins it first, its uid maps to the container's, the rest follows" {
  local d=$T
  while [ "$d" != / ] && [ "$d" != /tmp ]; do
    chmod o+x "$d"
    d=$(dirname "$d")
  done
  add_ns user
  cfg '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
     | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
  chown -R 100000:100000 "$BUNDLE/rootfs"
  running
  local pid
  x "$ID" sh -c 'for n in user mnt pid net ipc uts cgroup; do
      [ "$(readlink /proc/self/ns/$n)" = "$(readlink /proc/1/ns/$n)" ] || echo "differs: $n"
    done; id -u; cat /proc/self/uid_map'
  assert_success
  [[ $output != *differs* ]] || { show_run; fail "not in init's namespaces"; }
  assert_equal "$(echo $output)" "0 0 100000 65536"
  run_files hull_cmd exec --user 1000:1000 --detach --pid-file "$T/p" "$ID" sleep 1000
  assert_success
  pid=$(cat "$T/p")
  # Seen from the host: the mapped ids.
  assert_equal "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" 101000
  assert_equal "$(awk '/^Gid:/ { print $2 }' "/proc/$pid/status")" 101000
}

@test "exec takes the config the container was created from, not the bundle's later edits" {
  hull_only "runc keeps its own copy too, in another form"
  cfg '.process.env += ["FROM=create"]
    | .linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
        syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO"}]}'
  running
  # After create: a different env and no filter in the bundle.
  cfg '.process.env = ["PATH=/bin", "FROM=edit"] | del(.linux.seccomp)'
  x "$ID" sh -c 'echo "$FROM"; mkdir /tmp/x && echo made'
  assert_equal "${lines[0]}" create
  [[ $output != *made* ]] || { show_run; fail "the edited config's seccomp (none) applied"; }
}

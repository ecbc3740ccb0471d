#!/usr/bin/env bats
# OCI hooks (config.md "POSIX-platform Hooks", runtime.md "Lifecycle"):
# where and when each kind runs, what it gets, and what its failure does.

load helpers

setup_file() { hull_setup_file; }
setup() {
  hull_setup
  BUNDLE_REAL=$(realpath "$BUNDLE")
}
teardown() { hull_teardown; }

# host_hook NAME BODY: a /bin/sh script on the host at $T/NAME. It runs
# with exactly the env its hook entry gives (none here), so it gets a PATH.
host_hook() {
  printf '#!/bin/sh\nPATH=/usr/sbin:/usr/bin:/sbin:/bin\n%s\n' "$2" >"$T/$1"
  chmod 0755 "$T/$1"
}

# add_hook KIND JSON: appends one hook entry to .hooks.KIND.
add_hook() { cfg --arg k "$1" --argjson h "$2" '.hooks[$k] += [$h]'; }

# sh_hook KIND SCRIPT [TIMEOUT]: a `sh -c SCRIPT` hook (the runtime's sh for
# runtime-namespace kinds, busybox sh for startContainer), carrying the
# test's tag so a process it leaves behind is found.
sh_hook() {
  local h
  h=$(jq -n --arg s "$2" --arg tag "HULL_TEST_TAG=$TAG" \
    '{path: "/bin/sh", args: ["sh", "-c", $s], env: [$tag, "PATH=/usr/bin:/bin"]}')
  [ -n "${3:-}" ] && h=$(jq --argjson t "$3" '.timeout = $t' <<<"$h")
  add_hook "$1" "$h"
}

# check_state FILE ID STATUS [PID]: FILE holds OCI state JSON for ID.
check_state() {
  jq -e . "$1" >/dev/null || fail "$1 is not JSON: $(cat "$1")"
  assert_equal "$(jq -r .id "$1")" "$2"
  assert_equal "$(jq -r .status "$1")" "$3"
  assert_equal "$(jq -r .bundle "$1")" "$BUNDLE_REAL"
  assert_equal "$(jq -r .ociVersion "$1")" "$(jq -r .ociVersion "$BUNDLE/config.json")"
  [ -z "${4:-}" ] || assert_equal "$(jq -r .pid "$1")" "$4"
}

@test "features lists the six hooks" {
  run_files hull_cmd features
  assert_success
  assert_equal "$(jq -c .hooks <<<"$output")" \
    '["prestart","createRuntime","createContainer","startContainer","poststart","poststop"]'
}

@test "each hook runs once, in lifecycle order, with its status on stdin" {
  local id pid k
  id=$(new_id)
  for k in prestart createRuntime createContainer poststart poststop; do
    host_hook "$k.sh" "echo $k >> $T/order; cat > $T/$k.json"
    add_hook "$k" "$(jq -n --arg p "$T/$k.sh" '{path: $p}')"
  done
  container_script start.sh <<'EOF'
#!/bin/sh
echo startContainer >> /tmp/order
cat > /tmp/startContainer.json
EOF
  add_hook startContainer '{"path": "/start.sh"}'
  set_sh 'cat /tmp/order > /tmp/seen-by-program; exec sleep 1000'

  create_ctr "$id"
  pid=$(ctr_pid "$id")
  hull_only "runc 1.1 runs poststart at create"
  assert_equal "$(cat "$T/order" | tr '\n' ' ')" "prestart createRuntime createContainer "
  [ ! -e "$BUNDLE/rootfs/tmp/order" ] || fail "startContainer ran at create"
  check_state "$T/prestart.json" "$id" creating "$pid"
  check_state "$T/createRuntime.json" "$id" creating "$pid"
  # runc gives it the pid inside the container.
  check_state "$T/createContainer.json" "$id" creating "$pid"

  start_ctr "$id"
  wait_for_file "$BUNDLE/rootfs/tmp/seen-by-program"
  assert_equal "$(cat "$BUNDLE/rootfs/tmp/seen-by-program")" startContainer
  check_state "$BUNDLE/rootfs/tmp/startContainer.json" "$id" created "$pid"
  assert_equal "$(cat "$T/order" | tr '\n' ' ')" "prestart createRuntime createContainer poststart "
  check_state "$T/poststart.json" "$id" running "$pid"

  hull_cmd kill "$id" KILL
  wait_for_status "$id" stopped
  [ ! -e "$T/poststop.json" ] || fail "poststop ran before delete"
  hull_cmd delete "$id"
  check_state "$T/poststop.json" "$id" stopped
  assert_equal "$(wc -l <"$T/order")" 5
  assert_nothing_left "$id"
}

@test "prestart and createRuntime run in the runtime's namespaces once the container's exist, mounts done, before pivot_root" {
  local id pid k
  id=$(new_id)
  for k in prestart createRuntime; do
    host_hook "$k.sh" "pid=\$(jq .pid)
readlink /proc/self/ns/mnt > $T/$k.self
readlink /proc/\$pid/ns/mnt > $T/$k.ctr
cat /proc/\$pid/cgroup > $T/$k.cgroup
grep -c ' $BUNDLE_REAL/rootfs/proc ' /proc/\$pid/mountinfo > $T/$k.procmount
readlink /proc/\$pid/root > $T/$k.root"
    add_hook "$k" "$(jq -n --arg p "$T/$k.sh" '{path: $p}')"
  done
  create_ctr "$id"
  pid=$(ctr_pid "$id")
  for k in prestart createRuntime; do
    assert_equal "$(cat "$T/$k.self")" "$(readlink /proc/self/ns/mnt)"
    assert_equal "$(cat "$T/$k.ctr")" "$(readlink "/proc/$pid/ns/mnt")"
    [ "$(cat "$T/$k.ctr")" != "$(readlink /proc/self/ns/mnt)" ] || fail "no mount ns yet"
    # Already in its cgroup, every hierarchy.
    grep -q "/$id\$" "$T/$k.cgroup" || fail "init not in its cgroup: $(cat "$T/$k.cgroup")"
    ! grep -v "/$id\$" "$T/$k.cgroup" | grep -q . ||
      fail "some hierarchy without the container's cgroup: $(cat "$T/$k.cgroup")"
    # The container's /proc is mounted, but the root is still the host's.
    assert_equal "$(cat "$T/$k.procmount")" 1
    assert_equal "$(cat "$T/$k.root")" /
  done
}

@test "createContainer runs in the container's namespaces, after the mounts, before pivot_root" {
  local id pid ns
  id=$(new_id)
  # Resolved on the host (it is not in the rootfs), run in the container.
  host_hook cc.sh "for ns in mnt net uts ipc pid; do echo \$ns \$(readlink /proc/self/ns/\$ns); done > $T/cc.ns
cat /proc/sys/kernel/hostname > $T/cc.hostname
grep -c ' $BUNDLE_REAL/rootfs/proc ' /proc/self/mountinfo > $T/cc.procmount"
  add_hook createContainer "$(jq -n --arg p "$T/cc.sh" '{path: $p}')"
  cfg '.hostname = "hooked"'
  create_ctr "$id"
  pid=$(ctr_pid "$id")
  for ns in mnt net uts ipc pid; do
    assert_equal "$(awk -v n=$ns '$1 == n { print $2 }' "$T/cc.ns")" "$(readlink "/proc/$pid/ns/$ns")"
    [ "$(readlink "/proc/$pid/ns/$ns")" != "$(readlink "/proc/self/ns/$ns")" ] || fail "$ns is the host's"
  done
  assert_equal "$(cat "$T/cc.procmount")" 1
  hull_only "runc sets the hostname later"
  assert_equal "$(cat "$T/cc.hostname")" hooked
}

@test "createContainer runs with the container's rootfs as its working directory" {
  local id
  id=$(new_id)
  host_hook cwd.sh "pwd -P > $T/cc.cwd"
  add_hook createContainer "$(jq -n --arg p "$T/cwd.sh" '{path: $p}')"
  create_ctr "$id"
  assert_equal "$(cat "$T/cc.cwd")" "$BUNDLE_REAL/rootfs"
}

@test "startContainer runs inside the container after start, its path resolved in the rootfs" {
  local id pid
  id=$(new_id)
  # Only in the rootfs: found there or not at all.
  container_script only-in-rootfs.sh <<'EOF'
#!/bin/sh
readlink /proc/self/ns/mnt > /tmp/sc.mnt
ls / > /tmp/sc.root
EOF
  [ ! -e /only-in-rootfs.sh ]
  add_hook startContainer '{"path": "/only-in-rootfs.sh"}'
  set_sh 'exec sleep 1000'
  create_ctr "$id"
  [ ! -e "$BUNDLE/rootfs/tmp/sc.mnt" ] || fail "ran at create"
  start_ctr "$id"
  pid=$(ctr_pid "$id")
  wait_for_file "$BUNDLE/rootfs/tmp/sc.root"
  assert_equal "$(cat "$BUNDLE/rootfs/tmp/sc.mnt")" "$(readlink "/proc/$pid/ns/mnt")"
  grep -qx only-in-rootfs.sh "$BUNDLE/rootfs/tmp/sc.root" || fail "/ is not the rootfs"
}

@test "poststart runs once the program is running, before start returns" {
  hull_only "runc 1.1 runs poststart at create, before the exec"
  local id
  id=$(new_id)
  host_hook ps.sh "pid=\$(jq .pid)
tr '\\0' ' ' < /proc/\$pid/cmdline > $T/ps.cmdline"
  add_hook poststart "$(jq -n --arg p "$T/ps.sh" '{path: $p}')"
  set_args sleep 1000
  create_ctr "$id"
  start_ctr "$id"
  # No wait: start has returned, so the hook has run, and init had exec'd.
  assert_equal "$(cat "$T/ps.cmdline")" "sleep 1000 "
}

@test "poststop runs after the container is deleted, before delete returns" {
  local id
  id=$(new_id)
  host_hook stop.sh "cat > $T/stop.json
[ -e $ROOT/$id ] && echo present > $T/stop.dir || echo gone > $T/stop.dir"
  add_hook poststop "$(jq -n --arg p "$T/stop.sh" '{path: $p}')"
  start_sleeper "$id"
  hull_cmd delete --force "$id"
  check_state "$T/stop.json" "$id" stopped
  assert_equal "$(cat "$T/stop.dir")" gone
  assert_nothing_left "$id"
}

@test "a foreground run runs poststop after the container exits" {
  local id
  id=$(new_id)
  host_hook stop.sh "cat > $T/stop.json"
  add_hook poststop "$(jq -n --arg p "$T/stop.sh" '{path: $p}')"
  set_args true
  run_files hull_cmd run --bundle "$BUNDLE" "$id"
  assert_success
  check_state "$T/stop.json" "$id" stopped
  assert_nothing_left "$id"
}

@test "a hook gets exactly its args (args[0] as argv[0]) and env, not the runtime's" {
  local id script
  id=$(new_id)
  script="cat /proc/\$\$/cmdline > $T/argv; cat /proc/\$\$/environ > $T/env"
  add_hook createRuntime "$(jq -n --arg s "$script" \
    '{path: "/bin/sh", args: ["my-argv0", "-c", $s, "a b", ""], env: ["X=1", "Y=two words"]}')"
  HULL_SECRET=leaked create_ctr "$id"
  cmp "$T/argv" <(printf '%s\0' my-argv0 -c "$script" "a b" "") ||
    fail "argv: $(tr '\0' '|' <"$T/argv")"
  cmp "$T/env" <(printf '%s\0' X=1 "Y=two words") || fail "env: $(tr '\0' '|' <"$T/env")"
}

@test "the state on stdin carries the annotations, even past a pipe's default buffer" {
  local id big
  id=$(new_id)
  big=$(head -c 100000 /dev/zero | tr '\0' x)
  cfg --arg v "$big" '.annotations = {"org.example.small": "1", "org.example.big": $v}'
  host_hook cr.sh "cat > $T/cr.json"
  add_hook createRuntime "$(jq -n --arg p "$T/cr.sh" '{path: $p}')"
  create_ctr "$id"
  assert_equal "$(jq -r '.annotations["org.example.small"]' "$T/cr.json")" 1
  assert_equal "$(jq -r '.annotations["org.example.big"] | length' "$T/cr.json")" 100000
}

@test "a hook past its timeout is killed with what it started, and create fails leaving nothing" {
  hull_only "runc kills only the hook process"
  local id
  id=$(new_id)
  # sh waits on a child sleep: both must go.
  sh_hook createRuntime 'echo about to hang; sleep 100; echo never' 1
  run_files hull_cmd create --bundle "$BUNDLE" "$id"
  assert_hull_error "config.json: .hooks.createRuntime[0]: error running hook /bin/sh: ran past specified timeout of 1s, killed: about to hang"
  assert_nothing_left "$id"
}

@test "a failing prestart, createRuntime or createContainer hook fails create with its output, runs nothing after it, and leaves nothing" {
  local k id
  for k in prestart createRuntime createContainer; do
    cfg 'del(.hooks)'
    rm -f "$T/ran"
    set_sh "echo program > $T/ran"
    sh_hook "$k" 'echo first >> '"$T/ran"
    sh_hook "$k" 'echo to stdout; echo why it failed >&2; exit 3'
    sh_hook "$k" 'echo after >> '"$T/ran"
    sh_hook createContainer 'echo later-kind >> '"$T/ran"
    sh_hook poststop 'echo poststop >> '"$T/ran"
    id=$(new_id "$k")
    run_files hull_cmd create --bundle "$BUNDLE" "$id"
    assert_hull_error "config.json: .hooks.$k[1]: error running hook /bin/sh: exited with status 3: to stdout why it failed"
    # Step 12 and 13: destroyed, then poststop.
    assert_equal "$(cat "$T/ran" | tr '\n' ' ')" "first poststop "
    assert_nothing_left "$id"
  done
}

@test "a hook that cannot be executed fails create, naming it" {
  hull_only
  add_hook createRuntime '{"path": "/nonexistent/hook"}'
  create_fails "config.json: .hooks.createRuntime[0]: error running hook /nonexistent/hook: No such file or directory"
}

@test "a hook killed by a signal fails create, naming the signal" {
  hull_only
  sh_hook prestart 'kill -TERM $$'
  create_fails "config.json: .hooks.prestart[0]: error running hook /bin/sh: killed by signal 15 (SIGTERM)"
}

@test "a failing startContainer hook fails start, the program never runs, and the container is destroyed" {
  hull_only "runc's start does not report it"
  local id
  id=$(new_id)
  set_sh "echo program > /tmp/ran; exec sleep 1000"
  container_script fail.sh <<'EOF'
#!/bin/sh
echo in the container >&2
exit 7
EOF
  add_hook startContainer '{"path": "/fail.sh"}'
  sh_hook poststop "echo poststop > $T/poststop"
  create_ctr "$id"
  run_files hull_cmd start "$id"
  assert_hull_error "config.json: .hooks.startContainer[0]: error running hook /fail.sh: exited with status 7: in the container"
  [ ! -e "$BUNDLE/rootfs/tmp/ran" ] || fail "the program ran"
  assert_equal "$(cat "$T/poststop")" poststop
  assert_nothing_left "$id"
}

@test "a failing poststart hook fails start and destroys the container (runtime-spec 1.3)" {
  hull_only "runc 1.1 leaves the container"
  local id
  id=$(new_id)
  set_args sleep 1000
  sh_hook poststart 'echo no network >&2; exit 1'
  sh_hook poststart "echo second > $T/second"
  sh_hook poststop "echo poststop > $T/poststop"
  create_ctr "$id"
  run_files hull_cmd start "$id"
  assert_hull_error "config.json: .hooks.poststart[0]: error running hook /bin/sh: exited with status 1: no network"
  [ ! -e "$T/second" ] || fail "the next poststart hook ran"
  assert_equal "$(cat "$T/poststop")" poststop
  assert_nothing_left "$id"
}

@test "a failing poststart hook fails a run too, leaving nothing" {
  hull_only
  sh_hook poststart 'exit 1'
  run_fails "config.json: .hooks.poststart[0]: error running hook /bin/sh: exited with status 1"
}

@test "a failing poststop hook is a warning: delete succeeds and the next one still runs" {
  local id
  id=$(new_id)
  sh_hook poststop 'echo cleanup failed >&2; exit 2'
  sh_hook poststop "echo second > $T/second"
  start_sleeper "$id"
  run_files hull_cmd delete --force "$id"
  assert_success
  assert_stderr_contains "error running hook"
  hull_only
  assert_stderr_contains "config.json: .hooks.poststop[0]: error running hook /bin/sh: exited with status 2: cleanup failed"
  assert_equal "$(cat "$T/second")" second
  assert_nothing_left "$id"
}

@test "hooks are fixed at create: editing config.json afterwards changes nothing" {
  local id
  id=$(new_id)
  sh_hook poststart "echo poststart > $T/poststart"
  sh_hook poststop "echo poststop > $T/poststop"
  set_args sleep 1000
  create_ctr "$id"
  cfg 'del(.hooks)'
  start_ctr "$id"
  assert_equal "$(cat "$T/poststart")" poststart
  hull_cmd delete --force "$id"
  assert_equal "$(cat "$T/poststop")" poststop
}

@test "a hook that leaves a process holding its output does not block create" {
  hull_only "runc waits for the output to close"
  local id
  id=$(new_id)
  # The background sleep keeps the hook's stdout and stderr open.
  sh_hook createRuntime 'sleep 100 & echo started'
  create_ctr "$id"
  # create returned while that process still runs (teardown kills it).
  [ -n "$(tagged_pids | while read -r p; do
    grep -qx 'sleep' "/proc/$p/comm" 2>/dev/null && echo "$p"; done)" ] ||
    fail "the hook's background process is gone"
}

@test "createContainer in a new user namespace runs as its root; startContainer as the process's user" {
  local id d
  id=$(new_id)
  # The mapped root must reach the hook and a place to write on the host.
  d=$T
  while [ "$d" != / ] && [ "$d" != /tmp ]; do
    chmod o+x "$d"
    d=$(dirname "$d")
  done
  mkdir -m 1777 "$T/out"
  add_ns user
  cfg '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
     | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
     | .process.user = {"uid": 1000, "gid": 1000}'
  host_hook cc.sh "id -u > $T/out/cc.uid; readlink /proc/self/ns/user > $T/out/cc.userns"
  chmod o+rx "$T/cc.sh"
  add_hook createContainer "$(jq -n --arg p "$T/cc.sh" '{path: $p}')"
  container_script sc.sh <<'EOF2'
#!/bin/sh
id -u > /tmp/sc.uid
EOF2
  add_hook startContainer '{"path": "/sc.sh"}'
  set_sh 'exec sleep 1000'
  chmod 1777 "$BUNDLE/rootfs/tmp"
  create_ctr "$id"
  assert_equal "$(cat "$T/out/cc.uid")" 0
  assert_equal "$(cat "$T/out/cc.userns")" "$(readlink "/proc/$(ctr_pid "$id")/ns/user")"
  start_ctr "$id"
  wait_for_file "$BUNDLE/rootfs/tmp/sc.uid"
  assert_equal "$(cat "$BUNDLE/rootfs/tmp/sc.uid")" 1000
}

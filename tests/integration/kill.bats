#!/usr/bin/env bats
# `kill`: signal names and numbers, the default, --all, errors.
# The container's init is PID 1 of its pid namespace: it only receives the
# signals it has a handler for, so the tests trap them in sh.

load helpers

setup_file() { hull_setup_file; }
setup() { hull_setup; }
teardown() { hull_teardown; }

# trapper ID SIGNAL: a running container whose init writes "got" to
# /tmp/sig when SIGNAL arrives (and keeps running).
trapper() {
  start_sleeper "$1" "trap 'echo got > /tmp/sig' $2; : > /tmp/$1.up; while :; do sleep 0.1; done"
}

sig_file() { echo "$BUNDLE/rootfs/tmp/sig"; }

@test "kill without a signal sends SIGTERM" {
  local id
  id=$(new_id)
  trapper "$id" TERM
  hull_cmd kill "$id"
  wait_for_file "$(sig_file)"
  [ "$(cat "$(sig_file)")" = got ]
}

@test "kill accepts a signal name without SIG (USR1)" {
  local id
  id=$(new_id)
  trapper "$id" USR1
  hull_cmd kill "$id" USR1
  wait_for_file "$(sig_file)"
  [ "$(ctr_status "$id")" = running ]
}

@test "kill accepts a signal name with SIG (SIGUSR1)" {
  local id
  id=$(new_id)
  trapper "$id" USR1
  hull_cmd kill "$id" SIGUSR1
  wait_for_file "$(sig_file)"
  [ "$(ctr_status "$id")" = running ]
}

@test "kill accepts a signal number (10 = SIGUSR1)" {
  local id
  id=$(new_id)
  trapper "$id" USR1
  hull_cmd kill "$id" 10
  wait_for_file "$(sig_file)"
  [ "$(ctr_status "$id")" = running ]
}

@test "kill 9 stops the container" {
  local id
  id=$(new_id)
  start_sleeper "$id"
  hull_cmd kill "$id" 9
  wait_for_status "$id" stopped
}

@test "kill with an unknown signal name fails and leaves the container running" {
  local id
  id=$(new_id)
  start_sleeper "$id"
  run --separate-stderr hull_cmd kill "$id" NOSUCHSIG
  assert_failure
  if ! is_runc; then assert_hull_error "NOSUCHSIG"; fi
  [ "$(ctr_status "$id")" = running ]
}

@test "kill --all signals every process in the container, not only init" {
  local id
  id=$(new_id)
  container_script child.sh <<'EOF'
#!/bin/sh
trap 'echo got > /tmp/child-sig' USR1
: > /tmp/child.up
while :; do sleep 0.1; done
EOF
  start_sleeper "$id" "trap 'echo got > /tmp/sig' USR1; /child.sh & : > /tmp/$id.up; while :; do sleep 0.1; done"
  wait_for_file "$BUNDLE/rootfs/tmp/child.up"
  run --separate-stderr hull_cmd kill --all "$id" USR1
  assert_success
  wait_for_file "$BUNDLE/rootfs/tmp/child-sig"
}

@test "kill without --all does not signal the other processes" {
  local id
  id=$(new_id)
  container_script child.sh <<'EOF'
#!/bin/sh
trap 'echo got > /tmp/child-sig' USR1
: > /tmp/child.up
while :; do sleep 0.1; done
EOF
  start_sleeper "$id" "trap 'echo got > /tmp/sig' USR1; /child.sh & : > /tmp/$id.up; while :; do sleep 0.1; done"
  wait_for_file "$BUNDLE/rootfs/tmp/child.up"
  hull_cmd kill "$id" USR1
  wait_for_file "$(sig_file)"
  [ ! -e "$BUNDLE/rootfs/tmp/child-sig" ] || fail "the child got the signal"
}

@test "kill --all KILL stops the container and all its processes" {
  local id pid child
  id=$(new_id)
  start_sleeper "$id" "sleep 1000 & : > /tmp/$id.up; wait"
  pid=$(ctr_pid "$id")
  child=$(cat "/proc/$pid/task/$pid/children")
  [ -n "$child" ] || fail "no child of $pid"
  hull_cmd kill --all "$id" KILL
  wait_for_status "$id" stopped
  wait_gone $child || fail "child $child survived"
}

# Without a pid namespace the container's processes do not die with its
# init: only kill --all (cgroup.kill on v2, freeze-signal-thaw on v1) gets
# a grandchild that its parent left behind.
@test "kill --all KILL kills a forked grandchild (no pid namespace)" {
  local id gc
  id=$(new_id)
  del_ns pid
  start_sleeper "$id" "sh -c 'sleep 1000 & echo \$! > /tmp/gc' & wait; : > /tmp/$id.up; exec sleep 1000"
  gc=$(cat "$BUNDLE/rootfs/tmp/gc")
  alive "$gc" || fail "grandchild $gc not running"
  [ "$(awk '{ print $4 }' "/proc/$gc/stat")" != "$(ctr_pid "$id")" ] || fail "not orphaned"
  hull_cmd kill --all "$id" KILL
  wait_for_status "$id" stopped
  wait_gone "$gc" || fail "grandchild $gc survived kill --all"
}

@test "kill without --all leaves that grandchild alive (the test above can fail)" {
  local id gc
  id=$(new_id)
  del_ns pid
  start_sleeper "$id" "sh -c 'sleep 1000 & echo \$! > /tmp/gc' & wait; : > /tmp/$id.up; exec sleep 1000"
  gc=$(cat "$BUNDLE/rootfs/tmp/gc")
  hull_cmd kill "$id" KILL
  wait_for_status "$id" stopped
  alive "$gc" || fail "grandchild $gc died without --all"
  kill -9 "$gc"
}

@test "kill --all KILL stops a container that keeps forking" {
  local id
  id=$(new_id)
  del_ns pid
  cfg '.linux.resources.pids = {"limit": 100}'
  # 20 long sleepers, then a loop forking (and reaping) without pause.
  start_sleeper "$id" "for i in \$(seq 20); do sleep 1000 & done; : > /tmp/$id.up
    while :; do sleep 1000 & kill \$!; wait \$!; done"
  [ "$(tagged_pids | wc -l)" -ge 21 ] || fail "sleepers missing: $(tagged_pids | wc -l)"
  hull_cmd kill --all "$id" KILL
  wait_for_status "$id" stopped
  local left
  left=$(tagged_pids)
  [ -z "$left" ] || wait_gone $left || fail "processes survived: $left"
}

@test "kill --all KILL of a paused container stops it and all its processes" {
  local id pid child
  id=$(new_id)
  start_sleeper "$id" "sleep 1000 & : > /tmp/$id.up; wait"
  pid=$(ctr_pid "$id")
  child=$(cat "/proc/$pid/task/$pid/children")
  hull_cmd pause "$id"
  [ "$(ctr_status "$id")" = paused ] || fail "not paused"
  hull_cmd kill --all "$id" KILL
  wait_for_status "$id" stopped
  wait_gone $child || fail "child $child survived"
}

@test "kill --all on a container without a cgroup signals its init" {
  local id
  id=$(new_id)
  set_sh "exec sleep 1000"
  register_id "$id"
  hull_cmd --cgroup-manager disabled create --bundle "$BUNDLE" "$id" </dev/null >/dev/null 2>&1
  hull_cmd start "$id"
  hull_cmd kill --all "$id" KILL
  wait_for_status "$id" stopped
}

@test "kill of a missing container fails with 'container does not exist'" {
  run --separate-stderr hull_cmd kill "$TAG-missing" KILL
  assert_hull_error "container does not exist"
  assert_stderr_contains "container does not exist"
}

@test "kill of a stopped container fails with 'container not running'" {
  local id
  id=$(new_id)
  start_sleeper "$id"
  hull_cmd kill "$id" KILL
  wait_for_status "$id" stopped
  run --separate-stderr hull_cmd kill "$id" KILL
  assert_hull_error "container not running"
  assert_stderr_contains "container not running"
}

@test "kill of a created container delivers the signal and stops it" {
  local id
  id=$(new_id)
  set_sh "exec sleep 1000"
  create_ctr "$id"
  hull_cmd kill "$id" KILL
  wait_for_status "$id" stopped
}

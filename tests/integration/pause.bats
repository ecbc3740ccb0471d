#!/usr/bin/env bats
# `pause` / `resume`: the cgroup freezer stops and restarts every process;
# state says "paused"; kill -9 and delete --force still work.

load helpers

setup_file() { hull_setup_file; }
setup() { hull_setup; }
teardown() { hull_teardown; }

# counter ID: a running container whose init bumps /tmp/count every 50 ms.
counter() {
  start_sleeper "$1" ": > /tmp/$1.up; i=0; while :; do i=\$((i + 1)); echo \$i > /tmp/count; sleep 0.05; done"
}

count() { cat "$BUNDLE/rootfs/tmp/count"; }

# The kernel's view: every task of the process stopped in the freezer
# (v1: freezer.state of its cgroup; v2: cgroup.freeze).
frozen_by_kernel() {
  local pid=$1 line rel
  while IFS=: read -r _ ctrl rel; do
    if [ "$ctrl" = freezer ]; then
      [ "$(cat "/sys/fs/cgroup/freezer$rel/freezer.state")" = FROZEN ]
      return
    fi
    if [ "$ctrl" = "" ] && [ -e "/sys/fs/cgroup$rel/cgroup.freeze" ]; then
      line=$(cat "/sys/fs/cgroup$rel/cgroup.freeze")
      [ "$line" = 1 ]
      return
    fi
  done <"/proc/$pid/cgroup"
  return 1
}

@test "pause stops the container's processes and state says paused; resume restarts them" {
  local id pid c1 c2
  id=$(new_id)
  counter "$id"
  pid=$(ctr_pid "$id")
  run --separate-stderr hull_cmd pause "$id"
  assert_success
  [ "$(ctr_status "$id")" = paused ]
  frozen_by_kernel "$pid"
  c1=$(count)
  sleep 0.5
  c2=$(count)
  assert_equal "$c2" "$c1"

  run --separate-stderr hull_cmd resume "$id"
  assert_success
  [ "$(ctr_status "$id")" = running ]
  ! frozen_by_kernel "$pid"
  sleep 0.5
  [ "$(count)" -gt "$c2" ] || fail "the counter did not advance after resume ($c2 -> $(count))"
}

@test "pause of a paused container fails: container not running" {
  local id
  id=$(new_id)
  counter "$id"
  hull_cmd pause "$id"
  run --separate-stderr hull_cmd pause "$id"
  assert_hull_error "container not running"
  [ "$(ctr_status "$id")" = paused ]
}

@test "resume of a running container fails: container not paused" {
  local id
  id=$(new_id)
  counter "$id"
  run --separate-stderr hull_cmd resume "$id"
  assert_hull_error "container not paused"
  [ "$(ctr_status "$id")" = running ]
}

@test "pause of a created container works (as runc 1.1) and resume returns it to created" {
  local id
  id=$(new_id)
  set_sh "exec sleep 100"
  create_ctr "$id"
  run --separate-stderr hull_cmd pause "$id"
  assert_success
  [ "$(ctr_status "$id")" = paused ]
  run --separate-stderr hull_cmd resume "$id"
  assert_success
  [ "$(ctr_status "$id")" = created ]
}

@test "pause and resume of a stopped container fail with runc's texts" {
  local id
  id=$(new_id)
  counter "$id"
  hull_cmd kill "$id" KILL
  wait_for_status "$id" stopped
  run --separate-stderr hull_cmd pause "$id"
  assert_hull_error "container not running"
  run --separate-stderr hull_cmd resume "$id"
  assert_hull_error "container not paused"
}

@test "pause and resume of a missing container: container does not exist" {
  run --separate-stderr hull_cmd pause nosuch-container
  assert_hull_error "container does not exist"
  run --separate-stderr hull_cmd resume nosuch-container
  assert_hull_error "container does not exist"
}

@test "kill -9 of a paused container stops it, then delete works and leaves nothing" {
  local id pid
  id=$(new_id)
  counter "$id"
  pid=$(ctr_pid "$id")
  hull_cmd pause "$id"
  run --separate-stderr hull_cmd kill "$id" 9
  assert_success
  wait_for_status "$id" stopped
  wait_gone "$pid"
  run --separate-stderr hull_cmd delete "$id"
  assert_success
  assert_nothing_left "$id"
}

@test "a signal other than KILL to a paused container waits for resume" {
  hull_only "checks hull's status after the signal"
  local id
  id=$(new_id)
  start_sleeper "$id" "trap 'echo got > /tmp/sig' USR1; : > /tmp/$id.up; while :; do sleep 0.1; done"
  hull_cmd pause "$id"
  hull_cmd kill "$id" USR1
  sleep 0.3
  [ ! -e "$BUNDLE/rootfs/tmp/sig" ] || fail "the frozen init handled USR1"
  [ "$(ctr_status "$id")" = paused ]
  hull_cmd resume "$id"
  wait_for_file "$BUNDLE/rootfs/tmp/sig"
}

@test "delete without --force refuses a paused container" {
  local id
  id=$(new_id)
  counter "$id"
  hull_cmd pause "$id"
  run --separate-stderr hull_cmd delete "$id"
  assert_hull_error "cannot delete container $id that is not stopped: paused"
  [ "$(ctr_status "$id")" = paused ]
}

@test "delete --force of a paused container kills it and leaves nothing" {
  local id pid
  id=$(new_id)
  counter "$id"
  pid=$(ctr_pid "$id")
  hull_cmd pause "$id"
  run --separate-stderr hull_cmd delete --force "$id"
  assert_success
  wait_gone "$pid"
  assert_nothing_left "$id"
}

@test "list shows a paused container as paused" {
  local id
  id=$(new_id)
  counter "$id"
  hull_cmd pause "$id"
  run --separate-stderr hull_cmd list --format json
  assert_success
  [ "$(jq -r --arg id "$id" '.[] | select(.id == $id) | .status' <<<"$output")" = paused ]
}

@test "pause takes exactly one argument" {
  run --separate-stderr hull_cmd pause
  assert_failure
  hull_only
  assert_hull_error '"pause" requires exactly 1 argument(s)'
}

@test "pause --help and resume --help print their usage" {
  local c
  for c in pause resume; do
    run --separate-stderr "$HULL" "$c" --help
    assert_success
    [[ $output == *"$c"* ]] || { show_run; fail "$c --help does not name the command"; }
  done
}

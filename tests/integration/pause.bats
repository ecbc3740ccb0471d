#!/usr/bin/env bats
# `pause` / `resume`: the cgroup freezer stops and restarts every process;
# state says "paused"; kill -9 and delete --force still work.

load helpers

setup_file() { hull_setup_file; }
setup() { hull_setup; }
teardown() { hull_teardown; }

# counter ID: a running container whose init bumps /tmp/count every 50 ms.
# Written to a temporary file and renamed: a reader (or a freeze) between
# the truncation and the write of `echo > /tmp/count` saw an empty file.
counter() {
  start_sleeper "$1" ": > /tmp/$1.up; i=0; while :; do i=\$((i + 1)); echo \$i > /tmp/count.new; mv /tmp/count.new /tmp/count; sleep 0.05; done"
  wait_for_file "$BUNDLE/rootfs/tmp/count"
}

count() { cat "$BUNDLE/rootfs/tmp/count"; }

# count_passes N: polls (~5 s) until the counter is above N.
count_passes() {
  local i
  for ((i = 0; i < HULL_WAIT_TENTHS; i++)); do
    [ "$(count)" -gt "$1" ] && return 0
    sleep 0.1
  done
  return 1
}

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
  count_passes "$c2" || fail "the counter did not advance after resume ($c2 -> $(count))"
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

# frozen_cgroup_dir NAME: makes a cgroup NAME under ours in the hierarchy
# that has the freezer (v1 freezer, or pure cgroup2), frozen; sets FZ_MNT
# (its mount point) and FZ_REL (our path/NAME). Removed at teardown.
frozen_cgroup_dir() {
  local mine
  if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
    FZ_MNT=/sys/fs/cgroup
    mine=$(sed -n 's/^0:://p' /proc/self/cgroup)
    [ -e "$FZ_MNT$mine/cgroup.freeze" ] || [ "$mine" = / ] || skip "no cgroup2 freezer"
  else
    FZ_MNT=$(awk '{ for (i = 1; i <= NF; i++) if ($i == "-") break }
      $(i + 1) == "cgroup" && $NF ~ /(^|,)freezer(,|$)/ { print $5; exit }' /proc/self/mountinfo)
    [ -n "$FZ_MNT" ] || skip "no cgroup v1 freezer hierarchy"
    mine=$(sed -n 's/^[0-9]*:freezer://p' /proc/self/cgroup)
  fi
  FZ_REL=${mine%/}/$1
  mkdir "$FZ_MNT$FZ_REL"
  HULL_CLEANUP+=("remove_cgroups $1")
  if [ "$FZ_MNT" = /sys/fs/cgroup ]; then
    echo 1 >"$FZ_MNT$FZ_REL/cgroup.freeze"
  else
    echo FROZEN >"$FZ_MNT$FZ_REL/freezer.state"
  fi
}

# remove_cgroups NAME: thaws and removes every cgroup dir called NAME (also
# what a runtime that hung in it left; its init dies once thawed).
remove_cgroups() {
  local d i
  for d in $(find /sys/fs/cgroup -mindepth 2 -type d -name "$1" 2>/dev/null); do
    echo THAWED >"$d/freezer.state" 2>/dev/null || echo 0 >"$d/cgroup.freeze" 2>/dev/null || true
  done
  for ((i = 0; i < 20; i++)); do
    for d in $(find /sys/fs/cgroup -mindepth 2 -type d -name "$1" 2>/dev/null); do
      rmdir "$d" 2>/dev/null || true
    done
    [ -z "$(find /sys/fs/cgroup -mindepth 2 -type d -name "$1" 2>/dev/null)" ] && return 0
    sleep 0.1
  done
}

# Found by review: the init joined the frozen cgroup and hung there (run
# never returned) until someone thawed it by hand.
@test "run in a cgroup that is already frozen fails at once with runc's error; the cgroup stays as it was" {
  local name id left
  name=hull-frozen-$$-$BATS_TEST_NUMBER
  frozen_cgroup_dir "$name"
  cfg --arg p "$FZ_REL" '.linux.cgroupsPath = $p'
  set_args true
  id=$(new_id)
  run_files hull_cmd run --bundle "$BUNDLE" "$id"
  [ "$status" -ne 124 ] || fail "run hung in the frozen cgroup"
  assert_failure
  [[ $stderr == *"container's cgroup unexpectedly frozen"* ]] || fail "stderr: $stderr"
  # Not thawed, not removed: hull did not make it.
  [ -d "$FZ_MNT$FZ_REL" ] || fail "the frozen cgroup was removed"
  if [ -e "$FZ_MNT$FZ_REL/cgroup.freeze" ]; then
    [ "$(cat "$FZ_MNT$FZ_REL/cgroup.freeze")" = 1 ] || fail "the cgroup was thawed"
  else
    [ "$(cat "$FZ_MNT$FZ_REL/freezer.state")" = FROZEN ] || fail "the cgroup was thawed"
  fi
  # What it made in the other hierarchies is gone.
  left=$(find /sys/fs/cgroup -mindepth 2 -type d -name "$name" 2>/dev/null | grep -vx "$FZ_MNT$FZ_REL" || true)
  [ -z "$left" ] || fail "cgroups left: $left"
  assert_nothing_left "$id"
}

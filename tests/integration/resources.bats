#!/usr/bin/env bats
# linux.resources written into the container's cgroups: the values in the
# host's cgroup files, and their effect from inside the container.

load helpers

setup_file() { hull_setup_file; }
setup() {
  hull_setup
  [ "$(id -u)" = 0 ] || skip "needs root"
}
teardown() { hull_teardown; }

# v1_mount CONTROLLER: where that v1 controller is mounted (empty if not).
v1_mount() {
  awk -v c="$1" '{ for (i = 1; i <= NF; i++) if ($i == "-") break }
    $(i + 1) == "cgroup" { n = split($NF, o, ","); for (k = 1; k <= n; k++) if (o[k] == c) { print $5; exit } }' \
    /proc/self/mountinfo
}

# cg_layout: v2 (pure cgroup2 at /sys/fs/cgroup), hybrid or v1.
cg_layout() {
  if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
    echo v2
  elif [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
    echo hybrid
  else
    echo v1
  fi
}
is_v2() { [ "$(cg_layout)" = v2 ]; }

# need_v1 CONTROLLER / need_v2: a test written for one layout; each has an
# equivalent for the other (v1 and hybrid hosts use the v1 controllers).
need_v1() {
  ! is_v2 || skip "cgroup v1 variant: this host is pure cgroup v2 (the v2 variant runs)"
  [ -n "$(v1_mount "$1")" ] || skip "no cgroup v1 $1 hierarchy"
}
need_v2() {
  is_v2 || skip "cgroup v2 variant: this host has v1 controllers (the v1 variant runs)"
}

# Device rules are enforced by the v1 devices controller or, on pure v2,
# by an eBPF program.
need_devices() {
  is_v2 || [ -n "$(v1_mount devices)" ] || skip "no devices controller"
}

# v2_has CONTROLLER: the cgroup2 hierarchy (pure v2 or hybrid's unified
# one) offers that controller.
v2_has() {
  local d=/sys/fs/cgroup/unified
  is_v2 && d=/sys/fs/cgroup
  grep -qw "$1" "$d/cgroup.controllers" 2>/dev/null
}

# v2_file ID FILE: a file of a running container's cgroup (pure v2).
v2_file() {
  local pid
  pid=$(ctr_pid "$1")
  cat "/sys/fs/cgroup$(sed -n 's/^0:://p' "/proc/$pid/cgroup")/$2"
}

# with_mknod: the container may create device nodes (the cgroup decides
# what it may open).
with_mknod() {
  cfg '.process.capabilities |= with_entries(.value += ["CAP_MKNOD"])'
}

# host_cg CONTROLLER PID: the process's directory in that v1 hierarchy.
host_cg() {
  local p
  p=$(awk -F: -v c="$1" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' \
    "/proc/$2/cgroup")
  echo "$(v1_mount "$1")$p"
}

# host_file ID CONTROLLER FILE: a cgroup file of a running container.
host_file() {
  local pid
  pid=$(ctr_pid "$1")
  cat "$(host_cg "$2" "$pid")/$3"
}

# no_cgroups_left ID: nothing named after the container in any hierarchy.
no_cgroups_left() {
  local left
  left=$(cgroup_dirs "$1")
  [ -z "$left" ] || fail "cgroup dirs left behind: $left"
}

# expect_bad_config JQ-FILTER SUBSTRING: `create` fails naming it, and
# leaves nothing behind.
expect_bad_config() {
  local id
  cfg "$1"
  id=$(new_id)
  run_files hull_cmd create --bundle "$BUNDLE" "$id"
  assert_failure
  is_runc || assert_hull_error "$2"
  assert_nothing_left "$id"
}

@test "memory: limit, swap, reservation and swappiness in the cgroup files" {
  need_v1 memory
  cfg '.linux.resources.memory = {"limit": 67108864, "swap": 134217728,
        "reservation": 33554432, "swappiness": 10, "kernel": 1048576}'
  id=$(new_id)
  start_sleeper "$id"
  [ "$(host_file "$id" memory memory.limit_in_bytes)" = 67108864 ] || fail "limit"
  [ "$(host_file "$id" memory memory.soft_limit_in_bytes)" = 33554432 ] || fail "soft limit"
  [ "$(host_file "$id" memory memory.swappiness)" = 10 ] || fail "swappiness"
  if [ -e "$(host_cg memory "$(ctr_pid "$id")")/memory.memsw.limit_in_bytes" ]; then
    [ "$(host_file "$id" memory memory.memsw.limit_in_bytes)" = 134217728 ] || fail "memsw"
  fi
}

@test "memory (v2): limit, swap and reservation in memory.max, memory.swap.max, memory.low" {
  need_v2
  cfg '.linux.resources.memory = {"limit": 67108864, "swap": 134217728, "reservation": 33554432}'
  id=$(new_id)
  start_sleeper "$id"
  [ "$(v2_file "$id" memory.max)" = 67108864 ] || fail "memory.max: $(v2_file "$id" memory.max)"
  [ "$(v2_file "$id" memory.low)" = 33554432 ] || fail "memory.low"
  # v2's swap is swap alone: memory+swap minus the limit.
  if [ -e "/sys/fs/cgroup$(sed -n 's/^0:://p' "/proc/$(ctr_pid "$id")/cgroup")/memory.swap.max" ]; then
    [ "$(v2_file "$id" memory.swap.max)" = 67108864 ] || fail "memory.swap.max"
  fi
}

@test "memory: the container sees its limit, a hog is OOM-killed (137)" {
  need_v1 memory
  # memsw = limit: no swap to escape into. Small, so the hog (tail keeps
  # the newline-free input in memory) is quick also in a slow VM.
  cfg '.linux.resources.memory = {"limit": 16777216, "swap": 16777216}'
  in_container 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes; head -c 64m /dev/zero | tail >/dev/null'
  assert_status 137
  [ "${lines[0]}" = 16777216 ] || { show_run; fail "limit inside"; }
  no_cgroups_left "$(tail -n1 "$T/.ids")" || { show_run; false; }
}

@test "memory (v2): the container sees memory.max, a hog is OOM-killed (137)" {
  need_v2
  # swap = limit: memory.swap.max 0, no swap to escape into.
  cfg '.linux.resources.memory = {"limit": 16777216, "swap": 16777216}'
  in_container 'cat /sys/fs/cgroup/memory.max; head -c 64m /dev/zero | tail >/dev/null'
  assert_status 137
  [ "${lines[0]}" = 16777216 ] || { show_run; fail "limit inside"; }
  no_cgroups_left "$(tail -n1 "$T/.ids")" || { show_run; false; }
}

@test "memory: a small workload under the limit runs fine" {
  cfg '.linux.resources.memory = {"limit": 67108864}'
  in_container 'head -c 8m /dev/zero | tail | wc -c'
  assert_success
  assert_output 8388608
}

@test "pids: a fork loop stops at pids.max" {
  need_v1 pids
  cfg '.linux.resources.pids = {"limit": 10}'
  in_container 'cat /sys/fs/cgroup/pids/pids.max; for i in $(seq 50); do sleep 10 & done; echo survived'
  assert_failure
  [ "${lines[0]}" = 10 ] || { show_run; fail "pids.max inside"; }
  [[ $output != *survived* ]] || { show_run; fail "50 forks succeeded"; }
  hull_only "busybox's message"
  [[ $stderr == *"can't fork"* ]] || { show_run; fail "fork error"; }
}

@test "pids (v2): a fork loop stops at pids.max" {
  need_v2
  cfg '.linux.resources.pids = {"limit": 10}'
  in_container 'cat /sys/fs/cgroup/pids.max; for i in $(seq 50); do sleep 10 & done; echo survived'
  assert_failure
  [ "${lines[0]}" = 10 ] || { show_run; fail "pids.max inside"; }
  [[ $output != *survived* ]] || { show_run; fail "50 forks succeeded"; }
  hull_only "busybox's message"
  [[ $stderr == *"can't fork"* ]] || { show_run; fail "fork error"; }
}

@test "pids: -1 is unlimited (max)" {
  cfg '.linux.resources.pids = {"limit": -1}'
  in_container 'cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max'
  assert_success
  assert_output max
}

@test "cpu: shares, quota, period and cpuset in the cgroup files" {
  need_v1 cpu
  need_v1 cpuset
  cfg '.linux.resources.cpu = {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0", "mems": "0"}'
  id=$(new_id)
  start_sleeper "$id"
  [ "$(host_file "$id" cpu cpu.shares)" = 512 ] || fail "shares"
  [ "$(host_file "$id" cpu cpu.cfs_quota_us)" = 50000 ] || fail "quota"
  [ "$(host_file "$id" cpu cpu.cfs_period_us)" = 100000 ] || fail "period"
  [ "$(host_file "$id" cpuset cpuset.cpus)" = 0 ] || fail "cpus"
  [ "$(host_file "$id" cpuset cpuset.mems)" = 0 ] || fail "mems"
  run hull_cmd exec "$id" cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /proc/self/status
  if [ "$status" -eq 0 ]; then
    [ "${lines[0]}" = 50000 ] || { show_run; fail "quota inside"; }
    [[ $output == *"Cpus_allowed_list:"*0* ]] || { show_run; fail "affinity"; }
  fi
}

@test "cpu (v2): shares, quota, period and cpuset in cpu.weight, cpu.max, cpuset.*" {
  need_v2
  cfg '.linux.resources.cpu = {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0", "mems": "0"}'
  id=$(new_id)
  start_sleeper "$id" "cat /sys/fs/cgroup/cpu.max > /tmp/cpu.max; : > /tmp/$id.up; exec sleep 1000"
  # shares 512 -> weight 59 (the log-scale conversion crun and runc use).
  [ "$(v2_file "$id" cpu.weight)" = 59 ] || fail "cpu.weight: $(v2_file "$id" cpu.weight)"
  [ "$(v2_file "$id" cpu.max)" = "50000 100000" ] || fail "cpu.max: $(v2_file "$id" cpu.max)"
  [ "$(v2_file "$id" cpuset.cpus)" = 0 ] || fail "cpuset.cpus"
  [ "$(v2_file "$id" cpuset.mems)" = 0 ] || fail "cpuset.mems"
  [ "$(cat "$BUNDLE/rootfs/tmp/cpu.max")" = "50000 100000" ] || fail "cpu.max inside"
}

@test "cpuset: the container runs on the given cpu only" {
  need_v1 cpuset
  cfg '.linux.resources.cpu = {"cpus": "0"}'
  in_container 'grep Cpus_allowed_list /proc/self/status; cat /sys/fs/cgroup/cpuset/cpuset.cpus'
  assert_success
  [ "$(echo $output)" = "Cpus_allowed_list: 0 0" ] || { show_run; fail "cpuset"; }
}

@test "cpuset (v2): the container runs on the given cpu only" {
  need_v2
  cfg '.linux.resources.cpu = {"cpus": "0"}'
  in_container 'grep Cpus_allowed_list /proc/self/status; cat /sys/fs/cgroup/cpuset.cpus'
  assert_success
  [ "$(echo $output)" = "Cpus_allowed_list: 0 0" ] || { show_run; fail "cpuset"; }
}

# loop_dev: a loop device over a file in $T, detached at teardown; sets
# LOOP (its path) and LOOP_NUM (MAJOR:MINOR).
loop_dev() {
  [ -e /dev/loop-control ] || modprobe loop 2>/dev/null || true
  truncate -s 8M "$T/disk.img"
  LOOP=$(losetup -f --show "$T/disk.img") || fail "losetup: no loop device"
  HULL_CLEANUP+=("losetup -d $LOOP")
  LOOP_NUM=$(printf '%d:%d' "0x$(stat -c %t "$LOOP")" "0x$(stat -c %T "$LOOP")")
}

@test "blockIO: read/write throttles on a loop device (io.max or blkio.throttle.*)" {
  is_v2 || need_v1 blkio
  loop_dev
  local maj=${LOOP_NUM%:*} min=${LOOP_NUM#*:}
  cfg --argjson ma "$maj" --argjson mi "$min" '.linux.resources.blockIO = {
        "throttleReadBpsDevice": [{"major": $ma, "minor": $mi, "rate": 1048576}],
        "throttleWriteIOPSDevice": [{"major": $ma, "minor": $mi, "rate": 100}]}'
  id=$(new_id)
  start_sleeper "$id"
  if is_v2; then
    v2_file "$id" io.max | grep -qx "$LOOP_NUM rbps=1048576 wbps=max riops=max wiops=100" \
      || fail "io.max: $(v2_file "$id" io.max)"
  else
    host_file "$id" blkio blkio.throttle.read_bps_device | grep -qx "$LOOP_NUM 1048576" \
      || fail "read_bps: $(host_file "$id" blkio blkio.throttle.read_bps_device)"
    host_file "$id" blkio blkio.throttle.write_iops_device | grep -qx "$LOOP_NUM 100" \
      || fail "write_iops: $(host_file "$id" blkio blkio.throttle.write_iops_device)"
  fi
}

@test "devices: a deny rule after the defaults blocks writes to /dev/null" {
  need_devices
  cfg '.linux.resources.devices = [{"allow": false, "access": "rwm"},
        {"allow": false, "type": "c", "major": 1, "minor": 3, "access": "w"}]'
  in_container 'cat /dev/null && echo read-ok; echo x > /dev/null && echo write-ok; head -c 3 /dev/zero | wc -c'
  [[ $output == *read-ok* ]] || { show_run; fail "read of /dev/null"; }
  [[ $output != *write-ok* ]] || { show_run; fail "write to /dev/null allowed"; }
  [[ $stderr == *"Operation not permitted"* ]] || { show_run; fail "EPERM"; }
  [ "${lines[-1]}" = 3 ] || { show_run; fail "/dev/zero"; }
}

@test "devices: without rules writes to /dev/null work (the deny test's control)" {
  cfg 'del(.linux.resources.devices)'
  in_container 'echo x > /dev/null && echo write-ok'
  assert_success
  assert_output write-ok
}

@test "devices: a deny-all alone leaves the default devices usable and nothing else" {
  need_devices
  with_mknod
  # 240-254 are reserved for local use: no driver, so an open that passes
  # the cgroup fails with ENXIO, one the cgroup refuses with EPERM.
  in_container 'echo x > /dev/null && echo null-ok; head -c 2 /dev/urandom | wc -c
    mknod /dev/x c 240 0 && echo mknod-ok; echo x > /dev/x'
  assert_failure
  [ "${lines[0]}" = null-ok ] || { show_run; fail "/dev/null"; }
  [ "${lines[1]}" = 2 ] || { show_run; fail "/dev/urandom"; }
  [ "${lines[2]}" = mknod-ok ] || { show_run; fail "mknod (allowed for any node)"; }
  [[ $stderr == *"/dev/x: Operation not permitted"* ]] || { show_run; fail "open of c 240:0 not refused"; }
}

# Found by review: hull added an allow rule for every linux.devices node, so
# a node the rules deny could still be opened. runc 1.1.5 adds none: what
# the config lists in linux.devices is created, and the rules decide.
@test "devices: a node in linux.devices gets no rule of its own: a deny-all refuses it" {
  need_devices
  cfg '.linux.devices = [{"path": "/dev/x", "type": "c", "major": 240, "minor": 0, "fileMode": 438}]'
  in_container 'echo x > /dev/x'
  assert_failure
  [[ $stderr == *"/dev/x: Operation not permitted"* ]] || { show_run; fail "not EPERM: allowed by the cgroup?"; }
}

@test "devices: a node in linux.devices that the rules deny stays denied" {
  need_devices
  cfg '.linux.devices = [{"path": "/dev/x", "type": "c", "major": 240, "minor": 0, "fileMode": 438}]
    | .linux.resources.devices = [{"allow": true, "access": "rwm"},
                                  {"allow": false, "type": "c", "major": 240, "minor": 0, "access": "rw"}]'
  in_container 'echo x > /dev/null && echo null-ok; echo x > /dev/x'
  assert_failure
  [ "${lines[0]}" = null-ok ] || { show_run; fail "/dev/null"; }
  [[ $stderr == *"/dev/x: Operation not permitted"* ]] || { show_run; fail "not EPERM: allowed by the cgroup?"; }
}

@test "devices: a node in linux.devices that the rules allow can be opened" {
  need_devices
  cfg '.linux.devices = [{"path": "/dev/x", "type": "c", "major": 240, "minor": 0, "fileMode": 438}]
    | .linux.resources.devices += [{"allow": true, "type": "c", "major": 240, "minor": 0, "access": "rw"}]'
  in_container 'echo x > /dev/x'
  assert_failure
  # No driver behind 240:0: the cgroup let the open through.
  [[ $stderr == *"/dev/x: No such device or address"* ]] || { show_run; fail "not ENXIO: refused by the cgroup?"; }
}

# probe: asks the prober container (below) to write to /dev/null and to
# /dev/x (c 240:0 from linux.devices, no driver) and prints what happened:
# "null-ok" or the shell's error, then the error for /dev/x.
probe() {
  local r=$BUNDLE/rootfs/tmp/result
  rm -f "$r"
  : >"$BUNDLE/rootfs/tmp/probe"
  wait_for_file "$r" && cat "$r"
}

@test "devices: update with device rules (v2: the program is replaced; v1: rules kept)" {
  hull_only
  need_devices
  cfg '.linux.devices = [{"path": "/dev/x", "type": "c", "major": 240, "minor": 0, "fileMode": 438}]
    | .linux.resources.devices += [{"allow": true, "type": "c", "major": 240, "minor": 0, "access": "rw"}]'
  id=$(new_id)
  # No exec in hull: the container itself probes on request.
  start_sleeper "$id" ": > /tmp/$id.up; while :; do
      if [ -e /tmp/probe ]; then rm /tmp/probe
        { echo x > /dev/null && echo null-ok; echo x > /dev/x; } > /tmp/r 2>&1; mv /tmp/r /tmp/result; fi
      sleep 0.1; done"
  echo '{"devices": [{"allow": false, "access": "rwm"},
         {"allow": false, "type": "c", "major": 1, "minor": 3, "access": "w"}]}' >"$T/deny.json"
  echo '{"devices": [{"allow": false, "access": "rwm"}]}' >"$T/allow.json"
  local out
  out=$(probe)
  [[ $out == "null-ok"*"/dev/x: No such device or address" ]] || fail "before the update: $out"
  hull_cmd update -r "$T/deny.json" "$id"
  out=$(probe)
  if is_v2; then
    [[ $out == *"/dev/null: Operation not permitted"* ]] || fail "after deny: $out"
    # Replaced: the create's rule for /dev/x is gone with them.
    [[ $out == *"/dev/x: Operation not permitted" ]] || fail "after deny, /dev/x: $out"
    # Replaced, not added: once the deny program is gone writes work again.
    hull_cmd update -r "$T/allow.json" "$id"
    out=$(probe)
    [[ $out == "null-ok"*"/dev/x: Operation not permitted" ]] || fail "after allow: $out"
  else
    # v1 rules are set once at create (rewriting them opens a window).
    [[ $out == "null-ok"*"/dev/x: No such device or address" ]] || fail "v1 rules changed: $out"
  fi
}

@test "devices: the default config keeps the standard devices usable (devices.list)" {
  need_v1 devices
  id=$(new_id)
  start_sleeper "$id"
  list=$(host_file "$id" devices devices.list)
  [[ $list == *"c 1:3 rwm"* && $list == *"c 136:* rwm"* ]] || fail "devices.list: $list"
  [[ $list != *"a *:* rwm"* ]] || fail "allow-all: $list"
}

# As runc 1.1.5: a node the config lists gets no rule of its own.
@test "devices: nodes in linux.devices add no rule (devices.list)" {
  need_v1 devices
  cfg '.linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 438}]'
  id=$(new_id)
  start_sleeper "$id"
  list=$(host_file "$id" devices devices.list)
  [[ $list == *"c 1:3 rwm"* ]] || fail "devices.list: $list"
  [[ $list != *"c 10:229"* ]] || fail "devices.list: $list"
}

@test "cpu.idle is refused on cgroup v1, before anything is created" {
  hull_only
  need_v1 cpu
  expect_bad_config '.linux.resources.cpu = {"idle": 1}' \
    "config.json: .linux.resources.cpu.idle: not available on cgroup v1"
}

@test "out-of-range values are refused with their JSON path" {
  hull_only
  expect_bad_config '.linux.resources.memory = {"swappiness": 101}' \
    "config.json: .linux.resources.memory.swappiness: 101 is not in 0..100"
}

@test "cpu.shares out of range is refused" {
  hull_only
  expect_bad_config '.linux.resources.cpu = {"shares": 1}' \
    "config.json: .linux.resources.cpu.shares: 1 is not in 2..262144"
}

@test "an unparsable cpuset is refused" {
  hull_only
  expect_bad_config '.linux.resources.cpu = {"cpus": "1-x"}' \
    "config.json: .linux.resources.cpu.cpus: invalid cpu list"
}

@test "a controller that is not mounted is a clear error" {
  hull_only
  [ -z "$(v1_mount net_cls)" ] || skip "net_cls is mounted here"
  if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
    # Pure v2 has no net_cls at all.
    expect_bad_config '.linux.resources.network = {"classID": 1048577}' \
      "config.json: .linux.resources.network: not available on cgroup v2"
  else
    expect_bad_config '.linux.resources.network = {"classID": 1048577}' \
      "config.json: .linux.resources.network.classID: the net_cls controller is not mounted"
  fi
}

@test "an unknown hugepage size is refused" {
  hull_only
  expect_bad_config '.linux.resources.hugepageLimits = [{"pageSize": "3MB", "limit": 1}]' \
    "config.json: .linux.resources.hugepageLimits[0].pageSize: 3MB pages are not available"
}

@test "unified keys: a controller missing from cgroup v2 is named" {
  hull_only
  [ -d /sys/fs/cgroup/unified ] || skip "not a hybrid host"
  grep -qw memory /sys/fs/cgroup/unified/cgroup.controllers && skip "memory is on v2 here"
  expect_bad_config '.linux.resources.unified = {"memory.high": "1000000"}' \
    "memory.high: the memory controller is not enabled in the cgroup v2 hierarchy"
}

@test "a value the kernel refuses names the file, and nothing is left behind" {
  is_v2 || need_v1 cpuset
  cfg '.linux.resources.cpu = {"cpus": "4095"}'
  id=$(new_id)
  run_files hull_cmd create --bundle "$BUNDLE" "$id"
  assert_failure
  if ! is_runc; then
    # v1: .../cpuset/<path>/cpuset.cpus; v2: the unified directory's.
    [[ $stderr == *"write /sys/fs/cgroup/"*"/cpuset.cpus: "* ]] || { show_run; fail "message"; }
  fi
  no_cgroups_left "$id"
  [ -z "$(ls -A "$ROOT" 2>/dev/null)" ] || fail "state left: $(ls -A "$ROOT")"
}

@test "hugetlb: a 2MB limit is written (unified hierarchy on hybrid hosts)" {
  [ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] || skip "no 2MB hugepages"
  [ -n "$(v1_mount hugetlb)" ] || v2_has hugetlb || skip "no hugetlb controller"
  cfg '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}]'
  in_container 'cat /sys/fs/cgroup/hugetlb/hugetlb.2MB.limit_in_bytes 2>/dev/null ||
    cat /sys/fs/cgroup/unified/hugetlb.2MB.max 2>/dev/null || cat /sys/fs/cgroup/hugetlb.2MB.max'
  assert_success
  assert_output 4194304
  no_cgroups_left "$(tail -n1 "$T/.ids")" || { show_run; false; }
}

@test "unified keys (v2): a file is written as-is, next to the mapped ones" {
  need_v2
  cfg '.linux.resources.memory = {"limit": 67108864} | .linux.resources.unified = {"memory.high": "50331648"}'
  id=$(new_id)
  start_sleeper "$id"
  [ "$(v2_file "$id" memory.high)" = 50331648 ] || fail "memory.high: $(v2_file "$id" memory.high)"
  [ "$(v2_file "$id" memory.max)" = 67108864 ] || fail "memory.max"
}

@test "unified keys: a v2 file is written as-is (hybrid host)" {
  hull_only
  [ -z "$(v1_mount hugetlb)" ] || skip "hugetlb is v1 here"
  grep -qw hugetlb /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null || skip "no v2 hugetlb"
  [ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] || skip "no 2MB hugepages"
  cfg '.linux.resources.unified = {"hugetlb.2MB.max": "2097152"}'
  in_container 'cat /sys/fs/cgroup/unified/hugetlb.2MB.max'
  assert_success
  assert_output 2097152
}

@test "unified keys: a file that does not exist is named" {
  hull_only
  v2_has hugetlb || skip "no v2 hugetlb"
  cfg '.linux.resources.unified = {"hugetlb.3MB.max": "1"}'
  id=$(new_id)
  run_files hull_cmd create --bundle "$BUNDLE" "$id"
  assert_failure
  assert_hull_error "unified: hugetlb.3MB.max: no such file in"
  no_cgroups_left "$id"
}

# runc 1.1.5 only warns about a cgroup that already holds processes (hull
# refused it). With a pid namespace of its own, deleting the container kills
# its init and leaves the others alone.
@test "a cgroupsPath that already holds other processes: a warning; delete leaves them alone" {
  local mine dirs=() d sleeper id st err alive_after
  if is_v2; then
    mine=$(sed -n 's/^0:://p' /proc/self/cgroup)
    mine=${mine%/}
    dirs=("/sys/fs/cgroup$mine/hull-shared-$$")
  else
    # runc looks at the devices hierarchy only; kill --all and delete use
    # the pids one.
    need_v1 devices
    need_v1 pids
    mine=$(sed -n 's/^[0-9]*:devices://p' /proc/self/cgroup)
    mine=${mine%/}
    [ "$mine" = "$(sed -n 's/^[0-9]*:pids://p' /proc/self/cgroup | sed 's:/$::')" ] ||
      skip "our devices and pids cgroups differ"
    dirs=("$(v1_mount devices)$mine/hull-shared-$$" "$(v1_mount pids)$mine/hull-shared-$$")
  fi
  sleep 300 &
  sleeper=$!
  HULL_CLEANUP+=("kill $sleeper")
  for d in "${dirs[@]}"; do
    mkdir "$d"
    HULL_CLEANUP+=("rmdir '$d'")
    echo "$sleeper" >"$d/cgroup.procs"
  done
  cfg --arg p "$mine/hull-shared-$$" '.linux.cgroupsPath = $p'
  set_args sleep 1000
  id=$(new_id)
  run_files hull_cmd create --bundle "$BUNDLE" "$id"
  st=$status err=$stderr
  if [ "$st" -eq 0 ]; then
    hull_cmd delete --force "$id"
  fi
  alive_after=no
  kill -0 "$sleeper" 2>/dev/null && alive_after=yes
  for d in "${dirs[@]}"; do
    echo "$sleeper" >"${d%/*}/cgroup.procs" 2>/dev/null || true
  done
  kill "$sleeper" 2>/dev/null && { wait "$sleeper" 2>/dev/null || true; }
  [ "$st" -eq 0 ] || fail "create failed: $err"
  [[ $err == *"container's cgroup is not empty: 1 process(es) found"* ]] || fail "stderr: $err"
  [ "$alive_after" = yes ] || fail "delete killed a process that is not the container's"
  for d in "${dirs[@]}"; do
    [ -d "$d" ] || fail "delete removed $d, which it did not create"
  done
}

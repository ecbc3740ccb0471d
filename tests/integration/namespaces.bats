#!/usr/bin/env bats
# Namespaces: each type requested is new (its /proc/self/ns inode differs
# from the host's), joined by path, or shared with the host when omitted.

load helpers

setup_file() { hull_setup_file; }
setup() { hull_setup; }
teardown() { hull_teardown; }

# ns_inside TYPE: prints the container's /proc/self/ns/TYPE link.
ns_inside() {
  in_container "readlink /proc/self/ns/$1"
  assert_success
  [ -n "$output" ] || { show_run; fail "no ns link for $1"; }
}

host_ns_link() { readlink "/proc/self/ns/$1"; }

# assert_new_ns TYPE: the container's TYPE namespace is not the host's.
assert_new_ns() {
  ns_inside "$1"
  [[ $output == "$1:["* ]] || { show_run; fail "odd link"; }
  [ "$output" != "$(host_ns_link "$1")" ] || fail "$1 namespace is the host's: $output"
}

# Makes the tmp dirs above the bundle traversable for a user namespace's
# unprivileged host uid.
open_tmp_path() {
  local d=$T
  while [ "$d" != / ] && [ "$d" != /tmp ]; do
    chmod o+x "$d"
    d=$(dirname "$d")
  done
}

@test "pid namespace: the process is PID 1" {
  in_container 'echo $$'
  assert_success
  assert_output 1
}

@test "pid namespace: /proc/self/ns/pid differs from the host's" {
  assert_new_ns pid
}

@test "network namespace: /proc/self/ns/net differs from the host's" {
  assert_new_ns net
}

@test "network namespace: only lo in /proc/net/dev" {
  in_container "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '"
  assert_success
  assert_output lo
}

@test "ipc namespace: /proc/self/ns/ipc differs from the host's" {
  assert_new_ns ipc
}

@test "uts namespace: /proc/self/ns/uts differs from the host's" {
  assert_new_ns uts
}

@test "uts namespace: hostname is set inside" {
  cfg --arg h "h-$BATS_SUITE_TEST_NUMBER" '.hostname = $h'
  in_container 'hostname'
  assert_success
  assert_output "h-$BATS_SUITE_TEST_NUMBER"
}

@test "uts namespace: domainname is set inside" {
  hull_only "runc 1.1 ignores .domainname"
  cfg '.domainname = "example.test"'
  in_container 'cat /proc/sys/kernel/domainname'
  assert_success
  assert_output example.test
}

@test "uts namespace: the host's hostname is unchanged" {
  local before
  before=$(hostname)
  cfg '.hostname = "not-the-host"'
  in_container 'hostname'
  assert_success
  [ "$(hostname)" = "$before" ]
}

@test "hostname without a uts namespace fails clearly and leaves nothing behind" {
  local id
  id=$(new_id)
  del_ns uts
  cfg '.hostname = "nope"'
  set_sh 'sleep 1000'
  run_files hull_cmd create --bundle "$BUNDLE" "$id"
  assert_hull_error ".hostname"
  assert_nothing_left "$id"
}

@test "hostname is set in a uts namespace joined by path" {
  local a pid
  a=$(new_id a)
  start_sleeper "$a"
  pid=$(ctr_pid "$a")
  cfg --arg p "/proc/$pid/ns/uts" '.linux.namespaces |= map(if .type == "uts" then .path = $p else . end)'
  cfg --arg h "joined-$BATS_SUITE_TEST_NUMBER" '.hostname = $h'
  in_container 'readlink /proc/self/ns/uts; hostname'
  assert_success
  assert_equal "${lines[0]}" "$(readlink "/proc/$pid/ns/uts")"
  assert_equal "${lines[1]}" "joined-$BATS_SUITE_TEST_NUMBER"
  # The name is the namespace's: the other container sees it too.
  assert_equal "$(nsenter -u -t "$pid" hostname)" "joined-$BATS_SUITE_TEST_NUMBER"
}

@test "mount namespace: /proc/self/ns/mnt differs from the host's" {
  assert_new_ns mnt
}

@test "cgroup namespace: /proc/self/ns/cgroup differs from the host's" {
  add_ns cgroup
  assert_new_ns cgroup
}

@test "cgroup namespace: /proc/self/cgroup shows '/' paths" {
  add_ns cgroup
  in_container 'cat /proc/self/cgroup'
  assert_success
  [ -n "$output" ] || fail "empty /proc/self/cgroup"
  local bad
  bad=$(grep -v ':/$' <<<"$output" || true)
  [ -z "$bad" ] || { show_run; fail "not at the namespace root: $bad"; }
}

@test "time namespace: /proc/self/ns/time differs from the host's" {
  hull_only "runc 1.1 has no time namespace"
  add_ns time
  assert_new_ns time
}

@test "user namespace: /proc/self/uid_map and gid_map show the mappings" {
  open_tmp_path
  add_ns user
  cfg '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
     | .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
  in_container 'echo $(cat /proc/self/uid_map) / $(cat /proc/self/gid_map)'
  assert_success
  assert_output "0 100000 65536 / 0 200000 65536"
}

@test "user namespace: /proc/self/ns/user differs from the host's" {
  open_tmp_path
  add_ns user
  cfg '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
     | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
  assert_new_ns user
}

@test "a namespace omitted from config.json is the host's (network)" {
  del_ns network
  ns_inside net
  assert_equal "$output" "$(host_ns_link net)"
}

@test "a namespace omitted from config.json is the host's (ipc)" {
  del_ns ipc
  ns_inside ipc
  assert_equal "$output" "$(host_ns_link ipc)"
}

@test "joining a network namespace by path (ip netns)" {
  local ns=hulltest-$BATS_SUITE_TEST_NUMBER-$$
  ip netns add "$ns"
  HULL_CLEANUP+=("ip netns del $ns")
  local want
  want=$(stat -L -c %i "/run/netns/$ns")
  cfg --arg p "/run/netns/$ns" '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)'
  in_container 'stat -L -c %i /proc/self/ns/net'
  assert_success
  assert_output "$want"
}

@test "joining another container's network namespace by /proc/PID/ns/net" {
  local a pid
  a=$(new_id a)
  start_sleeper "$a"
  pid=$(ctr_pid "$a")
  local want
  want=$(readlink "/proc/$pid/ns/net")
  cfg --arg p "/proc/$pid/ns/net" '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)'
  in_container 'readlink /proc/self/ns/net'
  assert_success
  assert_output "$want"
}

@test "every namespace omitted from config.json is the host's, in the bundle's rootfs" {
  # (runc refuses the masks without a mount namespace: compared without.)
  cfg '.linux.namespaces = [] | del(.hostname, .linux.maskedPaths, .linux.readonlyPaths)'
  local n want=
  for n in cgroup ipc mnt net pid time user uts; do
    [ -e "/proc/self/ns/$n" ] && want+="$(host_ns_link "$n") "
  done
  in_container 'for n in cgroup ipc mnt net pid time user uts; do
      [ -e /proc/self/ns/$n ] && printf "%s " "$(readlink /proc/self/ns/$n)"; done; echo
    test -x /bin/busybox && test -c /dev/null && test -d /dev/pts && echo rootfs'
  assert_success
  assert_equal "${lines[0]}" "$want"
  assert_equal "${lines[1]}" rootfs
}

@test "no mount namespace: nothing is mounted in the caller's, while running or after" {
  hull_only "runc mounts the rootfs in the caller's mount namespace and leaves it there"
  local id
  id=$(new_id)
  del_ns mount
  start_sleeper "$id"
  # The container's mounts (proc, dev, ..., the masks) are there for it...
  run hull_cmd exec "$id" sh -c 'readlink /proc/self/ns/mnt; test -c /dev/null && echo dev; cat /proc/timer_list | wc -c'
  assert_success
  assert_equal "${lines[0]}" "$(host_ns_link mnt)"
  assert_equal "${lines[1]}" dev
  assert_equal "${lines[2]}" 0
  # ...but not in the mount table it shares with us.
  local now
  now=$(comm -13 "$T/.mounts-before" <(test_mounts))
  [ -z "$now" ] || fail "mounted in the caller's namespace: $now"
  hull_cmd delete --force "$id"
  assert_nothing_left "$id"
}

@test "joining a mount namespace by path: the container still gets its own rootfs, the namespace is untouched" {
  hull_only "runc resolves the rootfs in the joined namespace, and pivots it"
  local a pid bundle_b=$BUNDLE
  a=$(new_id a)
  BUNDLE=$T/bundle-a
  cp -a "$bundle_b" "$BUNDLE"
  touch "$BUNDLE/rootfs/only-in-a"
  start_sleeper "$a"
  BUNDLE=$bundle_b
  pid=$(ctr_pid "$a")
  local before
  before=$(cat "/proc/$pid/mountinfo")
  touch "$BUNDLE/rootfs/only-in-b"
  cfg --arg p "/proc/$pid/ns/mnt" '.linux.namespaces |= map(if .type == "mount" then .path = $p else . end)'
  in_container 'readlink /proc/self/ns/mnt; ls /only-in-*; test -c /dev/null && echo dev'
  assert_success
  assert_equal "${lines[0]}" "$(readlink "/proc/$pid/ns/mnt")"
  assert_equal "${lines[1]}" /only-in-b
  assert_equal "${lines[2]}" dev
  # The other container keeps its root and its mounts.
  [ -e "/proc/$pid/root/only-in-a" ] || fail "the joined namespace's root changed"
  assert_equal "$(cat "/proc/$pid/mountinfo")" "$before"
}

@test "a new user namespace without a mount namespace is refused before anything is made" {
  open_tmp_path
  add_ns user
  del_ns mount
  cfg '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
     | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
  create_fails ".linux.namespaces: a new user namespace needs a mount namespace"
}

#!/usr/bin/env bats
# linux.sysctl: only namespaced keys, only when the container has that
# namespace to itself; values land in the container's procfs, never the
# host's. Refusals happen at create, with nothing left behind.

load helpers

setup_file() { hull_setup_file; }
setup() { hull_setup; }
teardown() { hull_teardown; }

@test "sysctl: net.* is set in the container's network namespace only" {
  local host
  host=$(cat /proc/sys/net/ipv4/ip_default_ttl)
  local want=$((host == 42 ? 43 : 42))
  cfg --arg v "$want" '.linux.sysctl = {"net.ipv4.ip_default_ttl": $v}'
  in_container 'cat /proc/sys/net/ipv4/ip_default_ttl'
  assert_success
  assert_output "$want"
  assert_equal "$(cat /proc/sys/net/ipv4/ip_default_ttl)" "$host"
}

@test "sysctl: ipc and mqueue keys are set in the container's ipc namespace only" {
  local shmmax msgmax mq
  shmmax=$(cat /proc/sys/kernel/shmmax)
  msgmax=$(cat /proc/sys/kernel/msgmax)
  mq=$(cat /proc/sys/fs/mqueue/msg_max)
  cfg '.linux.sysctl = {"kernel.shmmax": "123456789", "kernel.msgmax": "4321", "fs.mqueue.msg_max": "17"}'
  in_container 'cat /proc/sys/kernel/shmmax /proc/sys/kernel/msgmax /proc/sys/fs/mqueue/msg_max'
  assert_success
  assert_output $'123456789\n4321\n17'
  assert_equal "$(cat /proc/sys/kernel/shmmax)" "$shmmax"
  assert_equal "$(cat /proc/sys/kernel/msgmax)" "$msgmax"
  assert_equal "$(cat /proc/sys/fs/mqueue/msg_max)" "$mq"
}

@test "sysctl: kernel.domainname in a new uts namespace" {
  cfg '.linux.sysctl = {"kernel.domainname": "sysctl.example"}'
  in_container 'cat /proc/sys/kernel/domainname'
  assert_success
  assert_output sysctl.example
}

@test "sysctl: the slash spelling of sysctl(8) too" {
  hull_only "sysctl(8) spelling"
  cfg '.linux.sysctl = {"net/ipv4/ip_default_ttl": "33", "net.ipv4.conf.lo.forwarding": "1"}'
  in_container 'cat /proc/sys/net/ipv4/ip_default_ttl /proc/sys/net/ipv4/conf/lo/forwarding'
  assert_success
  assert_output $'33\n1'
}

@test "sysctl: applied although /proc/sys is read-only for the program" {
  cfg '.linux.readonlyPaths = ((.linux.readonlyPaths // []) - ["/proc/sys"] + ["/proc/sys"])'
  cfg '.linux.sysctl = {"net.ipv4.ip_default_ttl": "55"}'
  in_container 'cat /proc/sys/net/ipv4/ip_default_ttl; echo 56 > /proc/sys/net/ipv4/ip_default_ttl || echo ro'
  assert_success
  [ "${lines[0]}" = 55 ] || { show_run; fail "value"; }
  [[ $output == *ro* ]] || { show_run; fail "/proc/sys writable"; }
}

@test "sysctl: a sysctl that is not namespaced is refused, nothing left" {
  local before
  before=$(cat /proc/sys/vm/swappiness)
  cfg '.linux.sysctl = {"vm.swappiness": "1"}'
  create_fails '.linux.sysctl["vm.swappiness"]: not a namespaced sysctl'
  assert_equal "$(cat /proc/sys/vm/swappiness)" "$before"
  cfg '.linux.sysctl = {"kernel.randomize_va_space": "0"}'
  create_fails '.linux.sysctl["kernel.randomize_va_space"]: not a namespaced sysctl'
}

@test "sysctl: net.* without a network namespace is refused" {
  del_ns network
  cfg '.linux.sysctl = {"net.ipv4.ip_forward": "1"}'
  create_fails '.linux.sysctl["net.ipv4.ip_forward"]: needs a network namespace of the container'"'"'s own'
}

@test "sysctl: net.* when joining the host's network namespace is refused" {
  cfg --arg p "/proc/$$/ns/net" '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)'
  cfg '.linux.sysctl = {"net.ipv4.ip_forward": "1"}'
  create_fails '.linux.sysctl["net.ipv4.ip_forward"]: needs a network namespace of the container'"'"'s own'
}

@test "sysctl: net.* in a joined network namespace that is not the host's" {
  unshare --net sleep 1000 3>&- &
  local pid=$!
  HULL_CLEANUP+=("kill $pid")
  local i
  for ((i = 0; i < 50; i++)); do
    [ "$(readlink "/proc/$pid/ns/net")" != "$(readlink /proc/self/ns/net)" ] && break
    sleep 0.1
  done
  local host
  host=$(cat /proc/sys/net/ipv4/ip_default_ttl)
  cfg --arg p "/proc/$pid/ns/net" '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)'
  cfg '.linux.sysctl = {"net.ipv4.ip_default_ttl": "77"}'
  in_container 'cat /proc/sys/net/ipv4/ip_default_ttl'
  assert_success
  assert_output 77
  assert_equal "$(nsenter -t "$pid" -n cat /proc/sys/net/ipv4/ip_default_ttl)" 77
  assert_equal "$(cat /proc/sys/net/ipv4/ip_default_ttl)" "$host"
}

@test "sysctl: ipc keys without an ipc namespace are refused" {
  del_ns ipc
  cfg '.linux.sysctl = {"kernel.shmmax": "1"}'
  create_fails '.linux.sysctl["kernel.shmmax"]: needs an ipc namespace'
  cfg '.linux.sysctl = {"fs.mqueue.msg_max": "1"}'
  create_fails '.linux.sysctl["fs.mqueue.msg_max"]: needs an ipc namespace'
}

@test "sysctl: ipc keys when joining the host's ipc namespace are refused" {
  hull_only "runc accepts any ipc namespace entry here"
  cfg --arg p "/proc/$$/ns/ipc" '.linux.namespaces |= map(if .type == "ipc" then .path = $p else . end)'
  cfg '.linux.sysctl = {"kernel.shmmax": "1"}'
  create_fails '.linux.sysctl["kernel.shmmax"]: needs an ipc namespace'
}

@test "sysctl: kernel.domainname without a uts namespace is refused" {
  del_ns uts
  cfg 'del(.hostname) | del(.domainname)'
  cfg '.linux.sysctl = {"kernel.domainname": "x"}'
  create_fails '.linux.sysctl["kernel.domainname"]: needs a uts namespace'
}

@test "sysctl: kernel.domainname in a uts namespace joined by path" {
  local a pid
  a=$(new_id a)
  start_sleeper "$a"
  pid=$(ctr_pid "$a")
  cfg --arg p "/proc/$pid/ns/uts" '.linux.namespaces |= map(if .type == "uts" then .path = $p else . end)'
  cfg --arg d "joined-$BATS_SUITE_TEST_NUMBER" '.linux.sysctl = {"kernel.domainname": $d}'
  in_container 'cat /proc/sys/kernel/domainname'
  assert_success
  assert_output "joined-$BATS_SUITE_TEST_NUMBER"
  # The name is the namespace's: the other container sees it too.
  assert_equal "$(nsenter -u -t "$pid" cat /proc/sys/kernel/domainname)" "joined-$BATS_SUITE_TEST_NUMBER"
}

@test "sysctl: names that could leave /proc/sys are refused" {
  hull_only
  cfg '.linux.sysctl = {"net.ipv4.../../../vm.swappiness": "1"}'
  create_fails '.linux.sysctl["net.ipv4.../../../vm.swappiness"]: not a valid sysctl name'
  cfg '.linux.sysctl = {"net..ipv4": "1"}'
  create_fails 'not a valid sysctl name'
}

@test "sysctl: a key the kernel does not have fails naming the file" {
  cfg '.linux.sysctl = {"net.ipv4.no_such_key": "1"}'
  run_fails '.linux.sysctl["net.ipv4.no_such_key"]: open /proc/sys/net/ipv4/no_such_key: No such file or directory'
}

@test "sysctl: a value the kernel refuses fails naming it" {
  cfg '.linux.sysctl = {"net.ipv4.ip_forward": "banana"}'
  run_fails '.linux.sysctl["net.ipv4.ip_forward"]: write "banana" to /proc/sys/net/ipv4/ip_forward: Invalid argument'
}

@test "sysctl: not written through something mounted over /proc/sys" {
  hull_only "refusal message"
  add_mount '{"destination": "/proc/sys", "type": "tmpfs", "source": "tmpfs"}'
  cfg '.linux.sysctl = {"net.ipv4.ip_forward": "1"}'
  run_fails '/proc/sys is not on procfs'
}

@test "sysctl: set in a user namespace's own network and ipc namespaces" {
  local d=$T
  while [ "$d" != / ] && [ "$d" != /tmp ]; do
    chmod o+x "$d"
    d=$(dirname "$d")
  done
  add_ns user
  cfg '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
     | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
  cfg '.linux.sysctl = {"net.ipv4.ip_default_ttl": "50", "kernel.shmmax": "999999"}'
  in_container 'cat /proc/sys/net/ipv4/ip_default_ttl /proc/sys/kernel/shmmax'
  assert_success
  assert_output $'50\n999999'
}

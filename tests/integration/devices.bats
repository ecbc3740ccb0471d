#!/usr/bin/env bats
# /dev inside the container: the default devices, pts/ptmx/shm, the
# standard symlinks, and linux.devices.

load helpers

setup_file() { hull_setup_file; }
setup() { hull_setup; }
teardown() { hull_teardown; }

# assert_chardev PATH MAJOR:MINOR (hex, as stat %t:%T prints them)
assert_chardev() {
  in_container "[ -c $1 ] && stat -c '%t:%T' $1"
  assert_success
  assert_output "$2"
}

@test "/dev/null is char device 1:3" { assert_chardev /dev/null 1:3; }
@test "/dev/zero is char device 1:5" { assert_chardev /dev/zero 1:5; }
@test "/dev/full is char device 1:7" { assert_chardev /dev/full 1:7; }
@test "/dev/random is char device 1:8" { assert_chardev /dev/random 1:8; }
@test "/dev/urandom is char device 1:9" { assert_chardev /dev/urandom 1:9; }
@test "/dev/tty is char device 5:0" { assert_chardev /dev/tty 5:0; }

@test "the default devices work (write /dev/null, read /dev/zero and /dev/urandom)" {
  in_container 'echo x > /dev/null && head -c 4 /dev/zero | wc -c && head -c 4 /dev/urandom | wc -c'
  assert_success
  [ "$(echo $output)" = "4 4" ] || { show_run; fail "reads"; }
}

@test "/dev/pts is a devpts directory" {
  in_container "[ -d /dev/pts ] && stat -f -c %T /dev/pts"
  assert_success
  assert_output devpts
}

@test "/dev/ptmx exists (the pts ptmx or char 5:2)" {
  in_container 'if [ -L /dev/ptmx ]; then readlink /dev/ptmx; else stat -c "%t:%T" /dev/ptmx; fi'
  assert_success
  [[ $output == pts/ptmx || $output == /dev/pts/ptmx || $output == 5:2 ]] || { show_run; fail "ptmx"; }
}

@test "/dev/shm is a directory" {
  in_container '[ -d /dev/shm ] && touch /dev/shm/x && echo ok'
  assert_success
  assert_output ok
}

@test "/dev/fd is a symlink to /proc/self/fd" {
  in_container 'readlink /dev/fd'
  assert_success
  assert_output /proc/self/fd
}

@test "/dev/stdin /dev/stdout /dev/stderr are symlinks to /proc/self/fd/0 1 2" {
  in_container 'for l in stdin stdout stderr; do readlink /dev/$l; done'
  assert_success
  [ "$(echo $output)" = "/proc/self/fd/0 /proc/self/fd/1 /proc/self/fd/2" ] || { show_run; fail "links"; }
}

@test "/dev/core is a symlink to /proc/kcore only if the host has /proc/kcore" {
  in_container 'if [ -L /dev/core ]; then readlink /dev/core; else echo none; fi'
  assert_success
  if [ -e /proc/kcore ]; then
    assert_output /proc/kcore
  else
    assert_output none
  fi
}

@test "host devices do not appear in the container's /dev" {
  local hostdev
  hostdev=$(ls /dev | grep -E '^(vd[a-z]|sd[a-z]|nvme|loop|mem$|kmsg$)' | head -n1)
  [ -n "$hostdev" ] || skip "no host block or memory device to look for"
  in_container "[ ! -e /dev/$hostdev ] && echo absent"
  assert_success
  assert_output absent
}

@test "linux.devices: a char device with fileMode, uid and gid" {
  cfg '.linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229,
                          "fileMode": 416, "uid": 1, "gid": 2}]'
  in_container '[ -c /dev/fuse ] && stat -c "%t:%T %a %u:%g" /dev/fuse'
  assert_success
  assert_output "a:e5 640 1:2"
}

@test "linux.devices: a block device" {
  cfg '.linux.devices = [{"path": "/dev/hullblk", "type": "b", "major": 7, "minor": 200,
                          "fileMode": 432, "uid": 0, "gid": 0}]'
  in_container '[ -b /dev/hullblk ] && stat -c "%t:%T %a" /dev/hullblk'
  assert_success
  assert_output "7:c8 660"
}

@test "linux.devices: a device in a missing subdirectory of /dev" {
  cfg '.linux.devices = [{"path": "/dev/hull/sub/null2", "type": "c", "major": 1, "minor": 3}]'
  in_container '[ -c /dev/hull/sub/null2 ] && stat -c "%t:%T" /dev/hull/sub/null2'
  assert_success
  assert_output 1:3
}

#!/usr/bin/env bats
# The root filesystem: root.path, root.readonly, --no-pivot,
# linux.rootfsPropagation, and that nothing leaks into the host's mounts.

load helpers

setup_file() { hull_setup_file; }
setup() { hull_setup; }
teardown() { hull_teardown; }

# root_mount_line: the container's /proc/self/mountinfo line for "/".
root_mount_line() {
  in_container 'awk '"'"'$5 == "/"'"'"' /proc/self/mountinfo'
  assert_success
  [ "$(wc -l <<<"$output")" -eq 1 ] || { show_run; fail "expected one mount at /"; }
}

# The optional fields (shared:N master:N ...) of a mountinfo line.
optional_fields() { awk '{ for (i = 7; $i != "-"; i++) printf "%s ", $i }' <<<"$1"; }

@test "root.path relative to the bundle" {
  echo relative >"$BUNDLE/rootfs/which-root"
  cfg '.root.path = "rootfs"'
  in_container 'cat /which-root'
  assert_success
  assert_output relative
}

@test "root.path absolute" {
  mkdir -p "$T/elsewhere"
  cp -a "$BUNDLE/rootfs" "$T/elsewhere/root"
  echo absolute >"$T/elsewhere/root/which-root"
  cfg --arg p "$T/elsewhere/root" '.root.path = $p'
  in_container 'cat /which-root'
  assert_success
  assert_output absolute
}

@test "root.readonly: writing to / fails with 'Read-only file system'" {
  cfg '.root.readonly = true'
  in_container 'touch /x'
  assert_failure
  [[ $stderr == *"Read-only file system"* ]] || { show_run; fail "not EROFS"; }
  [ ! -e "$BUNDLE/rootfs/x" ]
}

@test "root.readonly leaves the mounts on top writable (/dev/shm)" {
  cfg '.root.readonly = true'
  in_container 'touch /dev/shm/ok && echo ok'
  assert_success
  assert_output ok
}

@test "root.readonly false: writes land in the bundle's rootfs" {
  in_container 'echo written > /tmp/w'
  assert_success
  [ "$(cat "$BUNDLE/rootfs/tmp/w")" = written ]
}

@test "--no-pivot runs the container in its rootfs" {
  echo nopivot >"$BUNDLE/rootfs/which-root"
  local id
  id=$(new_id)
  set_sh 'cat /which-root; echo $$'
  run --separate-stderr hull_cmd run --no-pivot --bundle "$BUNDLE" "$id" </dev/null
  assert_success
  [ "${lines[0]}" = nopivot ] && [ "${lines[1]}" = 1 ] || { show_run; fail "output"; }
}

# The attack: an unprivileged process makes its own user and mount
# namespaces and mounts a procfs, which the kernel allows only where one is
# fully visible already (the host's, under the old root, with --no-pivot).
# The tmpfs mount shows the namespaces work at all.
procfs_attack() {
  mkdir -p "$BUNDLE/rootfs/tmp/p"
  chmod 0777 "$BUNDLE/rootfs/tmp/p"
  cfg '.process.user = {"uid": 1000, "gid": 1000}'
  set_sh 'unshare -mrpf sh -c "mount -t tmpfs t /tmp/p && echo userns-ok; mount -t proc proc /tmp/p && echo MOUNTED"'
}

@test "--no-pivot: the host's procfs cannot be used to mount an unmasked one (nested user namespace)" {
  procfs_attack
  local id
  id=$(new_id)
  run --separate-stderr hull_cmd run --no-pivot --bundle "$BUNDLE" "$id" </dev/null
  assert_output userns-ok
}

@test "pivot_root: the same attack fails" {
  procfs_attack
  local id
  id=$(new_id)
  run --separate-stderr hull_cmd run --bundle "$BUNDLE" "$id" </dev/null
  assert_output userns-ok
}

@test "linux.rootfsPropagation private: / is neither shared nor a slave" {
  cfg '.linux.rootfsPropagation = "private"'
  root_mount_line
  local opt
  opt=$(optional_fields "$output")
  [[ $opt != *shared:* && $opt != *master:* ]] || fail "/ is not private: $output"
}

@test "linux.rootfsPropagation shared: / is shared" {
  hull_only "runc 1.1.5 leaves / private"
  cfg '.linux.rootfsPropagation = "shared"'
  root_mount_line
  [[ $(optional_fields "$output") == *shared:* ]] || fail "/ is not shared: $output"
}

@test "linux.rootfsPropagation slave: / is not shared" {
  cfg '.linux.rootfsPropagation = "slave"'
  root_mount_line
  [[ $(optional_fields "$output") != *shared:* ]] || fail "/ is shared: $output"
}

@test "host mountinfo has no container mounts while it runs and after" {
  local id pid
  id=$(new_id)
  start_sleeper "$id"
  pid=$(ctr_pid "$id")
  local now
  now=$(comm -13 "$T/.mounts-before" <(test_mounts))
  [ -z "$now" ] || fail "container mounts in the host while running: $now"
  # And the container itself does have its mounts.
  grep -q ' /proc ' "/proc/$pid/mountinfo" || fail "no /proc in the container"
  hull_cmd delete --force "$id"
  now=$(comm -13 "$T/.mounts-before" <(test_mounts))
  [ -z "$now" ] || fail "container mounts in the host after delete: $now"
}

@test "root.path can be an overlay mounted by the caller" {
  mkdir -p "$T/ovl/upper" "$T/ovl/work" "$T/ovl/merged"
  echo from-lower >"$BUNDLE/rootfs/lower-file"
  mount -t overlay overlay \
    -o "lowerdir=$BUNDLE/rootfs,upperdir=$T/ovl/upper,workdir=$T/ovl/work" "$T/ovl/merged"
  cfg --arg p "$T/ovl/merged" '.root.path = $p'
  in_container 'cat /lower-file; echo new > /tmp/upper-file'
  assert_success
  assert_output from-lower
  [ "$(cat "$T/ovl/upper/tmp/upper-file")" = new ] || fail "write did not land in upperdir"
  [ ! -e "$BUNDLE/rootfs/tmp/upper-file" ] || fail "write went to the lower dir"
}

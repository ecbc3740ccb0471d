#!/usr/bin/env bats
# User namespaces as root: several mapping ranges, root inside, ids of
# files on the host, setgroups, devices and sysfs without host privilege.

load helpers

setup_file() { hull_setup_file; }
setup() {
  hull_setup
  open_tmp_path
  add_ns user
  # Two ranges each, with a gap: container 0-999 and 1000-1999.
  cfg '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 1000},
                             {"containerID": 1000, "hostID": 300000, "size": 1000}]
     | .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 1000},
                             {"containerID": 1000, "hostID": 400000, "size": 1000}]'
}
teardown() { hull_teardown; }

# The tmp dirs above the bundle must be traversable by the mapped root.
open_tmp_path() {
  local d=$T
  while [ "$d" != / ] && [ "$d" != /tmp ]; do
    chmod o+x "$d"
    d=$(dirname "$d")
  done
}

@test "userns: every uid and gid range shows in /proc/self/{uid,gid}_map" {
  in_container 'cat /proc/self/uid_map; echo /; cat /proc/self/gid_map'
  assert_success
  assert_equal "$(echo $output)" "0 100000 1000 1000 300000 1000 / 0 200000 1000 1000 400000 1000"
}

@test "userns: the process is root inside" {
  in_container 'id -u; id -g'
  assert_success
  assert_equal "$(echo $output)" "0 0"
}

@test "userns: a file made by root inside belongs to the mapped root on the host" {
  in_container 'touch /tmp/by-root'
  assert_success
  assert_equal "$(stat -c %u:%g "$BUNDLE/rootfs/tmp/by-root")" "100000:200000"
}

@test "userns: a file made by uid 1500 inside lands on the second range" {
  cfg '.process.user = {"uid": 1500, "gid": 1500}'
  in_container 'id -u; touch /tmp/by-1500'
  assert_success
  assert_output 1500
  assert_equal "$(stat -c %u:%g "$BUNDLE/rootfs/tmp/by-1500")" "300500:400500"
}

@test "userns: the container's process runs as the mapped uid on the host" {
  id=$(new_id)
  start_sleeper "$id"
  pid=$(ctr_pid "$id")
  assert_equal "$(stat -c %u "/proc/$pid")" 100000
  assert_equal "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" 100000
}

@test "userns: setgroups stays allowed when the runtime is root (as runc)" {
  in_container 'cat /proc/self/setgroups'
  assert_success
  assert_output allow
}

@test "userns: an id outside the mappings shows as the overflow id" {
  in_container 'stat -c %u /bin/busybox'
  assert_success
  assert_output 65534
}

@test "userns: process.user outside the mappings fails" {
  cfg '.process.user = {"uid": 5000, "gid": 0}'
  in_container 'id -u'
  assert_failure
}

@test "userns: /dev/null is the host's node, bound in (no mknod)" {
  in_container 'echo x >/dev/null && test -c /dev/null && awk "\$5 == \"/dev/null\"" /proc/self/mountinfo | wc -l'
  assert_success
  [ "$output" -ge 1 ] || { show_run; fail "/dev/null is not a bind mount"; }
}

@test "userns: without a network namespace of its own, /sys is the host's, bound" {
  del_ns network
  in_container 'test -d /sys/kernel && awk "\$5 == \"/sys\" { print \$4 }" /proc/self/mountinfo | head -n1'
  assert_success
  assert_output /
}

@test "userns: the /sys fallback is logged" {
  hull_only
  del_ns network
  set_sh 'true'
  id=$(new_id)
  run --separate-stderr hull_cmd --debug run --bundle "$BUNDLE" "$id" </dev/null
  assert_success
  [[ $stderr == *"binding /sys instead"* ]] || { show_run; fail "no debug line"; }
}

@test "userns: with its own network namespace, sysfs is mounted fresh" {
  add_ns network
  in_container 'awk "\$5 == \"/sys\"" /proc/self/mountinfo | head -n1'
  assert_success
  [[ $output == *" - sysfs "* ]] || { show_run; fail "/sys is not a fresh sysfs"; }
}

# New namespaces must belong to the joined user namespace: else hostname and
# mounts in them fail with EPERM.
@test "userns: joining a user namespace by path while creating the others" {
  local a
  a=$(new_id)
  start_sleeper "$a"
  pid=$(ctr_pid "$a")
  cfg --arg p "/proc/$pid/ns/user" \
    'del(.linux.uidMappings, .linux.gidMappings)
     | .linux.namespaces = [{type: "mount"}, {type: "pid"}, {type: "uts"}, {type: "ipc"},
                            {type: "network"}, {type: "user", path: $p}]
     | .hostname = "joined"'
  in_container 'readlink /proc/self/ns/user; hostname; echo $$; id -u; cat /proc/self/uid_map'
  assert_success
  assert_equal "$(echo $output)" \
    "$(readlink /proc/$pid/ns/user) joined 1 0 0 100000 1000 1000 300000 1000"
}

# The joiner sits in our pid namespace: the pid it reports is a host pid,
# not the container's view of it (which would name some host process).
@test "userns: joining user and pid namespaces by path records init's host pid" {
  local a b
  a=$(new_id)
  start_sleeper "$a"
  pid=$(ctr_pid "$a")
  cfg --arg u "/proc/$pid/ns/user" --arg p "/proc/$pid/ns/pid" \
    'del(.linux.uidMappings, .linux.gidMappings)
     | .linux.namespaces = [{type: "mount"}, {type: "uts"}, {type: "ipc"}, {type: "pid", path: $p},
                            {type: "user", path: $u}]'
  b=$(new_id)
  start_sleeper "$b" ": > /tmp/$b.up; exec sleep 999"
  bpid=$(ctr_pid "$b")
  [ "$(tr '\0' ' ' <"/proc/$bpid/cmdline")" = "sleep 999 " ] || fail "pid $bpid is not the container's"
  [ "$(readlink "/proc/$bpid/ns/pid")" = "$(readlink "/proc/$pid/ns/pid")" ] || fail "pid namespace"
}

@test "userns: nothing is left behind after the container exits" {
  id=$(new_id)
  set_sh 'true'
  run --separate-stderr hull_cmd run --bundle "$BUNDLE" "$id" </dev/null
  assert_success
  assert_nothing_left "$id"
}

@test "userns --no-pivot: the host's procfs, locked, is covered: no unmasked procfs from a nested user namespace" {
  mkdir -p "$BUNDLE/rootfs/tmp/p"
  chmod 0777 "$BUNDLE/rootfs/tmp/p"
  cfg '.process.user = {"uid": 1000, "gid": 1000}'
  set_sh 'unshare -mrpf sh -c "mount -t tmpfs t /tmp/p && echo userns-ok; mount -t proc proc /tmp/p && echo MOUNTED"'
  local id
  id=$(new_id)
  run --separate-stderr hull_cmd run --no-pivot --bundle "$BUNDLE" "$id" </dev/null
  assert_output userns-ok
}

@test "userns: a bind source the container's root cannot reach is opened by the runtime" {
  # Under a 0700 directory of the host's root: the mapped root has no
  # search permission there, the runtime has.
  mkdir -p "$T/private/dir"
  chmod 0700 "$T/private"
  echo secret-dir >"$T/private/dir/file"
  echo secret-file >"$T/private/file"
  chmod 0644 "$T/private/dir/file" "$T/private/file"
  mkdir -p "$BUNDLE/rootfs/mnt/dir"
  touch "$BUNDLE/rootfs/mnt/file"
  add_mount "{\"destination\": \"/mnt/dir\", \"type\": \"bind\", \"source\": \"$T/private/dir\", \"options\": [\"rbind\", \"ro\"]}"
  add_mount "{\"destination\": \"/mnt/file\", \"type\": \"bind\", \"source\": \"$T/private/file\", \"options\": [\"bind\"]}"
  in_container 'cat /mnt/dir/file /mnt/file; awk "\$5 == \"/mnt/dir\" { print substr(\$6, 1, 3) }" /proc/self/mountinfo'
  assert_success
  assert_equal "$(echo $output)" "secret-dir secret-file ro,"
}

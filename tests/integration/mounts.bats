#!/usr/bin/env bats
# config.json mounts: binds, tmpfs options, special filesystems, order,
# destination creation, symlink escapes, overlay.

load helpers

setup_file() { hull_setup_file; }
setup() { hull_setup; }
teardown() { hull_teardown; }

# mount_json DEST TYPE SOURCE OPTION...: one mounts[] entry.
mount_json() {
  local d=$1 t=$2 s=$3
  shift 3
  jq -nc --arg d "$d" --arg t "$t" --arg s "$s" '{destination: $d, type: $t, source: $s, options: $ARGS.positional}' --args -- "$@"
}

# fstype_inside PATH: prints the fs type of the last mount at PATH inside.
# (mountinfo field 9; the last line for a mount point is the visible one.)
mount_line_inside() {
  in_container "awk -v p='$1' '\$5 == p' /proc/self/mountinfo | tail -n1"
  assert_success
  [ -n "$output" ] || { show_run; fail "nothing mounted at $1"; }
}
fstype_of() { awk '{ for (i = 7; $i != "-"; i++); print $(i + 1) }' <<<"$1"; }

@test "bind mount of a host directory: its files are visible inside" {
  mkdir -p "$T/src"
  echo bound >"$T/src/file"
  add_mount "$(mount_json /mnt/bound bind "$T/src" bind)"
  in_container 'cat /mnt/bound/file'
  assert_success
  assert_output bound
}

@test "bind mount of a host directory: writes inside land on the host" {
  mkdir -p "$T/src"
  add_mount "$(mount_json /mnt/bound bind "$T/src" bind)"
  in_container 'echo back > /mnt/bound/new'
  assert_success
  [ "$(cat "$T/src/new")" = back ]
}

@test "bind mount of a single file" {
  echo single >"$T/onefile"
  add_mount "$(mount_json /etc/onefile bind "$T/onefile" bind)"
  in_container 'cat /etc/onefile'
  assert_success
  assert_output single
}

@test "ro bind mount: writing fails with 'Read-only file system'" {
  mkdir -p "$T/src"
  add_mount "$(mount_json /mnt/ro bind "$T/src" bind ro)"
  in_container 'touch /mnt/ro/x'
  assert_failure
  [[ $stderr == *"Read-only file system"* ]] || { show_run; fail "not EROFS"; }
  [ ! -e "$T/src/x" ]
}

@test "rbind mount carries the mounts below its source" {
  mkdir -p "$T/src/sub"
  mount -t tmpfs hulltest "$T/src/sub"
  echo submount >"$T/src/sub/file"
  add_mount "$(mount_json /mnt/r bind "$T/src" rbind)"
  in_container 'cat /mnt/r/sub/file'
  assert_success
  assert_output submount
}

@test "plain bind mount does not carry the mounts below its source" {
  mkdir -p "$T/src/sub"
  mount -t tmpfs hulltest "$T/src/sub"
  echo submount >"$T/src/sub/file"
  add_mount "$(mount_json /mnt/b bind "$T/src" bind)"
  in_container 'ls -A /mnt/b/sub'
  assert_success
  assert_output ""
}

@test "tmpfs with mode=: the mount point has that mode" {
  add_mount "$(mount_json /mnt/t tmpfs tmpfs mode=0751)"
  in_container 'stat -c %a /mnt/t'
  assert_success
  assert_output 751
}

@test "tmpfs with size=: the mount has that size" {
  add_mount "$(mount_json /mnt/t tmpfs tmpfs size=1m)"
  mount_line_inside /mnt/t
  [[ $output == *size=1024k* ]] || fail "size not applied: $output"
}

@test "mount flags in options (ro, noexec, nosuid, nodev) are applied" {
  add_mount "$(mount_json /mnt/t tmpfs tmpfs ro noexec nosuid nodev)"
  mount_line_inside /mnt/t
  local opts
  opts=$(awk '{ print $6 }' <<<"$output")
  local o
  for o in ro noexec nosuid nodev; do
    [[ ,$opts, == *,$o,* ]] || fail "option $o missing: $output"
  done
}

@test "proc is mounted at /proc and shows the container's pid namespace" {
  in_container "awk '\$5 == \"/proc\" { print \$9 }' /proc/self/mountinfo | tail -n1; ls /proc | grep -c '^[0-9]'"
  assert_success
  [ "${lines[0]}" = proc ] || { show_run; fail "/proc type"; }
  # sh, awk/ls and grep: only the container's few processes.
  [ "${lines[1]}" -lt 10 ] || { show_run; fail "host processes visible"; }
}

@test "sysfs is mounted at /sys" {
  mount_line_inside /sys
  [ "$(fstype_of "$output")" = sysfs ] || fail "$output"
}

@test "devpts is mounted at /dev/pts" {
  mount_line_inside /dev/pts
  [ "$(fstype_of "$output")" = devpts ] || fail "$output"
}

@test "mqueue is mounted at /dev/mqueue" {
  mount_line_inside /dev/mqueue
  [ "$(fstype_of "$output")" = mqueue ] || fail "$output"
}

@test "cgroup mount at /sys/fs/cgroup shows cgroup filesystems" {
  in_container "awk '\$5 ~ \"^/sys/fs/cgroup\"' /proc/self/mountinfo"
  assert_success
  grep -qE ' - cgroup2? ' <<<"$output" || { show_run; fail "no cgroup filesystem under /sys/fs/cgroup"; }
}

@test "mounts are made in config order (a mount inside an earlier one stays visible)" {
  mkdir -p "$T/src"
  echo outer >"$T/src/outer-file"
  add_mount "$(mount_json /mnt/outer bind "$T/src" bind)"
  add_mount "$(mount_json /mnt/outer/inner tmpfs tmpfs mode=0700)"
  in_container 'cat /mnt/outer/outer-file; stat -c %a /mnt/outer/inner'
  assert_success
  [ "${lines[0]}" = outer ] && [ "${lines[1]}" = 700 ] || { show_run; fail "order"; }
}

@test "a missing destination is created inside the rootfs, not on the host" {
  local dest=/hull-newdir-$TAG
  HULL_EXTRA_PATHS+=("$dest")
  add_mount "$(mount_json "$dest/deeper" tmpfs tmpfs)"
  in_container "awk -v p='$dest/deeper' '\$5 == p' /proc/self/mountinfo | wc -l"
  assert_success
  assert_output 1
  [ -d "$BUNDLE/rootfs$dest/deeper" ] || fail "destination not created in the rootfs"
  [ ! -e "$dest" ] || fail "destination created on the host: $dest"
}

@test "a symlink in the rootfs pointing outside does not create or mount on the host" {
  local host=/tmp/hull-escape-$TAG
  HULL_EXTRA_PATHS+=("$host")
  ln -s "$host" "$BUNDLE/rootfs/escape"
  add_mount "$(mount_json /escape/x tmpfs tmpfs)"
  local id
  id=$(new_id)
  set_sh 'true'
  # Succeeding (resolved inside the rootfs) or failing are both fine.
  run --separate-stderr hull_cmd run --bundle "$BUNDLE" "$id" </dev/null
  [ ! -e "$host" ] || fail "created on the host: $(ls -la "$host")"
  local m
  m=$(grep -F " $host" /proc/self/mountinfo || true)
  [ -z "$m" ] || fail "mounted on the host: $m"
}

@test "a bind destination through an escaping symlink does not touch the host" {
  local host=/tmp/hull-escape-$TAG
  HULL_EXTRA_PATHS+=("$host")
  mkdir -p "$T/src"
  ln -s "$host" "$BUNDLE/rootfs/escape"
  add_mount "$(mount_json /escape/x bind "$T/src" bind)"
  local id
  id=$(new_id)
  set_sh 'true'
  run --separate-stderr hull_cmd run --bundle "$BUNDLE" "$id" </dev/null
  [ ! -e "$host" ] || fail "created on the host: $(ls -la "$host")"
  local m
  m=$(grep -F " $host" /proc/self/mountinfo || true)
  [ -z "$m" ] || fail "mounted on the host: $m"
}

@test "overlay mount: lower files visible, writes land in upperdir" {
  mkdir -p "$T/lower" "$T/upper" "$T/work"
  echo from-lower >"$T/lower/l"
  add_mount "$(mount_json /mnt/ovl overlay overlay "lowerdir=$T/lower" "upperdir=$T/upper" "workdir=$T/work")"
  in_container 'cat /mnt/ovl/l; echo up > /mnt/ovl/u'
  assert_success
  assert_output from-lower
  [ "$(cat "$T/upper/u")" = up ] || fail "write not in upperdir"
  [ ! -e "$T/lower/u" ] || fail "write went to lowerdir"
}

# Recursive options (runc's r* names) reach the mounts below the bind too,
# which the plain options do not: a tmpfs is mounted under the source.
rbind_with_submount() {
  mkdir -p "$T/src/sub"
  mount -t tmpfs hulltest "$T/src/sub"
  cp /bin/busybox "$T/src/sub/bb"
  add_mount "$(mount_json /mnt/r bind "$T/src" rbind "$@")"
}

@test "rro: the mount below the bind is read-only too (ro alone leaves it writable)" {
  rbind_with_submount ro
  in_container 'touch /mnt/r/sub/x && echo writable'
  assert_success
  assert_output writable
  rm -f "$T/src/sub/x"
  cp -a "$HULL_BASE_BUNDLE/config.json" "$BUNDLE/config.json"
  rbind_with_submount rro
  in_container 'touch /mnt/r/sub/x'
  assert_failure
  [[ $stderr == *"Read-only file system"* ]] || { show_run; fail "not EROFS"; }
}

@test "rnoexec: a binary on the mount below the bind cannot be executed" {
  rbind_with_submount rnoexec
  in_container '/mnt/r/sub/bb true && echo ran'
  assert_failure
  [[ $stderr == *"ermission denied"* ]] || { show_run; fail "not EACCES"; }
}

@test "rnosuid rnodev rnoatime rnosymfollow: every mount of the subtree carries them" {
  rbind_with_submount rnosuid rnodev rnoatime rnosymfollow
  mount_line_inside /mnt/r/sub
  local opts o
  opts=$(awk '{ print $6 }' <<<"$output")
  for o in nosuid nodev noatime nosymfollow; do
    [[ ,$opts, == *,$o,* ]] || fail "option $o missing: $output"
  done
}

@test "rrw undoes a read-only source below the bind" {
  mkdir -p "$T/src/sub"
  mount -t tmpfs hulltest "$T/src/sub"
  # Read-only as a mount (not the superblock), which a bind can change.
  mount -o remount,bind,ro "$T/src/sub"
  touch "$T/src/sub/x" 2>/dev/null && fail "setup: sub is writable"
  add_mount "$(mount_json /mnt/r bind "$T/src" rbind rrw)"
  in_container 'touch /mnt/r/sub/x && echo written'
  assert_success
  assert_output written
}

@test "tmpcopyup: the tmpfs starts with the image's files at that path, owners and modes kept" {
  mkdir -p "$BUNDLE/rootfs/data/dir"
  echo image >"$BUNDLE/rootfs/data/file"
  chmod 0604 "$BUNDLE/rootfs/data/file"
  chown 1234:5678 "$BUNDLE/rootfs/data/file"
  ln -s file "$BUNDLE/rootfs/data/link"
  echo deep >"$BUNDLE/rootfs/data/dir/deep"
  chmod 0751 "$BUNDLE/rootfs/data"
  add_mount "$(mount_json /data tmpfs tmpfs tmpcopyup)"
  in_container 'cat /data/file /data/dir/deep; readlink /data/link
    stat -c "%a %u:%g" /data/file /data; echo new > /data/new
    awk "\$5 == \"/data\" { print \$9 }" /proc/self/mountinfo'
  assert_success
  assert_output "$(printf 'image\ndeep\nfile\n604 1234:5678\n751 0:0\ntmpfs')"
  # The copy is the tmpfs's: the image is unchanged.
  [ ! -e "$BUNDLE/rootfs/data/new" ]
}

@test "tmpcopyup with ro: the copy is made, then the tmpfs is read-only" {
  mkdir -p "$BUNDLE/rootfs/data"
  echo image >"$BUNDLE/rootfs/data/file"
  add_mount "$(mount_json /data tmpfs tmpfs tmpcopyup ro)"
  in_container 'cat /data/file; touch /data/x'
  assert_failure
  [ "$output" = image ] || { show_run; fail "copy"; }
  [[ $stderr == *"Read-only file system"* ]] || { show_run; fail "not EROFS"; }
}

@test "a read-only /dev tmpfs: /dev is populated first, then read-only" {
  cfg '.mounts |= map(if .destination == "/dev" then .options += ["ro"] else . end)'
  in_container 'test -c /dev/null && test -d /dev/pts && test -d /dev/shm && echo ok > /dev/null && echo populated; touch /dev/x'
  assert_failure
  assert_output populated
  [[ $stderr == *"Read-only file system"* ]] || { show_run; fail "not EROFS"; }
}

@test "a read-only tmpfs with a mount below it: the mount point is made first" {
  add_mount "$(mount_json /mnt/ro tmpfs tmpfs ro mode=0755)"
  add_mount "$(mount_json /mnt/ro/sub tmpfs tmpfs mode=0700)"
  in_container 'stat -c %a /mnt/ro/sub; touch /mnt/ro/sub/w && echo sub-writable; touch /mnt/ro/x'
  assert_failure
  [ "${lines[0]}" = 700 ] && [ "${lines[1]}" = sub-writable ] || { show_run; fail "submount"; }
  [[ $stderr == *"Read-only file system"* ]] || { show_run; fail "not EROFS"; }
}

@test "features lists the recursive options and tmpcopyup it implements" {
  hull_only "runc's list differs"
  run --separate-stderr "$HULL" features
  assert_success
  local o
  for o in rro rrw rnosuid rnodev rnoexec rnoatime rnosymfollow tmpcopyup idmap ridmap; do
    jq -e --arg o "$o" '.mountOptions | index($o)' <<<"$output" >/dev/null ||
      fail "features: $o missing: $(jq -c .mountOptions <<<"$output")"
  done
}

#!/usr/bin/env bats
# linux.maskedPaths and linux.readonlyPaths: what is hidden and what is
# read-only inside, missing paths, and symlinks planted by the image.

load helpers

setup_file() { hull_setup_file; }
setup() { hull_setup; }
teardown() { hull_teardown; }

# set_masked PATH...: linux.maskedPaths (readonlyPaths emptied).
set_masked() {
  cfg --argjson p "$(jq -n '$ARGS.positional' --args -- "$@")" \
    '.linux.maskedPaths = $p | .linux.readonlyPaths = []'
}
set_readonly() {
  cfg --argjson p "$(jq -n '$ARGS.positional' --args -- "$@")" \
    '.linux.readonlyPaths = $p | .linux.maskedPaths = []'
}

@test "masked file reads as empty (/dev/null bound over it)" {
  echo topsecret >"$BUNDLE/rootfs/etc/hidden"
  set_masked /etc/hidden
  in_container 'cat /etc/hidden; echo "[$?]"; stat -c "%t:%T" /etc/hidden'
  assert_success
  assert_output "[0]
1:3"
}

@test "masked directory is an empty read-only tmpfs" {
  mkdir -p "$BUNDLE/rootfs/srv/private"
  echo data >"$BUNDLE/rootfs/srv/private/file"
  set_masked /srv/private
  in_container 'ls -A /srv/private | wc -l; touch /srv/private/x; awk "\$5 == \"/srv/private\" { print \$6 }" /proc/self/mountinfo | cut -d, -f1'
  assert_success
  [[ $stderr == *"Read-only file system"* ]] || { show_run; fail "directory mask writable"; }
  assert_output "0
ro"
  [ "$(cat "$BUNDLE/rootfs/srv/private/file")" = data ]
}

@test "default /proc masks: /proc/keys and /proc/timer_list are empty, /proc/acpi and /sys/firmware are empty dirs" {
  in_container 'wc -c < /proc/keys; wc -c < /proc/timer_list; ls -A /proc/acpi /sys/firmware 2>/dev/null | grep -v : | grep -c . || true'
  assert_success
  assert_output "0
0
0"
}

@test "missing masked and readonly paths are skipped" {
  cfg '.linux.maskedPaths = ["/no/such/file", "/proc/no-such-entry"] | .linux.readonlyPaths = ["/no/such/dir"]'
  in_container 'echo fine'
  assert_success
  assert_output fine
}

@test "readonly path: writes fail with EROFS, reads work" {
  mkdir -p "$BUNDLE/rootfs/data"
  echo keep >"$BUNDLE/rootfs/data/file"
  set_readonly /data
  in_container 'cat /data/file; echo x > /data/file'
  assert_failure
  assert_output keep
  [[ $stderr == *"Read-only file system"* ]] || { show_run; fail "not EROFS"; }
  [ "$(cat "$BUNDLE/rootfs/data/file")" = keep ]
}

@test "readonly path keeps nosuid/nodev/noexec of the mount below" {
  add_mount '{"destination": "/scratch", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "noexec"]}'
  set_readonly /scratch
  in_container 'awk "\$5 == \"/scratch\" { print \$6 }" /proc/self/mountinfo | tail -n1'
  assert_success
  for f in ro nosuid nodev noexec; do
    [[ ,$output, == *",$f,"* ]] || { show_run; fail "missing $f"; }
  done
}

@test "default /proc/sys is read-only" {
  in_container 'echo 1 > /proc/sys/kernel/printk_ratelimit'
  assert_failure
  [[ $stderr == *"Read-only file system"* ]] || { show_run; fail "not EROFS"; }
}

@test "a masked path that is a symlink is resolved inside the rootfs" {
  mkdir -p "$T/host-dir" "$BUNDLE/rootfs/inside"
  echo host >"$T/host-dir/file"
  echo inside >"$BUNDLE/rootfs/inside/file"
  # Absolute target: names a host path, but must be taken inside the rootfs.
  ln -s "$T/host-dir/file" "$BUNDLE/rootfs/evil"
  ln -s /inside/file "$BUNDLE/rootfs/good"
  set_masked /evil /good
  in_container 'cat /inside/file; echo "[$?]"'
  assert_success
  assert_output "[0]"
  [ "$(cat "$T/host-dir/file")" = host ]
}

@test "readonlyPaths through a symlink to a host path do not touch the host" {
  mkdir -p "$T/host-dir"
  ln -s "$T/host-dir" "$BUNDLE/rootfs/ro-link"
  set_readonly /ro-link
  in_container 'echo fine'
  assert_success
  assert_equal "$(ls -A "$T/host-dir")" ""
  assert_nothing_left "$(tail -n1 "$T/.ids")"
}

@test "/sys a symlink in the rootfs: masks follow it inside the rootfs" {
  rmdir "$BUNDLE/rootfs/sys"
  mkdir -p "$BUNDLE/rootfs/sysalt/firmware"
  echo secret >"$BUNDLE/rootfs/sysalt/firmware/f"
  ln -s /sysalt "$BUNDLE/rootfs/sys"
  cfg '.mounts |= map(select(.destination | startswith("/sys") | not))'
  set_masked /sys/firmware
  in_container 'ls -A /sysalt/firmware | wc -l'
  assert_success
  assert_output 0
}

@test "a mask through a /proc magic link is refused, naming the entry" {
  rmdir "$BUNDLE/rootfs/sys"
  mkdir -p "$BUNDLE/rootfs/sysalt/firmware"
  # /proc/PID/root can name any root: runc follows it, hull does not.
  ln -s /proc/1/root/sysalt "$BUNDLE/rootfs/sys"
  cfg '.mounts |= map(select(.destination | startswith("/sys") | not))'
  set_masked /sys/firmware
  hull_only "runc follows /proc magic links"
  create_fails "config.json: .linux.maskedPaths[0]: /sys/firmware: a symlink loop or a /proc magic link"
}

@test "CVE-2025-31133: /dev/null replaced by a symlink is refused as a mask source" {
  hull_only "runc before 1.2.8 binds whatever /dev/null is"
  echo "host data" >"$T/hostfile"
  # No /dev tmpfs: the image's own /dev is used, with /dev/null planted.
  cfg '.mounts |= map(select(.destination != "/dev" and (.destination | startswith("/dev/") | not)))'
  ln -sf "$T/hostfile" "$BUNDLE/rootfs/dev/null"
  echo secret >"$BUNDLE/rootfs/etc/hidden"
  set_masked /etc/hidden
  in_container 'cat /etc/hidden'
  assert_hull_error "not the null device"
  [ "$(cat "$T/hostfile")" = "host data" ]
  [ -L "$BUNDLE/rootfs/dev/null" ]
}

@test "CVE-2025-31133: /dev/null replaced by a regular file is refused as a mask source" {
  hull_only "runc before 1.2.8 binds whatever /dev/null is"
  cfg '.mounts |= map(select(.destination != "/dev" and (.destination | startswith("/dev/") | not)))'
  echo "not null" >"$BUNDLE/rootfs/dev/null"
  echo secret >"$BUNDLE/rootfs/etc/hidden"
  set_masked /etc/hidden
  in_container 'cat /etc/hidden'
  assert_hull_error "not the null device"
}

@test "masks and read-only paths in a user namespace (/dev/null bound from the host)" {
  open_tmp_path
  add_ns user
  cfg '.linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
     | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
  echo secret >"$BUNDLE/rootfs/etc/hidden"
  mkdir -p "$BUNDLE/rootfs/data"
  cfg '.linux.maskedPaths = ["/etc/hidden", "/proc/kcore", "/proc/keys"] | .linux.readonlyPaths = ["/data", "/proc/sys"]'
  in_container 'wc -c < /etc/hidden; wc -c < /proc/keys; touch /data/x 2>/dev/null || echo ro'
  assert_success
  assert_output "0
0
ro"
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

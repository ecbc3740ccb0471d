#!/usr/bin/env bats
# AppArmor profile and SELinux labels. As in runc, a profile or label the
# host cannot enforce is an error (the container would otherwise run
# unconfined without anyone knowing); an empty one means none; the mount
# label is ignored when SELinux is off.

load helpers

setup_file() { hull_setup_file; }
setup() { hull_setup; }
teardown() { hull_teardown; }

apparmor_enabled() {
  [ -e /sys/kernel/security/apparmor ] &&
    [ "$(head -c1 /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]
}

selinux_enabled() { [ -e /sys/fs/selinux/enforce ]; }

@test "apparmor: a profile on a host without AppArmor is refused, nothing left" {
  apparmor_enabled && skip "AppArmor is enabled here"
  cfg '.process.apparmorProfile = "docker-default"'
  create_fails '.process.apparmorProfile: profile "docker-default" given but AppArmor is not enabled on this host'
}

@test "apparmor: an empty profile means none" {
  cfg '.process.apparmorProfile = ""'
  in_container 'echo ok'
  assert_success
  assert_output ok
}

@test "apparmor: the profile applies at exec" {
  apparmor_enabled || skip "AppArmor is not enabled here"
  cfg '.process.apparmorProfile = "unconfined"'
  in_container 'cat /proc/self/attr/apparmor/current 2>/dev/null || cat /proc/self/attr/current'
  assert_success
  assert_output_contains unconfined
}

@test "selinux: a process label on a host without SELinux is refused, nothing left" {
  selinux_enabled && skip "SELinux is enabled here"
  cfg '.process.selinuxLabel = "system_u:system_r:container_t:s0"'
  create_fails '.process.selinuxLabel: label given but SELinux is disabled or not supported on this host'
}

@test "selinux: a mount label without SELinux is ignored" {
  selinux_enabled && skip "SELinux is enabled here"
  cfg '.linux.mountLabel = "system_u:object_r:container_file_t:s0"'
  in_container 'echo ok'
  assert_success
  assert_output ok
}

@test "selinux: the process label applies at exec" {
  selinux_enabled || skip "SELinux is not enabled here"
  local label
  label=$(cat /proc/self/attr/current)
  cfg --arg l "$label" '.process.selinuxLabel = $l'
  in_container 'cat /proc/self/attr/current'
  assert_success
  assert_output_contains "$label"
}

#!/bin/bash
# Builds an OCI bundle for the integration tests:
#
#   make-bundle.sh DIR
#
#   DIR/rootfs       busybox-static at /bin/busybox, a symlink in /bin for
#                    every applet `busybox --list` prints, /etc/passwd and
#                    /etc/group (root, nobody), empty /tmp /proc /sys /dev.
#   DIR/config.json  `$HULL spec` output when $HULL can write one, else the
#                    template below; then edited for tests: terminal false,
#                    writable root, args ["sh"].
#
# HULL names the runtime binary (default: ./hull from the repo top).
# BUSYBOX names the static busybox to copy (default: /bin/busybox).
set -euo pipefail

usage() { echo "usage: $0 DIR" >&2; exit 2; }
[ $# -eq 1 ] || usage
dir=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
HULL=${HULL:-$top/hull}
BUSYBOX=${BUSYBOX:-/bin/busybox}

if ! file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked'; then
  # `file` may be missing: fall back to ldd's verdict.
  if ldd "$BUSYBOX" >/dev/null 2>&1; then
    echo "$0: $BUSYBOX is not a static binary (apt-get install busybox-static)" >&2
    exit 1
  fi
fi

mkdir -p "$dir"
rootfs=$dir/rootfs
mkdir -p "$rootfs"/{bin,sbin,etc,tmp,proc,sys,dev,root,usr/bin,usr/sbin,var}
chmod 1777 "$rootfs/tmp"
chmod 0700 "$rootfs/root"
cp "$BUSYBOX" "$rootfs/bin/busybox"
chmod 0755 "$rootfs/bin/busybox"
(
  cd "$rootfs/bin"
  # One process for all ~270 links (perl-base is essential in Debian): a
  # fork per link is seconds under the VM tests' emulated CPU. `busybox
  # --list` names busybox itself: linking it would replace the binary.
  "$BUSYBOX" --list | perl -ne 'chomp; next if $_ eq "busybox" || -e $_ || -l $_;
    symlink "busybox", $_ or die "symlink $_: $!\n"'
)
cat >"$rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$rootfs/etc/group" <<'EOF'
root:x:0:
nobody:x:65534:
EOF

# The fallback config: what a runc-compatible `spec` prints (runc 1.1's
# default, terminal already false), so the tests do not depend on `spec`
# working to run at all.
template() {
  cat <<'EOF'
{
  "ociVersion": "1.0.2",
  "process": {
    "terminal": false,
    "user": { "uid": 0, "gid": 0 },
    "args": [ "sh" ],
    "env": [
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "TERM=xterm"
    ],
    "cwd": "/",
    "capabilities": {
      "bounding": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
      "effective": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
      "permitted": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
      "ambient": [ "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE" ]
    },
    "rlimits": [ { "type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024 } ],
    "noNewPrivileges": true
  },
  "root": { "path": "rootfs", "readonly": true },
  "hostname": "runc",
  "mounts": [
    { "destination": "/proc", "type": "proc", "source": "proc" },
    { "destination": "/dev", "type": "tmpfs", "source": "tmpfs",
      "options": [ "nosuid", "strictatime", "mode=755", "size=65536k" ] },
    { "destination": "/dev/pts", "type": "devpts", "source": "devpts",
      "options": [ "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5" ] },
    { "destination": "/dev/shm", "type": "tmpfs", "source": "shm",
      "options": [ "nosuid", "noexec", "nodev", "mode=1777", "size=65536k" ] },
    { "destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
      "options": [ "nosuid", "noexec", "nodev" ] },
    { "destination": "/sys", "type": "sysfs", "source": "sysfs",
      "options": [ "nosuid", "noexec", "nodev", "ro" ] },
    { "destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
      "options": [ "nosuid", "noexec", "nodev", "relatime", "ro" ] }
  ],
  "linux": {
    "resources": { "devices": [ { "allow": false, "access": "rwm" } ] },
    "namespaces": [
      { "type": "pid" }, { "type": "network" }, { "type": "ipc" },
      { "type": "uts" }, { "type": "mount" }
    ],
    "maskedPaths": [
      "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
      "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
      "/proc/scsi"
    ],
    "readonlyPaths": [
      "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"
    ]
  }
}
EOF
}

rm -f "$dir/config.json"
if ! (cd "$dir" && "$HULL" spec </dev/null >/dev/null 2>&1 && jq -e . config.json >/dev/null 2>&1); then
  rm -f "$dir/config.json"
  template >"$dir/config.json"
fi

# Test defaults: no terminal, a writable root (tests that need a read-only
# root set it back), a shell as the process.
jq '.process.terminal = false | .root.readonly = false | .process.args = ["sh"]' \
  "$dir/config.json" >"$dir/config.json.tmp"
mv "$dir/config.json.tmp" "$dir/config.json"

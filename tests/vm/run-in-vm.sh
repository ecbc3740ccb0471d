#!/usr/bin/env bash
# tests/vm/run-in-vm.sh - run a command as root inside a throw-away QEMU VM with a
# pure cgroup v2 (or a pure cgroup v1) layout.
#
#   tests/vm/run-in-vm.sh LAYOUT COMMAND [ARG...]
#   tests/vm/run-in-vm.sh v2 bats --tap tests/integration/lifecycle.bats tests/integration/namespaces.bats
#   tests/vm/run-in-vm.sh v1 bats --tap tests/integration/resources.bats
#   tests/vm/run-in-vm.sh --prepare   only install, fetch and build what a VM needs
#
# LAYOUT: v2 (boots with cgroup_no_v1=all: cgroup2 on /sys/fs/cgroup, every controller
# enabled in the root's subtree_control) or v1 (tmpfs on /sys/fs/cgroup and one cgroup v1
# mount per hierarchy, systemd-style). COMMAND runs with cwd = the top of this tree,
# which is shared read-write at the same path; the rest of the host's / is the guest's
# root, read-only with a tmpfs overlay, so the host's binaries (bash, bats, jq, the
# dynamically linked ./hull) run unchanged. /tmp, /run are guest tmpfs.
#
# COMMAND's stdout comes back on stdout (streamed while it runs); its stderr and the
# guest console go to stderr. Exits with COMMAND's exit status; 124 when the VM timed
# out, 125 when the VM failed before COMMAND ran (a "# vm: ..." line on stderr says why).
#
# Environment:
#   HULL_VM_TIMEOUT  seconds for the whole VM (default 3600)
#   HULL_VM_MEM      guest MiB (default 2048)        HULL_VM_CPUS  vCPUs (default 1)
#   HULL_VM_APPEND   extra kernel command line       HULL_VM_KERNEL  6.1.0-N-amd64
#   HULL_VM_ACCEL    kvm | tcg (default: kvm only with a real kvm_intel/kvm_amd)
#   HULL_VM_CPU      TCG CPU model (default max)
#   HULL_VM_ROOTIMG=0  no root image (build-rootimg.sh): everything from 9p
#   HULL_NO_APT=1    do not apt-get install missing packages
#   HULL_VM_PREPARED=1  --prepare ran just before: use its kernel, initramfs and image
# Variables named HULL_* or BATS_* are passed to COMMAND (HULL_VM_* excepted), and
# HULL_IN_VM=LAYOUT is set for it.
set -u
VM_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$VM_DIR/../.." && pwd)
# shellcheck source=tests/vm/common.sh
. "$VM_DIR/common.sh"

vmfail() {
	echo "# vm: $*" >&2
	exit 125
}

PREPARE=
if [ "${1:-}" = --prepare ]; then
	PREPARE=1
	set -- v2 true
fi
[ $# -ge 2 ] || { sed -n '2,36s/^# \{0,1\}//p' "$0" >&2; exit 2; }
LAYOUT=$1
shift
case $LAYOUT in v1 | v2) ;; *) vmfail "unknown layout '$LAYOUT' (v2 or v1)" ;; esac
case $REPO in *[[:space:]]*) vmfail "the tree's path has white space: $REPO" ;; esac
[ "$(id -u)" = 0 ] || vmfail "needs root (9p passthrough of /)"

PREPARED=$VM_DIR/.cache/prepared
if [ "${HULL_VM_PREPARED:-0}" = 1 ] && [ -f "$PREPARED" ]; then
	# tests/run.sh ran --prepare just before: skip the checks (seconds each)
	{ read -r KDIR; read -r INITRD; read -r ROOTIMG; } <"$PREPARED"
else
	vm_need_pkgs qemu-system-x86 kmod cpio busybox-static || vmfail "missing packages"
	# one fetch/build at a time when several VMs start together
	mkdir -p "$VM_DIR/.cache"
	exec 9>"$VM_DIR/.cache/.lock"
	flock 9
	KDIR=$("$VM_DIR/fetch-kernel.sh") || vmfail "cannot fetch the kernel"
	INITRD=$("$VM_DIR/build-initramfs.sh") || vmfail "cannot build the initramfs"
	ROOTIMG=
	if [ "${HULL_VM_ROOTIMG:-1}" = 1 ]; then
		# shellcheck disable=SC2046
		ROOTIMG=$("$VM_DIR/build-rootimg.sh" $(ls "$REPO"/hull 2>/dev/null)) ||
			vmfail "cannot build the root image"
	fi
	printf '%s\n' "$KDIR" "$INITRD" "$ROOTIMG" >"$PREPARED"
	exec 9>&-
fi
command -v qemu-system-x86_64 >/dev/null || vmfail "no qemu-system-x86_64"
[ -z "$PREPARE" ] || exit 0

RUN=$(mktemp -d "${TMPDIR:-/tmp}/hull-vm.XXXXXX") || vmfail "mktemp"
QPID=
cleanup() {
	[ -n "$QPID" ] && kill "$QPID" 2>/dev/null
	rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "$KDIR" >"$RUN/kdir"
{
	echo '# written by tests/vm/run-in-vm.sh'
	while IFS= read -r name; do
		case $name in HULL_VM_*) continue ;; esac
		printf 'export %s=%q\n' "$name" "${!name}"
	done < <(compgen -e | grep -E '^(HULL|BATS)_')
	printf 'export HULL_IN_VM=%q\n' "$LAYOUT"
	printf 'cd %q || exit 125\n' "$REPO"
	printf 'exec'
	printf ' %q' "$@"
	printf '\n'
} >"$RUN/cmd"
: >"$RUN/out"

APPEND="console=ttyS0 panic=-1 reboot=t quiet loglevel=3 cryptomgr.notests mitigations=off"
APPEND="$APPEND hull.layout=$LAYOUT hull.repo=$REPO"
DRIVES=()
if [ -n "$ROOTIMG" ]; then
	APPEND="$APPEND hull.rootimg=1"
	DRIVES=(-drive "file=$ROOTIMG,if=virtio,format=raw,readonly=on")
fi
[ "$LAYOUT" = v2 ] && APPEND="$APPEND cgroup_no_v1=all"
APPEND="$APPEND ${HULL_VM_APPEND:-}"

# KVM only on a real one: this build farm's /dev/kvm is kvm_pvm, which cannot boot
# Debian's kernel (see README.md).
accel=${HULL_VM_ACCEL:-}
if [ -z "$accel" ]; then
	accel=tcg
	if [ -w /dev/kvm ] && [ ! -d /sys/module/kvm_pvm ] &&
		{ [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; }; then
		accel=kvm
	fi
fi
case $accel in
kvm) ACCEL=(-accel kvm -cpu host) ;;
*) ACCEL=(-accel tcg,thread=multi -cpu "${HULL_VM_CPU:-max}") ;;
esac

fs9p() { # TAG PATH [readonly]
	printf "%s\n" -fsdev "local,id=$1,path=$2,security_model=passthrough,multidevs=remap${3:+,readonly=on}"
	printf "%s\n" -device "virtio-9p-pci,fsdev=$1,mount_tag=$1"
}
mapfile -t SHARES < <(fs9p hostroot / ro; fs9p repo "$REPO"; fs9p hullrun "$RUN")

start=$(date +%s.%N)
timeout -k 10 "${HULL_VM_TIMEOUT:-3600}" qemu-system-x86_64 \
	-M pc "${ACCEL[@]}" -m "${HULL_VM_MEM:-2048}" -smp "${HULL_VM_CPUS:-1}" \
	-nodefaults -display none -no-reboot -serial stdio \
	-kernel "$KDIR/vmlinux" -initrd "$INITRD" -append "$APPEND" \
	"${DRIVES[@]}" "${SHARES[@]}" </dev/null >&2 &
QPID=$!
# Stream the command's stdout while the VM runs.
tail -n +1 -s 0.3 -f --pid="$QPID" "$RUN/out" &
TPID=$!
wait "$QPID"
qrc=$?
QPID=
wait "$TPID"
secs=$(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || echo '?')

if [ -f "$RUN/rc" ]; then
	rc=$(cat "$RUN/rc")
	echo "# vm: $LAYOUT ($accel) exit status $rc, ${secs%.*}s" >&2
	exit "$rc"
fi
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	echo "# vm: timed out after ${HULL_VM_TIMEOUT:-3600}s" >&2
	exit 124
fi
vmfail "the VM stopped (qemu exit status $qrc) without the command's exit status"

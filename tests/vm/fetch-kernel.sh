#!/usr/bin/env bash
# tests/vm/fetch-kernel.sh - fetch a Debian 6.1 kernel for the test VM (idempotent).
#
#   tests/vm/fetch-kernel.sh          prints the kernel directory on stdout
#
# apt-get download linux-image-6.1.0-N-amd64 (N from linux-image-amd64's Depends, or
# $HULL_VM_KERNEL=6.1.0-N-amd64), dpkg -x it into tests/vm/.cache/kernel-<ver>/root and
# extract the uncompressed vmlinux from vmlinuz (boots ~7 s faster under TCG).
# /boot is never touched. 6.1 because Debian's later kernels lack cgroup v1 memory.
# Result: tests/vm/.cache/kernel-<ver>/{vmlinux,root/lib/modules/<ver>/...,version}
set -eu
VM_DIR=$(cd "$(dirname "$0")" && pwd)
CACHE=$VM_DIR/.cache
mkdir -p "$CACHE"

log() { echo "fetch-kernel: $*" >&2; }

pick_version() {
	if [ -n "${HULL_VM_KERNEL:-}" ]; then
		echo "$HULL_VM_KERNEL"
		return
	fi
	local v
	v=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/.*Depends: linux-image-\(6\.1\.0-[0-9]*-amd64\)$/\1/p' | head -n 1)
	if [ -z "$v" ]; then
		v=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64$' 2>/dev/null |
			sed -n 's/^linux-image-\(6\.1\.0-[0-9]*-amd64\) .*/\1/p' | sort -t- -k2,2n | tail -n 1)
	fi
	if [ -z "$v" ]; then
		# maybe the package lists are empty (fresh container): refresh once
		apt-get update -q >&2 || true
		v=$(apt-cache depends linux-image-amd64 2>/dev/null |
			sed -n 's/.*Depends: linux-image-\(6\.1\.0-[0-9]*-amd64\)$/\1/p' | head -n 1)
	fi
	[ -n "$v" ] || { log "no linux-image-6.1.0-*-amd64 package known to apt"; exit 1; }
	echo "$v"
}

# extract_vmlinux BZIMAGE OUT: the scripts/extract-vmlinux logic: find each
# compression magic, try to decompress from there, keep the first ELF result.
extract_vmlinux() {
	local img=$1 out=$2 magic cmd off
	for spec in \
		'\x1f\x8b\x08|gzip -dc' \
		'\xfd7zXZ\x00|xz -dc' \
		'\x28\xb5\x2f\xfd|zstd -dc' \
		'BZh|bzip2 -dc' \
		'\x5d\x00\x00\x00|xz -dc --format=lzma' \
		'\x89LZO|lzop -dc' \
		'\x02\x21\x4c\x18|lz4 -dc'; do
		magic=${spec%%|*} cmd=${spec#*|}
		command -v "${cmd%% *}" >/dev/null 2>&1 || continue
		for off in $(LC_ALL=C grep -obUaP "$magic" "$img" 2>/dev/null | cut -d: -f1 | head -n 5); do
			tail -c +"$((off + 1))" "$img" | $cmd >"$out.tmp" 2>/dev/null || true
			if [ "$(head -c 4 "$out.tmp" | od -An -c | tr -d ' ')" = '177ELF' ]; then
				mv "$out.tmp" "$out"
				return 0
			fi
		done
	done
	rm -f "$out.tmp"
	return 1
}

KVER=$(pick_version)
KDIR=$CACHE/kernel-$KVER
if [ -f "$KDIR/done" ]; then
	echo "$KDIR"
	exit 0
fi

command -v dpkg >/dev/null || { log "needs dpkg/apt-get (Debian)"; exit 1; }
rm -rf "$KDIR"
mkdir -p "$KDIR/dl"
log "downloading linux-image-$KVER"
(cd "$KDIR/dl" && apt-get download -q -o APT::Sandbox::User=root "linux-image-$KVER" >&2)
deb=$(ls "$KDIR"/dl/*.deb | head -n 1)
log "unpacking $(basename "$deb")"
dpkg -x "$deb" "$KDIR/root"
rm -rf "$KDIR/dl"

img=$KDIR/root/boot/vmlinuz-$KVER
[ -f "$img" ] || { log "no $img in the package"; exit 1; }
if extract_vmlinux "$img" "$KDIR/vmlinux"; then
	log "extracted uncompressed vmlinux"
else
	log "could not extract vmlinux: booting the bzImage (slower)"
	cp "$img" "$KDIR/vmlinux"
fi
echo "$KVER" >"$KDIR/version"
touch "$KDIR/done"
echo "$KDIR"

#!/usr/bin/env bash
# tests/vm/build-initramfs.sh - build the test VM's initramfs (idempotent).
#
#   tests/vm/build-initramfs.sh       prints the initramfs path on stdout
#
# Needs the kernel from fetch-kernel.sh (run here if missing). The image holds
# busybox-static (the shell and its applets), tests/vm/init as /init, and the virtio,
# 9p, overlay, virtio_blk and ext4 modules of that kernel (uncompressed, with a load-order file and
# depmod output). It also runs depmod on the whole unpacked kernel tree, which the
# guest bind-mounts on /lib/modules so `modprobe` works there.
# Rebuilt when tests/vm/init or this script is newer than the image.
set -eu
VM_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/vm/common.sh
. "$VM_DIR/common.sh"
vm_need_pkgs kmod cpio busybox-static

KDIR=$("$VM_DIR/fetch-kernel.sh")
KVER=$(cat "$KDIR/version")
OUT=$KDIR/initramfs.cpio.gz
if [ -f "$OUT" ] && [ "$OUT" -nt "$VM_DIR/init" ] && [ "$OUT" -nt "$0" ]; then
	echo "$OUT"
	exit 0
fi

MODROOT=$KDIR/root
if [ ! -f "$MODROOT/lib/modules/$KVER/modules.dep" ]; then
	depmod -b "$MODROOT" "$KVER"
fi

# Modules the init needs before switch_root, dependencies first.
WANT="virtio_pci 9pnet_virtio 9p overlay virtio_blk ext4"
STAGE=$(mktemp -d "${TMPDIR:-/tmp}/hull-initramfs.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE"/{bin,sbin,proc,sys,dev,newroot,lower,rw,lib/modules/"$KVER"}
cp /bin/busybox "$STAGE/bin/busybox"
ln -s busybox "$STAGE/bin/sh"
cp "$VM_DIR/init" "$STAGE/init"
chmod 755 "$STAGE/init"
: >"$STAGE/modules.load"
for m in $WANT; do
	modprobe -d "$MODROOT" -S "$KVER" --show-depends "$m" | while read -r kind path _; do
		[ "$kind" = insmod ] || continue # builtin
		rel=${path#"$MODROOT"/lib/modules/"$KVER"/}
		grep -qxF "$rel" "$STAGE/modules.load" && continue
		mkdir -p "$STAGE/lib/modules/$KVER/$(dirname "$rel")"
		case $path in
		*.xz) xz -dc "$path" >"$STAGE/lib/modules/$KVER/${rel%.xz}"; rel=${rel%.xz} ;;
		*.zst) zstd -qdc "$path" >"$STAGE/lib/modules/$KVER/${rel%.zst}"; rel=${rel%.zst} ;;
		*) cp "$path" "$STAGE/lib/modules/$KVER/$rel" ;;
		esac
		echo "$rel" >>"$STAGE/modules.load"
	done
done
echo "$KVER" >"$STAGE/kver"
cp "$MODROOT/lib/modules/$KVER"/modules.builtin* "$MODROOT/lib/modules/$KVER/modules.order" "$STAGE/lib/modules/$KVER/"
depmod -b "$STAGE" "$KVER"
(cd "$STAGE" && find . -print0 | sort -z | cpio --null -o -H newc --quiet) | gzip -1 >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "build-initramfs: $(du -h "$OUT" | cut -f1) $OUT ($(tr '\n' ' ' <"$STAGE/modules.load"))" >&2
echo "$OUT"

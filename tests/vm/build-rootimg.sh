#!/usr/bin/env bash
# tests/vm/build-rootimg.sh - build the test VM's root image (idempotent).
#
#   tests/vm/build-rootimg.sh [EXTRA_ELF...]    prints the image path on stdout
#
# Why: under TCG every open() of a file on the 9p share of the host's / is a round trip
# to qemu (~10-40 ms), so a fork+exec of a dynamic binary from 9p costs ~50-250 ms and a
# bats test, which runs hundreds of them, 6-15 s. The same binaries read from an ext4
# image on virtio-blk hit the guest's page cache after the first read: ~5 ms.
#
# The image holds what the cgroup bats suites run: the files of the packages in $PKGS
# (those installed; docs, man pages and locales left out), the shared-library closure
# (ldd) of every ELF among them and of EXTRA_ELF (e.g. ./hull), all of /etc, and the
# host's top-level symlinks (merged /usr: bin -> usr/bin, ...). Paths are stored at
# their canonical location (/usr/bin/bash, not /bin/bash).
# The guest stacks it ABOVE the 9p share of the host's / (overlayfs lowerdir=image:9p),
# so anything missing from the image still works, only slower; the image only has to be
# complete for speed, never for correctness.
#
# Built without mounting anything: `mke2fs -t ext4 -d STAGING_DIR` (e2fsprogs).
# Rebuilt only when the key changes: a hash of this script, the file list and each
# file's size, mtime and inode. Result: tests/vm/.cache/rootimg.ext4 (+ .key).
set -eu
VM_DIR=$(cd "$(dirname "$0")" && pwd)
CACHE=$VM_DIR/.cache
# shellcheck source=tests/vm/common.sh
. "$VM_DIR/common.sh"
vm_need_pkgs e2fsprogs
mkdir -p "$CACHE"
OUT=$CACHE/rootimg.ext4

PKGS="bash dash coreutils bats jq libjq1 libonig5 grep sed mawk gawk findutils util-linux
util-linux-extra mount bsdutils procps psmisc busybox-static strace iproute2 kmod file
libmagic1 libmagic-mgc diffutils gzip tar libc-bin libc6 libseccomp2 libyajl2 libcap2
libcap2-bin libmount1 libblkid1 libselinux1 libpcre2-8-0 libtinfo6 libacl1 libattr1
libgmp10 libsmartcols1 libudev1 libuuid1 libzstd1 liblzma5 libbz2-1.0 zlib1g libgcc-s1
libsystemd0 libcrypt1 libaudit1 libcap-ng0 libprocps8 libproc2-0 libelf1 libdw1 libunwind8
libbpf1 libmnl0 libxtables12 libncursesw6"

log() { echo "build-rootimg: $*" >&2; }

LIST=$(mktemp "${TMPDIR:-/tmp}/hull-rootimg.XXXXXX")
STAGE=
trap 'rm -rf "$LIST" "$LIST".* ${STAGE:+"$STAGE"}' EXIT

# Canonical names by rewriting the host's top-level symlinks (merged /usr: /bin/x is
# /usr/bin/x); one sed for thousands of names.
CANON_SED=
for e in /*; do
	[ -L "$e" ] && CANON_SED="$CANON_SED;s|^$e/|$(readlink -f -- "$e")/|"
done
canon_all() { sed "${CANON_SED#;}"; }

# 1. package files (not directories: those come with cp --parents)
# shellcheck disable=SC2086
installed=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' $PKGS 2>/dev/null |
	awk '$1 == "ii" { print $2 }')
# shellcheck disable=SC2086
dpkg -L $installed 2>/dev/null |
	grep -vE '^/usr/share/(doc|man|info|locale|lintian|bash-completion|zsh|fish)/' |
	tr '\n' '\0' | xargs -0 -r stat -c '%F|%n' 2>/dev/null |
	sed -n 's/^\(regular file\|regular empty file\|symbolic link\)|//p' |
	canon_all | sort -u >"$LIST.files"

# 2. the shared-library closure (ldd) of the executables among them and of the extra
# ELFs; the first 4 bytes of each decide whether it is an ELF file
{
	for f in "$@"; do [ -f "$f" ] && readlink -f -- "$f"; done
	grep -E '/(s?bin|libexec)/' "$LIST.files" | tr '\n' '\0' |
		xargs -0 -r grep -l -m1 -aP '^\x7fELF' 2>/dev/null
} | tr '\n' '\0' | xargs -0 -r ldd 2>/dev/null |
	sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (0x.*/\1/p' |
	sort -u >"$LIST.libs"
# a library is usually a symlink (libfoo.so.1 -> libfoo.so.1.2.3): keep both
tr '\n' '\0' <"$LIST.libs" | xargs -0 -r readlink -f -- >"$LIST.targets"
cat "$LIST.libs" "$LIST.targets" | canon_all >>"$LIST.files"
# 3. all of /etc (small; ld.so.cache, passwd, nsswitch.conf, ...)
find /etc -xdev \( -type f -o -type l \) >>"$LIST.files" 2>/dev/null
# drop the extra ELFs themselves (they are not on the host's /usr: ./hull lives in the tree)
sort -u "$LIST.files" | grep -vxF -f <(for f in "$@"; do readlink -f -- "$f"; done; echo /nonexistent) \
	>"$LIST"

# The key: this script, the top-level symlinks, every file's name, size, mtime, inode.
key=$({
	cat "$0"
	for e in /*; do [ -L "$e" ] && echo "$e -> $(readlink "$e")"; done
	tr '\n' '\0' <"$LIST" | xargs -0 -r stat -c '%n %s %Y %i' 2>/dev/null
} | sha256sum | cut -c1-16)
if [ -f "$OUT" ] && [ "$(cat "$OUT.key" 2>/dev/null)" = "$key" ]; then
	echo "$OUT"
	exit 0
fi

STAGE=$(mktemp -d "$CACHE/rootimg-stage.XXXXXX")
# hard links when the cache is on the same file system (no copy), else a copy
# (relative names from /: coreutils 9.1's cp --parents mishandles absolute ones)
copy() { sed 's|^/||' "$LIST" | tr '\n' '\0' | (cd / && xargs -0 -r cp "$@" --parents -t "$STAGE"); }
if ! copy -al 2>/dev/null; then
	rm -rf "$STAGE"
	mkdir -p "$STAGE"
	copy -a
fi
for e in /*; do
	[ -L "$e" ] && cp -a "$e" "$STAGE/"
done
chmod 755 "$STAGE"
kib=$(du -sk "$STAGE" | cut -f1)
nfiles=$(find "$STAGE" | wc -l)
size=$((kib * 5 / 4 + 16384))
rm -f "$OUT.tmp"
# no journal (mounted read-only), root owned by root; -d copies modes, owners, links
mke2fs -q -F -t ext4 -b 4096 -O ^has_journal -L hullroot -N $((nfiles + 4096)) \
	-E root_owner=0:0 -d "$STAGE" "$OUT.tmp" "${size}k" >&2
mv "$OUT.tmp" "$OUT"
echo "$key" >"$OUT.key"
log "$(du -h "$OUT" | cut -f1) $OUT ($nfiles files, key $key)"
echo "$OUT"

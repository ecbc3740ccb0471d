# tests/vm/common.sh - sourced by the tests/vm scripts.

# vm_need_pkgs PKG...: apt-get install (no recommends) whichever PKG is missing.
vm_need_pkgs() {
	local p missing=
	command -v dpkg-query >/dev/null 2>&1 || return 0
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing="$missing $p"
	done
	[ -n "$missing" ] || return 0
	if [ "${HULL_NO_APT:-0}" = 1 ] || [ "$(id -u)" != 0 ]; then
		echo "vm: missing packages:$missing (not installing: HULL_NO_APT=1 or not root)" >&2
		return 1
	fi
	echo "vm: installing:$missing" >&2
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >&2 ||
		{ apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -q --no-install-recommends $missing >&2; }
}

# shellcheck shell=bash
# Tools from Debian packages: a fresh machine (CI's) installs what a script needs, as root.
# apt's output goes to PKG_LOG when set; its last lines are shown when apt fails.
# shellcheck source=log.sh
. "${BASH_SOURCE[0]%/*}/log.sh"

# pkg_of TOOL: the package that has TOOL (a command, or the absolute path of a program).
pkg_of() {
    case $1 in
    ip) echo iproute2 ;;
    nft) echo nftables ;;
    cc) echo gcc ;;
    /usr/lib/usrsctp/*) echo libusrsctp-examples ;;
    */*) echo "pkg_of: no package known for $1" >&2; return 1 ;;
    *) echo "$1" ;;
    esac
}

# pkg_missing TOOL...: the packages of the TOOLs that are missing, one per line.
pkg_missing() {
    local t
    for t in "$@"; do
        case $t in
        /*) [ -x "$t" ] ;;
        *) command -v "$t" >/dev/null 2>&1 ;;
        esac || pkg_of "$t"
    done
}

# pkg_apt ARGS...: apt-get ARGS, non-interactive, waiting for another apt to finish; its
# output in PKG_OUT.
pkg_apt() {
    local rc=0
    PKG_OUT=$(DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300 "$@" 2>&1) || rc=$?
    [ -z "${PKG_LOG:-}" ] || printf '%s\n' "$PKG_OUT" >>"$PKG_LOG"
    return "$rc"
}

# pkg_update: `apt-get update`, once per run.
pkg_update() {
    [ -z "${PKG_UPDATED:-}" ] || return 0
    PKG_UPDATED=1
    pkg_apt update
}

# pkg_retry ARGS...: apt-get ARGS; when that fails, update the package lists (they may be
# missing or stale) and try once more.
pkg_retry() {
    if pkg_apt "$@"; then return 0; fi
    if [ -z "${PKG_UPDATED:-}" ] && pkg_update && pkg_apt "$@"; then return 0; fi
    printf '%s\n' "$PKG_OUT" | tail -n 5 >&2
    return 1
}

# pkg_install PKG...: install the packages, without their recommends; never removes one.
pkg_install() { pkg_retry install --no-install-recommends --no-remove "$@"; }

# pkg_need TOOL...: install the packages of the missing TOOLs. False, with a message, when
# one is missing and this is not root, or when apt fails.
pkg_need() {
    local need
    mapfile -t need < <(pkg_missing "$@")
    ((${#need[@]})) || return 0
    if [ "$(id -u)" != 0 ]; then
        log "missing ${need[*]}; run as root (or install them)"
        return 1
    fi
    log "installing ${need[*]}"
    pkg_install "${need[@]}" || { log "could not install ${need[*]}"; return 1; }
}

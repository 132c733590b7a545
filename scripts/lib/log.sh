# shellcheck shell=bash
# Messages of the project's scripts, on stderr so that stdout stays the tool's output. The
# prefix is LOG_TAG, by default the script's name.

log() { printf '%s: %s\n' "${LOG_TAG:-${0##*/}}" "$*" >&2; }
die() { log "$*"; exit 1; }

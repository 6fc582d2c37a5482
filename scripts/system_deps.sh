#!/usr/bin/env bash
# The system packages the tests need, installed if missing: Debian's chromium (and a colour emoji font)
# for the inbox page's browser test, redis-server for the Redis store's tests.
# Run by `make test` (and so by .ci/run). It installs as root; otherwise it says what is missing, and
# the tests that need it skip, saying why.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || need+=(fonts-noto-color-emoji)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
    echo "system_deps: missing ${need[*]}; install them as root (apt-get install -y ${need[*]})," \
         "the tests that need them skip until then" >&2
    exit 0
fi
echo "system_deps: installing ${need[*]} (Debian packages)"
export DEBIAN_FRONTEND=noninteractive
# Wait for another apt run instead of failing on its lock.
apt-get -o DPkg::Lock::Timeout=300 update -qq
apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${need[@]}" >/dev/null

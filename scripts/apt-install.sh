#!/usr/bin/env bash
# Installs Debian packages the tests need, unless they are there already:
#   scripts/apt-install.sh chromium chromium-driver fonts-noto-color-emoji   (make browser)
#   scripts/apt-install.sh nginx                                             (make e2e)
# Playwright (in the lock) drives Debian's Chromium: no browser download.
set -euo pipefail
# One at a time: `make test` runs the REST and browser tests side by side, and apt refuses a
# second apt-get while the first holds its lock.
exec 9> "${TMPDIR:-/tmp}/aftercare-apt-install.lock"
flock 9
missing=()
for package in "$@"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo > /dev/null || {
    echo "Installing ${missing[*]} needs root: apt-get install ${missing[*]}" >&2
    exit 1
  }
  sudo=sudo
fi
echo "Installing ${missing[*]} from Debian's packages (apt-get)"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" > /dev/null

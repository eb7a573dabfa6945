#!/usr/bin/env bash
# Installs Debian's Chromium, ChromeDriver and an emoji font for the widget's browser tests,
# unless they are there already. Playwright (in the lock) drives this Chromium: no browser
# download.
set -euo pipefail
packages=(chromium chromium-driver fonts-noto-color-emoji)
missing=()
for package in "${packages[@]}"; do
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
chromium --version

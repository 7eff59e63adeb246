#!/usr/bin/env bash
# Debian's chromium and Japanese fonts for the browser tests (Playwright's own browser
# download does not work offline), and the IPA fonts the PDF fixtures embed as TrueType.
# Skips the install when all are already present.
set -euo pipefail
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "noto.*cjk" \
    && fc-list 2>/dev/null | grep -qi "ipagothic\|ipag"; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-browser: need root to apt-get install chromium fonts-noto-cjk" >&2
    exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    chromium fonts-noto-cjk fonts-ipafont-gothic fonts-ipafont-mincho >/dev/null

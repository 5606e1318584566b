#!/usr/bin/env bash
# Installs playwright-core for the dashboard's browser tests (package.json + package-lock.json
# next to this script) into DEST (a folder of the build tree, never the source tree), from the
# npm registry. playwright-core downloads no browser: the tests drive Debian's /usr/bin/chromium.
# Does nothing when DEST already holds exactly this lockfile's install.
# Usage: install.sh DEST
set -euo pipefail
src="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="$1"
mkdir -p "$dest"
if [ -d "$dest/node_modules/playwright-core" ] && cmp -s "$src/package-lock.json" "$dest/installed-lock.json"; then
  echo "playwright-core already installed in $dest"
  exit 0
fi
command -v npm >/dev/null || { echo "FAIL: npm not found (tools/dev.sh installs it)"; exit 1; }
cp "$src/package.json" "$src/package-lock.json" "$dest/"
cd "$dest"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
cp package-lock.json installed-lock.json
node -e 'console.log("playwright-core", require("playwright-core/package.json").version)'

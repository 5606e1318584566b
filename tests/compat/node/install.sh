#!/usr/bin/env bash
# Installs the Node clients of tests/compat (package.json + package-lock.json next to this script)
# into DEST (a folder of the build tree, never the source tree), from the npm registry.
# Does nothing when DEST already holds exactly this lockfile's install.
# Usage: install.sh DEST
set -euo pipefail
src="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="$1"
mkdir -p "$dest"
if [ -d "$dest/node_modules/node-adwords" ] && [ -d "$dest/node_modules/soap" ] &&
   cmp -s "$src/package-lock.json" "$dest/installed-lock.json"; then
  echo "node clients already installed in $dest"
  exit 0
fi
command -v npm >/dev/null || { echo "FAIL: npm not found (tools/dev.sh installs it)"; exit 1; }
cp "$src/package.json" "$src/package-lock.json" "$dest/"
cd "$dest"
npm ci --no-audit --no-fund --loglevel=error
cp package-lock.json installed-lock.json
node -e 'for (const m of ["soap", "node-adwords"]) console.log(m, require(m + "/package.json").version)'

#!/usr/bin/env bash
# The two set-up commands of README.md:
#   tools/dev.sh serve   install what is missing, build (Release), start batchgate on 127.0.0.1:8080
#   tools/dev.sh test    install what is missing, build (Release), run every test
# Works on a fresh Debian 12 machine, as root or through sudo. Extra arguments after `serve` go to
# `batchgate serve` (e.g. --listen 127.0.0.1:0 --data /tmp/bg).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode="${1:-}"
shift || true

packages=(
  build-essential cmake ninja-build pkg-config git
  libboost1.81-dev libssl-dev libsqlite3-dev libexpat1-dev libpugixml-dev
  libcli11-dev libspdlog-dev libfmt-dev libtomlplusplus-dev libgtest-dev
  # tests/compat: real third-party SOAP clients (python3-suds/zeep for /usr/bin/python3, PHP's
  # SoapClient, gSOAP's wsdl2h/soapcpp2, Node for node-soap/node-adwords from the npm registry)
  python3 python3-suds python3-zeep python3-requests php-cli php-soap gsoap libgsoap-dev nodejs
)
# Debian's nodejs comes without npm; NodeSource's nodejs bundles it (and conflicts with Debian's npm).
command -v npm >/dev/null 2>&1 || packages+=(npm)

install_packages() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  echo "installing: ${missing[*]}" >&2
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >&2
}

# Build output goes to stderr, so that the first line `serve` prints on stdout is the base URL.
build() {
  cmake --preset release -S "$root" >/dev/null
  cmake --build "$root/build/release" --parallel "$(nproc)" >&2
}

case "$mode" in
  serve)
    install_packages
    build
    cd "$root"
    exec "$root/build/release/batchgate" serve --listen 127.0.0.1:8080 --data "$root/data" "$@"
    ;;
  test)
    install_packages
    build
    cd "$root/build/release"
    exec ctest --output-on-failure --timeout 600 -j "$(nproc)"
    ;;
  *)
    echo "usage: tools/dev.sh serve|test" >&2
    exit 2
    ;;
esac

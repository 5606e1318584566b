#!/usr/bin/env bash
# The two set-up commands of README.md:
#   tools/dev.sh serve   install what is missing, build (Release), start batchgate on 127.0.0.1:8080
#   tools/dev.sh test    install what is missing, build (Release), run every test; then build the
#                        "asan" preset (ASan + UBSan) and run the unit, integration and fuzz-corpus
#                        tests again under the sanitizers (BG_ASAN=0 skips that second pass)
# And for developers and the Dockerfile:
#   tools/dev.sh deps    only install what is missing (the Dockerfile's cached first layer)
#   tools/dev.sh fuzz [SECONDS]   build the "fuzz" preset (clang, libFuzzer) and run every fuzz
#                        target for SECONDS (default 60) from a copy of fixtures/corpus/<target>/
# Works on a fresh Debian 12 machine, as root or through sudo. Extra arguments after `serve` go to
# `batchgate serve` (e.g. --listen 127.0.0.1:0 --data /tmp/bg).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode="${1:-}"
shift || true

packages=(
  build-essential cmake ninja-build pkg-config git
  libboost1.81-dev libssl-dev libsqlite3-dev libexpat1-dev libpugixml-dev libjemalloc-dev
  libcli11-dev libspdlog-dev libfmt-dev libtomlplusplus-dev libgtest-dev
  # tests/compat: real third-party SOAP clients (python3-suds/zeep for /usr/bin/python3, PHP's
  # SoapClient, gSOAP's wsdl2h/soapcpp2, Node for node-soap/node-adwords from the npm registry)
  python3 python3-suds python3-zeep python3-requests php-cli php-soap gsoap libgsoap-dev nodejs
  # tests/fuzz: libFuzzer and the sanitizer runtimes come with Debian's clang
  clang-14 libclang-rt-14-dev
  # tests/ui: the dashboard in Debian's headless Chromium (playwright-core, from the npm registry
  # into the build tree, drives /usr/bin/chromium; no browser is ever downloaded), with a font
  chromium fonts-dejavu-core
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

# Second pass of `test`: unit, integration and fuzz-corpus tests built with ASan + UBSan (preset
# "asan", build/asan; -O0, which compiles in less than half the time of -O1: the CI budget). The compat suite (third-party clients), the kill -9 crash loop, the
# dashboard's browser tests (label ui; its API is covered by the integration tests) and the
# README walkthrough ran in the Release pass and are not repeated. Reports of the server processes that the integration
# tests start go to build/asan/sanitizer-logs/ and fail the run even when the test itself passed.
asan_test() {
  local dir="$root/build/asan"
  local logs="$dir/sanitizer-logs"
  rm -rf "$logs" && mkdir -p "$logs"
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:log_path=$logs/asan"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$logs/ubsan"
  echo "== ASan + UBSan build (build/asan) ==" >&2
  cmake --preset asan -S "$root" >/dev/null
  cmake --build "$dir" --parallel "$(nproc)" >&2
  rm -f "$logs"/*  # test discovery at build time ran the test binaries
  local rc=0
  (cd "$dir" && ctest --output-on-failure --timeout 900 -j "$(nproc)" -LE "compat|crash|ui" \
    -E "${BG_ASAN_EXCLUDE:-^readme_walkthrough\$}") || rc=$?
  if compgen -G "$logs/*" >/dev/null; then
    echo "sanitizer reports:" >&2
    cat "$logs"/* >&2
    rc=1
  fi
  return "$rc"
}

fuzz() {
  local seconds="$1"
  cmake --preset fuzz -S "$root" >/dev/null
  local targets=()
  for d in "$root"/fixtures/corpus/*/; do targets+=("$(basename "$d")"); done
  cmake --build "$root/build/fuzz" --parallel "$(nproc)" \
    --target "${targets[@]/#/fuzz_}" >&2
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
  for t in "${targets[@]}"; do
    local work="$root/build/fuzz/corpus/$t" artifacts="$root/build/fuzz/artifacts/$t/"
    mkdir -p "$work" "$artifacts"
    cp -rn "$root/fixtures/corpus/$t"/* "$work"/
    echo "== fuzz_$t for ${seconds}s (crashes: $artifacts) ==" >&2
    "$root/build/fuzz/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -rss_limit_mb=2048 \
      -max_len=65536 -artifact_prefix="$artifacts" "$work"
  done
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
    (cd "$root/build/release" && ctest --output-on-failure --timeout 600 -j "$(nproc)")
    [ "${BG_ASAN:-1}" = "0" ] && exit 0
    asan_test
    ;;
  deps)
    install_packages
    ;;
  fuzz)
    install_packages
    fuzz "${1:-60}"
    ;;
  *)
    echo "usage: tools/dev.sh serve|test|deps|fuzz [SECONDS]" >&2
    exit 2
    ;;
esac

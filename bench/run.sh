#!/usr/bin/env bash
# The benchmarks of issue 5, one script (docs/performance.md has the table of a real run):
#   1. execution of a 1M-operation job (1k campaigns, 10k ad groups, ~1M keywords), next to
#      pugixml parsing the same bytes in the same run;
#   2. peak RSS of the executor against upload size (64 MiB, 256 MiB, 1 GiB);
#   3. upload ingest MB/s (256 KiB and 8 MiB chunks, loopback, keep-alive) next to nginx;
#   4. BatchJobService.get polling with wrk (64 connections) next to nginx serving a static
#      response of the same size.
# Usage: bench/run.sh [--quick]    (--quick: small sizes, about two minutes)
# Installs what it needs (apt-get: nginx, wrk, the build dependencies), builds Release in
# build/bench, prints a Markdown table on stdout (progress goes to stderr). Reference and
# batchgate runs alternate, ROUNDS times each; the table shows medians.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
quick=0
[ "${1:-}" = "--quick" ] && quick=1
build="${BG_BENCH_BUILD:-$root/build/bench}"
work="$(mktemp -d /tmp/bg_bench.XXXXXX)"
load_at_start="$(cut -d' ' -f1-3 /proc/loadavg)"
log() { echo "[bench] $*" >&2; }

if [ $quick -eq 1 ]; then
  exec_ops=100000; rss_sizes=(16 64); upload_total=$((32 << 20)); wrk_seconds=3; rounds=1
else
  exec_ops=1000000; rss_sizes=(64 256 1024); upload_total=$((256 << 20)); wrk_seconds=10; rounds=3
fi

# --- set-up -------------------------------------------------------------------------------------
packages=(build-essential cmake ninja-build pkg-config libboost1.81-dev libssl-dev libsqlite3-dev
  libexpat1-dev libpugixml-dev libjemalloc-dev libcli11-dev libspdlog-dev libfmt-dev libtomlplusplus-dev
  libgtest-dev nginx wrk curl python3)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=(); [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  log "installing: ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >&2
fi
log "building Release in $build"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$build" batchgate bench_execute bench_http >&2
bx="$build/bench/bench_execute"
bh="$build/bench/bench_http"

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

kv() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2"; }  # value of key=value in a line
median() { python3 -c 'import sys,statistics; v=[float(x) for x in sys.argv[1:]]; print(f"{statistics.median(v):.3f}")' "$@"; }
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1])/float(sys.argv[2]):.2f}')" "$1" "$2"; }

# --- 1. execution -------------------------------------------------------------------------------
log "1. execution: generating $exec_ops operations"
"$bx" gen "$work/exec.xml" --ops "$exec_ops" >&2
exec_bytes=$(stat -c %s "$work/exec.xml")
parse_s=(); read_s=(); null_s=(); floor_s=(); run_s=(); run_line=""
for r in $(seq "$rounds"); do
  log "   round $r: pugixml"; l=$("$bx" parse "$work/exec.xml"); parse_s+=("$(kv parse_s "$l")")
  log "   round $r: op reader"; l=$("$bx" read "$work/exec.xml"); read_s+=("$(kv read_s "$l")")
  log "   round $r: executor, null backend"; l=$("$bx" run "$work/exec.xml" --null)
  null_s+=("$(kv run_s "$l")")
  log "   round $r: SQLite floor"; l=$("$bx" floor --ops "$exec_ops"); floor_s+=("$(kv floor_s "$l")")
  log "   round $r: executor, sandbox"; run_line=$("$bx" run "$work/exec.xml"); log "   $run_line"
  run_s+=("$(kv run_s "$run_line")")
done
p=$(median "${parse_s[@]}"); rd=$(median "${read_s[@]}"); nl=$(median "${null_s[@]}")
fl=$(median "${floor_s[@]}"); ex=$(median "${run_s[@]}")
ops=$(kv ops "$run_line")

# --- 2. peak RSS against upload size ------------------------------------------------------------
rss_rows=()
for mb in "${rss_sizes[@]}"; do
  log "2. RSS: $mb MiB upload"
  "$bx" gen "$work/rss.xml" --bytes $((mb << 20)) >&2
  l=$("$bx" run "$work/rss.xml"); log "   $l"
  rss_rows+=("| Peak RSS, $mb MiB upload ($(kv ops "$l") ops, sandbox) | $(kv peak_rss_mb "$l") MiB | | $(kv run_s "$l") s, $(kv ops_s "$l") ops/s |")
  rm -f "$work/rss.xml"
done
rm -f "$work/exec.xml"

# --- servers for 3 and 4 ------------------------------------------------------------------------
mkdir -p "$work/bg" "$work/nginx/put" "$work/nginx/logs" "$work/nginx/tmp"
# nginx workers started by root run as an unprivileged user: let them write where they must.
chmod 755 "$work" "$work/nginx" && chmod 1777 "$work/nginx/put" "$work/nginx/tmp"
"$build/batchgate" serve --listen 127.0.0.1:0 --data "$work/bg" >"$work/bg.out" 2>"$work/bg.err" &
pids+=($!)
for _ in $(seq 200); do [ -s "$work/bg.out" ] && break; sleep 0.05; done
BG=$(head -n1 "$work/bg.out")
[ -n "$BG" ] || { log "batchgate did not start"; cat "$work/bg.err" >&2; exit 1; }
log "batchgate at $BG"

ngport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/nginx/nginx.conf" <<EOF
daemon off;
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/tmp;
  proxy_temp_path $work/nginx/tmp; fastcgi_temp_path $work/nginx/tmp;
  uwsgi_temp_path $work/nginx/tmp; scgi_temp_path $work/nginx/tmp;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$ngport;
    client_max_body_size 0;
    client_body_buffer_size 1m;
    location /put/ { root $work/nginx; dav_methods PUT; create_full_put_path on; }
    location = /static.xml { root $work/nginx; default_type text/xml; }
  }
}
EOF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
pids+=($!)
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$ngport/" && break; sleep 0.05; done
NG="http://127.0.0.1:$ngport"
log "nginx at $NG"

soap() {  # soap FILE -> response on stdout
  curl -s -H 'Authorization: Bearer bench' -H 'Content-Type: text/xml' --data-binary @"$1" \
    "$BG/api/adwords/cm/v201702/BatchJobService"
}
cat >"$work/create.xml" <<'XML'
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header>
<RequestHeader xmlns="https://adwords.google.com/api/adwords/cm/v201702">
<clientCustomerId>123-456-7890</clientCustomerId><developerToken>bench</developerToken>
</RequestHeader></soapenv:Header><soapenv:Body>
<mutate xmlns="https://adwords.google.com/api/adwords/cm/v201702">
<operations><operator>ADD</operator><operand/></operations></mutate></soapenv:Body>
</soapenv:Envelope>
XML
new_upload_url() { soap "$work/create.xml" | sed -n 's:.*<uploadUrl><url>\([^<]*\)</url>.*:\1:p' | sed 's/&amp;/\&/g'; }

# --- 3. upload ingest ---------------------------------------------------------------------------
upload_rows=(); upload_rounds=()
for chunk in 262144 8388608; do
  ours=(); ref=(); floor=()
  mkdir -p "$work/floor"
  for r in $(seq "$rounds"); do
    : >"$work/urls"
    new_upload_url >>"$work/urls"
    log "3. upload, chunk $chunk, round $r"
    l=$("$bh" upload x --urls-file "$work/urls" --chunk $chunk --total $upload_total --mode gcs --runs 1)
    ours+=("$(kv mb_s "$l")")
    l=$("$bh" upload "$NG/put" --chunk $chunk --total $upload_total --mode plain --runs 1)
    ref+=("$(kv mb_s "$l")")
    rm -rf "$work/nginx/put"/*
    # What making each chunk durable costs on this disk, without HTTP (bench_http floor).
    l=$("$bh" floor "$work/floor" --chunk $chunk --total $upload_total --runs 1)
    floor+=("$(kv mb_s "$l")")
  done
  o=$(median "${ours[@]}"); n=$(median "${ref[@]}"); f=$(median "${floor[@]}")
  upload_rounds+=("$((chunk / 1024)) KiB: batchgate ${ours[*]}, nginx ${ref[*]}, floor ${floor[*]} MB/s")
  upload_rows+=("| Upload ingest, $((chunk / 1024)) KiB chunks, $((upload_total >> 20)) MiB | $o MB/s | $n MB/s | $(ratio "$o" "$n")x nginx (goal >= 1x) |")
  upload_rows+=("| Durability floor, $((chunk / 1024)) KiB chunks (pwrite + fdatasync + SQLite commit, no HTTP) | $f MB/s | nginx $n MB/s | batchgate at $(ratio "$o" "$f")x of the floor |")
done

# --- 4. get polling -----------------------------------------------------------------------------
job=$(soap "$work/create.xml" | sed -n 's:.*<value><id>\([0-9]*\)</id>.*:\1:p')
cat >"$work/get.xml" <<XML
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Header><RequestHeader xmlns="https://adwords.google.com/api/adwords/cm/v201702"><clientCustomerId>123-456-7890</clientCustomerId><developerToken>bench</developerToken></RequestHeader></soapenv:Header><soapenv:Body><get xmlns="https://adwords.google.com/api/adwords/cm/v201702"><selector><fields>Id</fields><fields>Status</fields><fields>DownloadUrl</fields><fields>ProgressStats</fields><predicates><field>Id</field><operator>EQUALS</operator><values>$job</values></predicates></selector></get></soapenv:Body></soapenv:Envelope>
XML
soap "$work/get.xml" >"$work/nginx/static.xml"
resp_bytes=$(stat -c %s "$work/nginx/static.xml")
grep -q "<rval>" "$work/nginx/static.xml" || { log "get failed: $(cat "$work/nginx/static.xml")"; exit 1; }
python3 - "$work/get.xml" >"$work/get.lua" <<'PY'
import sys
body = open(sys.argv[1]).read()
print('wrk.method = "POST"')
print('wrk.headers["Content-Type"] = "text/xml; charset=utf-8"')
print('wrk.headers["Authorization"] = "Bearer bench"')
print('wrk.headers["SOAPAction"] = "\\"\\""')
print('wrk.body = [==[' + body + ']==]')
PY
wrk_run() {  # wrk_run URL [script] -> "rps p99_ms"
  local out
  if [ $# -gt 1 ]; then
    out=$(wrk -t2 -c64 -d"${wrk_seconds}s" --latency -s "$2" "$1")
  else
    out=$(wrk -t2 -c64 -d"${wrk_seconds}s" --latency "$1")
  fi
  local rps p99
  rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' <<<"$out")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' <<<"$out")
  if grep -q "Non-2xx" <<<"$out"; then log "wrk: non-2xx responses from $1"; fi
  echo "$rps $p99"
}
ours_rps=(); ours_p99=(); ref_rps=(); ref_p99=()
for r in $(seq "$rounds"); do
  log "4. get polling, round $r ($resp_bytes-byte response)"
  read -r a b <<<"$(wrk_run "$BG/api/adwords/cm/v201702/BatchJobService" "$work/get.lua")"
  ours_rps+=("$a"); ours_p99+=("$b")
  read -r a b <<<"$(wrk_run "$NG/static.xml")"
  ref_rps+=("$a"); ref_p99+=("$b")
done
orps=$(median "${ours_rps[@]}"); op99=$(median "${ours_p99[@]}")
nrps=$(median "${ref_rps[@]}"); np99=$(median "${ref_p99[@]}")

# --- table --------------------------------------------------------------------------------------
cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1)
mem=$(free -h | awk '/^Mem:/ {print $2}')
echo "Machine: $cpu, $(nproc) CPUs, $mem RAM; load average at the start: $load_at_start, at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
echo "Mode: $([ $quick -eq 1 ] && echo quick || echo full), medians of $rounds round(s)."
echo
echo "| Benchmark | batchgate | reference | ratio |"
echo "|---|---|---|---|"
echo "| Execution, $ops ops ($((exec_bytes / 1000000)) MB), final chunk to DONE (sandbox) | $ex s ($(python3 -c "print(f'{$ops/$ex:.0f}')") ops/s) | pugixml parse $p s | $(ratio "$ex" "$p")x parse (goal <= 3x) |"
echo "| Execution, same job, null backend (engine only) | $nl s | pugixml parse $p s | $(ratio "$nl" "$p")x parse |"
echo "| Op reader alone (parse + typing), same bytes | $rd s | pugixml parse $p s | $(ratio "$rd" "$p")x parse |"
echo "| SQLite floor: $exec_ops minimal rows (integer key + 100-byte blob), the executor's transactions, no XML | $fl s | pugixml parse $p s | $(ratio "$fl" "$p")x parse |"
for row in "${rss_rows[@]}"; do echo "$row"; done
for row in "${upload_rows[@]}"; do echo "$row"; done
echo "| get polling, 64 connections, $resp_bytes-byte response: requests/s | $orps | nginx static $nrps | $(ratio "$orps" "$nrps")x nginx (goal >= 0.5x) |"
echo "| get polling, p99 latency | $op99 ms | $np99 ms | |"
echo
# Every round of every reference and of batchgate, so that the spread behind each median shows.
echo "Rounds: pugixml parse ${parse_s[*]} s; op reader ${read_s[*]} s; null backend ${null_s[*]} s;" \
  "SQLite floor ${floor_s[*]} s;" \
  "sandbox ${run_s[*]} s; get ${ours_rps[*]} req/s against nginx ${ref_rps[*]} req/s;" \
  "uploads ${upload_rounds[*]}."

# Sourced by the README tests (readme_walkthrough.sh, readme_client.sh).
#
# start_server BINARY: a real `batchgate serve` on 127.0.0.1:0 with its data in a fresh
# directory $work (removed, with the server stopped, when the script exits); sets work, pid and
# base (the server's URL).
start_server() {
  work="$(mktemp -d)"
  trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
  "$1" serve --listen 127.0.0.1:0 --data "$work/data" > "$work/stdout" 2> "$work/stderr" &
  pid=$!
  for _ in $(seq 1 200); do
    base="$(head -n 1 "$work/stdout" 2>/dev/null || true)"
    [ -n "$base" ] && break
    sleep 0.1  # poll for the base URL line, deadline 20 s
  done
  [ -n "$base" ] || { echo "server did not start"; cat "$work/stderr"; exit 1; }
}

# expect PATTERN: $work/out has a line that matches (grep); otherwise says so and sets fail=1.
fail=0
expect() { grep -q -- "$1" "$work/out" || { echo "MISSING in output: $1"; fail=1; }; }

#!/usr/bin/env bash
# Runs the curl walkthrough of README.md verbatim (every ```sh block after the walkthrough heading)
# against a real server on 127.0.0.1:0, and checks what a reader is told to expect.
# Usage: readme_walkthrough.sh BATCHGATE_BINARY README.md
set -euo pipefail
bin="$1"; readme="$2"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
start_server "$bin"

# The shell blocks of the walkthrough section, with the documented address swapped for ours.
awk '/^## Five-minute walkthrough/{on=1; next} /^## /{on=0} on' "$readme" |
  awk '/^```sh$/{code=1; next} /^```$/{code=0; next} code' |
  sed "s#^BG=http://127.0.0.1:8080\$#BG=$base#" > "$work/walkthrough.sh"
grep -q "^BG=$base\$" "$work/walkthrough.sh" || { echo "README no longer sets BG"; exit 1; }

(cd "$work" && bash -e "$work/walkthrough.sh") > "$work/out" 2>&1 || {
  echo "walkthrough failed:"; cat "$work/out"; exit 1; }
cat "$work/out"

expect '^308$'
expect '^200$'
expect '^status DONE$'
expect '<?xml version="1.0" encoding="UTF-8"?><mutateResponse xmlns="https://adwords.google.com/api/adwords/cm/v201702">'
expect '<index>4</index></rval></mutateResponse>'
expect '<fieldPath>operations\[4\].operand.criterion.text</fieldPath>'
expect 'CriterionError.KEYWORD_HAS_INVALID_CHARS'
[ "$(grep -o '<rval>' "$work/out" | wc -l)" -eq 5 ] || { echo "expected 5 rval"; fail=1; }
[ $fail -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail

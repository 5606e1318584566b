#!/usr/bin/env bash
# Runs the "Replay, submit, validate, export" commands of README.md verbatim (every ```sh block of
# that section) against a real server on 127.0.0.1:0, from a scratch directory that sees the
# repository's fixtures/, and checks what a reader is told to expect.
# Usage: readme_client.sh BATCHGATE_BINARY README.md FIXTURES_DIR
set -euo pipefail
bin="$1"; readme="$2"; fixtures="$3"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
start_server "$bin"

awk '/^## Replay, submit, validate, export/{on=1; next} /^## /{on=0} on' "$readme" |
  awk '/^```sh$/{code=1; next} /^```$/{code=0; next} code' |
  sed -e "s#^B=build/release/batchgate\$#B=$bin#" -e "s#^GW=http://127.0.0.1:8080\$#GW=$base#" \
    > "$work/commands.sh"
grep -q "^B=$bin\$" "$work/commands.sh" || { echo "README no longer sets B"; exit 1; }
grep -q "^GW=$base\$" "$work/commands.sh" || { echo "README no longer sets GW"; exit 1; }

mkdir "$work/run"
ln -s "$fixtures" "$work/run/fixtures"
(cd "$work/run" && bash -e "$work/commands.sh") > "$work/out" 2>&1 || {
  echo "commands failed:"; cat "$work/out"; exit 1; }
cat "$work/out"

expect '(embedded): 5 ok, 1 differ, 0 failed'
expect '^replay exit status 1$'
expect "operation 0 result.Budget.amount.microAmount: archived '55000000', replayed '50000000'"
expect '^submit exit status 1$'
expect '1  CriterionError.KEYWORD_HAS_INVALID_CHARS'
expect 'upload.xml:15:28: the document is malformed'
expect '^validate exit status 1$'
grep -q "replayed 6 jobs through $base: 5 ok, 1 differ" "$work/run/replay.txt" ||
  { echo "replay.txt lacks the summary"; fail=1; }
grep -q 'tests="6" failures="1" errors="0"' "$work/run/replay-junit.xml" ||
  { echo "JUnit report lacks the counts"; fail=1; }
grep -q "<rval>" "$work/run/php-results.xml" || { echo "no php-results.xml"; fail=1; }
grep -q "location=\"$base/api/adwords/cm/v201702/BatchJobService\"" \
  "$work/run/wsdl/BatchJobService.wsdl" || { echo "no exported WSDL"; fail=1; }
[ $fail -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail

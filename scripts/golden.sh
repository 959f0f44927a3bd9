#!/usr/bin/env bash
# Byte-identity check for refactors: runs every bundled scenario through run, report and
# compare (and one sweep, sensitivity, min-staff and calibrate) with a fixed seed and few replicas, and
# prints one SHA-256 per output file. Compare the listing of two binaries with `diff`:
#   scripts/golden.sh ./old-caseload > before.txt; scripts/golden.sh ./target/release/caseload > after.txt
#   diff before.txt after.txt
set -euo pipefail
bin=${1:-./target/release/caseload}
n=${GOLDEN_REPLICAS:-64}
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for s in scenarios/*.toml; do
  name=$(basename "$s" .toml)
  "$bin" run "$s" -n "$n" -s 7 -q --reproducible --out "$out/run/$name" >/dev/null || echo "run $name exit $?"
  "$bin" report "$s" -n "$n" -s 7 -q --reproducible --out "$out/report/$name" >/dev/null || echo "report $name exit $?"
  if grep -q '^\[\[options\]\]' "$s"; then
    "$bin" compare "$s" -n "$n" -s 7 -q --reproducible --out "$out/compare/$name" >/dev/null || echo "compare $name exit $?"
  fi
  "$bin" check "$s" > "$out/check_$name.txt" 2>&1 || true
done
a=scenarios/avon_somerset_2024.toml
"$bin" sweep "$a" --param staff.establishment --from 28 --to 32 --step 2 -n "$n" -s 7 -q --reproducible --out "$out/sweep" >/dev/null || echo "sweep exit $?"
"$bin" sensitivity "$a" -n 32 -s 7 -q --reproducible --out "$out/sensitivity" >/dev/null || echo "sensitivity exit $?"
"$bin" min-staff "$a" -n 32 -s 7 --confidence 0.6 -q --reproducible --out "$out/minstaff" >/dev/null || echo "min-staff exit $?"
"$bin" calibrate scenarios/avon_somerset_2022.toml -b 300 -s 7 -q --out "$out/calibrate" >/dev/null || echo "calibrate exit $?"
"$bin" run "$a" -n "$n" -s 7 -q > "$out/console_run.txt" 2>&1 --reproducible --out "$out/console" || true
cd "$out" && find . -type f ! -name '*.tmp*' | LC_ALL=C sort | xargs sha256sum

#!/usr/bin/env bash
# Runs libFuzzer targets of eachvault-fuzz (built by `make fuzz-build`) from their committed seeds.
#   Fuzz/run.sh runs N [TARGET...]     N executions per target (make fuzz: 1,000,000)
#   Fuzz/run.sh seconds S [TARGET...]  S seconds per target (make test: a short run)
# The committed seeds are never written to: each run grows a corpus of its own under .build-fuzz/corpus. A crash
# leaves its input in Fuzz/crashes/ and fails the run; turn it into a unit test, then fix it.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=$1; amount=$2; shift 2
bin=.build-fuzz/release/eachvault-fuzz
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then targets=($(ls Fuzz/corpus)); fi
mkdir -p Fuzz/crashes
case $mode in
  runs) limit=(-runs="$amount") ;;
  seconds) limit=(-max_total_time="$amount") ;;
  *) echo "usage: Fuzz/run.sh runs|seconds N [TARGET...]" >&2; exit 2 ;;
esac
printf '%-16s %12s %10s %10s\n' target executions seconds exec/s
for target in "${targets[@]}"; do
  work=.build-fuzz/corpus/$target
  mkdir -p "$work"
  log=$(mktemp)
  start=$(date +%s.%N)
  if ! FUZZ_TARGET=$target "$bin" "${limit[@]}" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="Fuzz/crashes/$target-" "$work" "Fuzz/corpus/$target" >"$log" 2>&1; then
    tail -40 "$log" >&2
    echo "fuzz target $target failed: see Fuzz/crashes/" >&2
    exit 1
  fi
  end=$(date +%s.%N)
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  awk -v t="$target" -v r="$runs" -v s="$start" -v e="$end" \
    'BEGIN { d = e - s; printf "%-16s %12d %10.1f %10.0f\n", t, r, d, (d > 0 ? r / d : 0) }'
  rm -f "$log"
done

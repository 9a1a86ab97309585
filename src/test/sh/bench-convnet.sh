#!/usr/bin/env bash
# The book's SimpleConvNet (conf/convnet.conf) on one partition against two, side by side: RUNS runs each (default
# 2), alternating, each STEPS steps (default 30) of batch 500; prints each run's training seconds (summary.json) and
# the ratio of the medians, two partitions over one.
# Usage: src/test/sh/bench-convnet.sh [RUNS] [STEPS]
set -euo pipefail
cd "$(dirname "$0")/../../.."
RUNS="${1:-2}"
STEPS="${2:-30}"
OUT="target/bench-convnet"
rm -rf "$OUT"; mkdir -p "$OUT"
./submit.sh fetch-data >/dev/null
for r in $(seq 1 "$RUNS"); do
  for p in 1 2; do
    ./submit.sh --properties-file conf/convnet.conf --conf spark.scratchnet.steps="$STEPS" \
      --conf spark.scratchnet.partitions="$p" --conf spark.scratchnet.out="$OUT/p$p-$r" > "$OUT/p$p-$r.log" 2>&1
  done
done
python3 - "$OUT" "$RUNS" "$STEPS" <<'PY'
import json, statistics, sys, os
out, runs, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
med = {}
for p in (1, 2):
    t = [json.load(open(os.path.join(out, f"p{p}-{r}", "summary.json")))["train_seconds"] for r in range(1, runs + 1)]
    print(f"{p} partition{'s' if p > 1 else ''}: training {', '.join(f'{x:.2f}' for x in t)} s for {steps} steps")
    med[p] = statistics.median(t)
print(f"ratio 2 partitions / 1 (median training time of {steps} steps): {med[2] / med[1]:.2f}")
PY

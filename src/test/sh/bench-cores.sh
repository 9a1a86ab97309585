#!/usr/bin/env bash
# The user's MNIST run on every core against one core, side by side: ./submit.sh as shipped (local[*], partitions
# auto), ./submit.sh --master 'local[1]', and ./submit.sh --conf spark.scratchnet.partitions=4 (more partitions than
# cores), alternating, RUNS times each (default 3), then PyTorch one thread on the same net and optimizer
# (src/test/python/torch_same_net.py, Debian's python3-torch with libopenblas0-pthread) when /usr/bin/python3 has it.
# Prints each run's time to test accuracy >= 0.97 (training clock, from metrics.csv), its training seconds and the
# whole process's wall seconds, then the medians and the ratios of the medians.
# Usage: src/test/sh/bench-cores.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../../.."
RUNS="${1:-3}"
OUT="target/bench-cores"
rm -rf "$OUT"; mkdir -p "$OUT"
./submit.sh fetch-data >/dev/null
declare -A args=(
  [default]=""
  [local1]="--master local[1]"
  [parts4]="--conf spark.scratchnet.partitions=4"
)
for r in $(seq 1 "$RUNS"); do
  for v in default local1 parts4; do
    dir="$OUT/$v-$r"
    start=$(date +%s.%N)
    # shellcheck disable=SC2086
    ./submit.sh ${args[$v]} --conf spark.scratchnet.out="$dir" > "$OUT/$v-$r.log" 2>&1
    end=$(date +%s.%N)
    echo "$v $r $(echo "$end - $start" | bc)" >> "$OUT/wall.txt"
  done
done
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  /usr/bin/python3 src/test/python/torch_same_net.py data/mnist --hidden 256 --batch 500 --lr 0.005 --warmup 10 \
    --target 0.97 --threads 1 --runs "$RUNS" > "$OUT/torch.log" 2>&1 || true
fi
python3 - "$OUT" "$RUNS" <<'PY'
import csv, json, statistics, sys, os
out, runs = sys.argv[1], int(sys.argv[2])
wall = {}
for line in open(os.path.join(out, "wall.txt")):
    v, r, s = line.split(); wall[(v, int(r))] = float(s)
med = {}
for v in ("default", "local1", "parts4"):
    to97, train, walls = [], [], []
    for r in range(1, runs + 1):
        rows = list(csv.DictReader(open(os.path.join(out, f"{v}-{r}", "metrics.csv"))))
        hit = [float(x["seconds"]) for x in rows if x["test_accuracy"] and float(x["test_accuracy"]) >= 0.97]
        to97.append(hit[0] if hit else float("nan"))
        train.append(json.load(open(os.path.join(out, f"{v}-{r}", "summary.json")))["train_seconds"])
        walls.append(wall[(v, r)])
        print(f"{v:8s} run {r}: to test 0.97 {to97[-1]:.2f} s, training {train[-1]:.2f} s, process {walls[-1]:.1f} s")
    med[v] = (statistics.median(to97), statistics.median(train), statistics.median(walls))
torch = None
tlog = os.path.join(out, "torch.log")
if os.path.exists(tlog):
    for line in open(tlog):
        if line.startswith("{"):
            torch = json.loads(line)
print()
for v, (a, b, c) in med.items():
    print(f"median {v:8s}: to test 0.97 {a:.2f} s, training {b:.2f} s, process {c:.1f} s")
d, l, p = med["default"], med["local1"], med["parts4"]
print(f"ratio default / local[1]: to 0.97 {d[0] / l[0]:.2f}, training {d[1] / l[1]:.2f}, process {d[2] / l[2]:.2f}")
print(f"ratio 4 partitions / default: to 0.97 {p[0] / d[0]:.2f}, training {p[1] / d[1]:.2f}")
if torch:
    print("pytorch one thread, to test 0.97 (median):", ts := torch.get("seconds_median"), "s; runs:", [round(x["seconds"], 2) for x in torch["runs"]], "| BLAS:", torch.get("openblas_core", torch.get("blas", "")))
    ts = torch.get("seconds_median")
    if ts:
        print(f"ratio default / pytorch (to 0.97, training clocks): {d[0] / ts:.2f}")
PY

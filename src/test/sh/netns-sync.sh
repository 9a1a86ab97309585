#!/usr/bin/env bash
# The synchronous step across network hosts on this machine: src/main/sh/local-cluster.sh with SCRATCHNET_NETNS=1
# (each Worker and its executors in a network namespace of its own, 10.77.0.(10+i), joined by veth pairs to a
# bridge where the Master and the driver listen; SCRATCHNET_NETEM, default "delay 0.25ms rate 1gbit", where the
# kernel has netem), 1-core workers, for each worker count in WORKERS (default "1 2 4"):
#   - the empty step: ./submit.sh on the cluster, batch = partitions = workers (one example each), a 1-unit hidden
#     layer; runs of LONG and SHORT steps (default 3000 and 300); the marginal cost of a step is the difference of
#     their training clocks over the steps between (Spark's start, the epoch job's fixed cost and the final
#     evaluation cancel);
#   - the demo MLP (784-256-10, batch 500, single precision) the same way, 100 and 20 steps (inside epoch 1).
# REPEATS (default 2) pairs each; prints every run, then the medians. Needs root (namespaces) and target/spark-home.
# Usage: src/test/sh/netns-sync.sh   (WORKERS="2 4" REPEATS=3 ... to choose)
set -euo pipefail
cd "$(dirname "$0")/../../.."
WORKERS_LIST="${WORKERS:-1 2 4}"
REPEATS="${REPEATS:-2}"
LONG="${LONG:-3000}"; SHORT="${SHORT:-300}"
MLP_LONG="${MLP_LONG:-100}"; MLP_SHORT="${MLP_SHORT:-20}"
export SCRATCHNET_NETEM="${SCRATCHNET_NETEM-delay 0.25ms rate 1gbit}"
export SCRATCHNET_NETNS=1 SCRATCHNET_CLUSTER_DIR="$PWD/target/netns-cluster"
OUT="$PWD/target/netns-sync"
rm -rf "$OUT"; mkdir -p "$OUT"
./submit.sh fetch-data >/dev/null
trap 'src/main/sh/local-cluster.sh stop >/dev/null 2>&1 || true' EXIT

seconds() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["train_seconds"])' "$1/summary.json"; }

run() { # name workers steps extra-conf...
  local name="$1" n="$2" steps="$3"; shift 3
  local dir="$OUT/$name"
  ./submit.sh --properties-file "$SCRATCHNET_CLUSTER_DIR/cluster.conf" --load-spark-defaults \
    --conf spark.scratchnet.partitions="$n" --conf spark.scratchnet.steps="$steps" \
    --conf spark.scratchnet.targetAccuracy=0 --conf spark.scratchnet.out="$dir" "$@" >"$dir.log" 2>&1 \
    || { echo "netns-sync.sh: run $name failed:" >&2; tail -5 "$dir.log" >&2; exit 1; }
  seconds "$dir"
}

for n in $WORKERS_LIST; do
  SCRATCHNET_WORKERS="$n" src/main/sh/local-cluster.sh start >"$OUT/cluster-$n.log"
  echo "workers $n: links $(cat "$SCRATCHNET_CLUSTER_DIR/netem")" | tee -a "$OUT/results.txt"
  for r in $(seq 1 "$REPEATS"); do
    empty=(--conf spark.scratchnet.batchSize="$n" --conf spark.scratchnet.hidden=1 --conf spark.scratchnet.warmupSteps=0)
    tl=$(run "empty-$n-$r-long" "$n" "$LONG" "${empty[@]}")
    ts=$(run "empty-$n-$r-short" "$n" "$SHORT" "${empty[@]}")
    ml=$(run "mlp-$n-$r-long" "$n" "$MLP_LONG")
    ms=$(run "mlp-$n-$r-short" "$n" "$MLP_SHORT")
    python3 - "$n" "$r" "$tl" "$ts" "$LONG" "$SHORT" "$ml" "$ms" "$MLP_LONG" "$MLP_SHORT" <<'PY' | tee -a "$OUT/results.txt"
import sys
n, r = sys.argv[1:3]
tl, ts, L, S, ml, ms, ML, MS = map(float, sys.argv[3:])
print(f"workers {n} run {r}: empty step {1000 * (tl - ts) / (L - S):.3f} ms, MLP step {1000 * (ml - ms) / (ML - MS):.2f} ms")
PY
  done
  src/main/sh/local-cluster.sh stop >/dev/null
done
python3 - "$OUT/results.txt" <<'PY'
import re, statistics, sys, collections
empty, mlp = collections.defaultdict(list), collections.defaultdict(list)
for line in open(sys.argv[1]):
    m = re.match(r"workers (\d+) run \d+: empty step ([\d.]+) ms, MLP step ([\d.]+) ms", line)
    if m:
        empty[int(m[1])].append(float(m[2])); mlp[int(m[1])].append(float(m[3]))
print("\n| workers (hosts) | empty step, ms (median) | MLP step, ms (median) |\n|---|---|---|")
for n in sorted(empty):
    print(f"| {n} | {statistics.median(empty[n]):.3f} | {statistics.median(mlp[n]):.2f} |")
PY

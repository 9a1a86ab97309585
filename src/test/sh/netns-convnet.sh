#!/usr/bin/env bash
# The book's SimpleConvNet (conf/convnet.conf) across network hosts on this machine: src/main/sh/local-cluster.sh with
# SCRATCHNET_NETNS=1 and two 1-core workers (each in a network namespace of its own, see netns-sync.sh), on 1 and 2
# partitions, RUNS rounds (default 2) alternating. The marginal cost of a step is the difference of two runs'
# training clocks (LONG and SHORT steps, default 30 and 10) over the steps between. Needs root and target/spark-home.
# Usage: src/test/sh/netns-convnet.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../../.."
RUNS="${1:-2}"; LONG="${LONG:-30}"; SHORT="${SHORT:-10}"
export SCRATCHNET_NETNS=1 SCRATCHNET_CLUSTER_DIR="$PWD/target/netns-cluster" SCRATCHNET_NETEM="${SCRATCHNET_NETEM-}"
OUT="$PWD/target/netns-convnet"
rm -rf "$OUT"; mkdir -p "$OUT"
./submit.sh fetch-data >/dev/null
SCRATCHNET_WORKERS=2 src/main/sh/local-cluster.sh start >"$OUT/cluster.log"
trap 'src/main/sh/local-cluster.sh stop >/dev/null 2>&1 || true' EXIT
# The conv net's settings and the cluster's (master, secret) in one properties file, readable only by this user.
(umask 077; cat conf/convnet.conf "$SCRATCHNET_CLUSTER_DIR/cluster.conf" >"$OUT/run.conf")

run() { # partitions steps
  local dir="$OUT/p$1-s$2"
  # on the driver's own namespace host, as local-cluster.sh made it
  src/main/sh/local-cluster.sh driver ./submit.sh --properties-file "$OUT/run.conf" --conf spark.scratchnet.partitions="$1" \
    --conf spark.scratchnet.steps="$2" --conf spark.scratchnet.epochs=1 --conf spark.scratchnet.targetAccuracy=0 \
    --conf spark.scratchnet.out="$dir" >"$dir.log" 2>&1 \
    || { echo "netns-convnet.sh: run $dir failed:" >&2; tail -5 "$dir.log" >&2; exit 1; }
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["train_seconds"])' "$dir/summary.json"
}

for r in $(seq 1 "$RUNS"); do
  for p in 1 2; do
    l=$(run "$p" "$LONG"); s=$(run "$p" "$SHORT")
    python3 -c "import sys; l, s = map(float, sys.argv[1:]); print(f'round $r, $p partition(s): conv step {1000 * (l - s) / ($LONG - $SHORT):.1f} ms')" "$l" "$s" | tee -a "$OUT/results.txt"
  done
done
python3 - "$OUT/results.txt" <<'PY'
import re, statistics, sys, collections
steps = collections.defaultdict(list)
for line in open(sys.argv[1]):
    m = re.match(r"round \d+, (\d) partition\(s\): conv step ([\d.]+) ms", line)
    if m:
        steps[int(m[1])].append(float(m[2]))
one, two = statistics.median(steps[1]), statistics.median(steps[2])
print(f"medians: 1 partition {one:.1f} ms, 2 partitions (2 hosts) {two:.1f} ms a step: {two / one:.2f}x")
PY

#!/usr/bin/env bash
# The synchronous step across network hosts on this machine: src/main/sh/local-cluster.sh with SCRATCHNET_NETNS=1
# (each Worker and its executors in a network namespace of its own, 10.77.0.(10+i), and the driver in one too,
# 10.77.0.2, joined by veth pairs to a bridge where the Master listens; every link shaped by SCRATCHNET_NETEM, default
# "delay 0.25ms rate 1gbit": netem where the kernel has it, else its rate alone, by a token bucket; "" for none),
# 1-core workers, for each worker count in WORKERS (default "1 2 4"):
#   - the empty step: ./submit.sh on the cluster, batch = partitions = workers (one example each), a 1-unit hidden
#     layer; runs of LONG and SHORT steps (default 3000 and 300); the marginal cost of a step is the difference of
#     their training clocks over the steps between (Spark's start, the epoch job's fixed cost and the final
#     evaluation cancel);
#   - the demo MLP (784-256-10, batch 500, single precision) the same way, 100 and 20 steps (inside epoch 1).
# REPEATS (default 2) pairs each; prints every run, then the medians. VIA (default "socket") lists the exchanges to
# run side by side, alternating within each repeat: socket (the driver's sync socket, the default) and rpc
# (spark.scratchnet.syncSocket=false: Spark's RPC); the model below is fitted to the first. Needs root (namespaces)
# and target/spark-home.
# Usage: src/test/sh/netns-sync.sh   (WORKERS="2 4" REPEATS=3 VIA="socket rpc" ... to choose)
set -euo pipefail
cd "$(dirname "$0")/../../.."
WORKERS_LIST="${WORKERS:-1 2 4}"
REPEATS="${REPEATS:-2}"
VIA_LIST="${VIA:-socket}"
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
  # on the driver's own namespace host, as local-cluster.sh made it
  src/main/sh/local-cluster.sh driver ./submit.sh --properties-file "$SCRATCHNET_CLUSTER_DIR/cluster.conf" --load-spark-defaults \
    --conf spark.scratchnet.partitions="$n" --conf spark.scratchnet.steps="$steps" \
    --conf spark.scratchnet.targetAccuracy=0 --conf spark.scratchnet.out="$dir" "$@" >"$dir.log" 2>&1 \
    || { echo "netns-sync.sh: run $name failed:" >&2; tail -5 "$dir.log" >&2; exit 1; }
  seconds "$dir"
}

for n in $WORKERS_LIST; do
  SCRATCHNET_WORKERS="$n" src/main/sh/local-cluster.sh start >"$OUT/cluster-$n.log"
  echo "workers $n: links $(cat "$SCRATCHNET_CLUSTER_DIR/netem")" | tee -a "$OUT/results.txt"
  for r in $(seq 1 "$REPEATS"); do
    vias="$VIA_LIST"; [ "$n" = 1 ] && vias="${VIA_LIST%% *}"   # one worker exchanges nothing
    for via in $vias; do
      case "$via" in socket) on=true ;; rpc) on=false ;; *) echo "netns-sync.sh: VIA: socket or rpc, not $via" >&2; exit 2 ;; esac
      empty=(--conf spark.scratchnet.batchSize="$n" --conf spark.scratchnet.hidden=1 --conf spark.scratchnet.warmupSteps=0
             --conf spark.scratchnet.syncSocket="$on")
      tl=$(run "empty-$n-$r-$via-long" "$n" "$LONG" "${empty[@]}")
      ts=$(run "empty-$n-$r-$via-short" "$n" "$SHORT" "${empty[@]}")
      ml=$(run "mlp-$n-$r-$via-long" "$n" "$MLP_LONG" --conf spark.scratchnet.syncSocket="$on")
      ms=$(run "mlp-$n-$r-$via-short" "$n" "$MLP_SHORT" --conf spark.scratchnet.syncSocket="$on")
      python3 - "$n" "$r" "$via" "$tl" "$ts" "$LONG" "$SHORT" "$ml" "$ms" "$MLP_LONG" "$MLP_SHORT" <<'PY' | tee -a "$OUT/results.txt"
import sys
n, r, via = sys.argv[1:4]
tl, ts, L, S, ml, ms, ML, MS = map(float, sys.argv[4:])
print(f"workers {n} run {r} via {via}: empty step {1000 * (tl - ts) / (L - S):.3f} ms, MLP step {1000 * (ml - ms) / (ML - MS):.2f} ms")
PY
    done
  done
  src/main/sh/local-cluster.sh stop >/dev/null
done
python3 - "$OUT/results.txt" <<'PY'
import re, statistics, sys, collections, math, os
runs = collections.defaultdict(lambda: (collections.defaultdict(list), collections.defaultdict(list)))
order = []
for line in open(sys.argv[1]):
    m = re.match(r"workers (\d+) run \d+ via (\w+): empty step ([\d.]+) ms, MLP step ([\d.]+) ms", line)
    if m:
        if m[2] not in order:
            order.append(m[2])
        runs[m[2]][0][int(m[1])].append(float(m[3])); runs[m[2]][1][int(m[1])].append(float(m[4]))
print("\n| workers (hosts) | via | empty step, ms (median) | MLP step, ms (median) |\n|---|---|---|---|")
for n in sorted(runs[order[0]][0]):
    for via in order:
        e, p = runs[via]
        if n in e:
            print(f"| {n} | {via} | {statistics.median(e[n]):.3f} | {statistics.median(p[n]):.2f} |")
empty, mlp = runs[order[0]]
# What each worker beyond the first adds to a step here: the least-squares slope of step(N) - step(1) against N - 1
# (on this machine the compute cannot divide past its cores, and every worker hands its sum to the driver and gets the
# total back). For executors with cores of their own the model is step(N) = C / N + U + b * N, with U the update
# every task applies (UPDATE_MS, default 1.0: "the update alone" of mvn -B -Pbench verify -Dbench.args=-Dbench.parts=step),
# C = step(1) - U the compute, and b either as measured here or the driver's link alone (a worker's
# sum in as floats, the total back as doubles: 12 bytes a parameter) at the links' shaped rate, else 10 Gbit/s. The conv net (conf/convnet.conf, 433,890
# parameters, 367 ms a step on one core, issue 23's figure): U and b scaled by its parameters.
if 1 in mlp and len(mlp) >= 2:
    s1 = statistics.median(mlp[1])
    others = [(n - 1, statistics.median(mlp[n]) - s1) for n in sorted(mlp) if n > 1]
    b = sum(x * y for x, y in others) / sum(x * x for x, _ in others)
    sync = [(n - 1, statistics.median(empty[n]) - statistics.median(empty[1])) for n in sorted(empty) if n > 1]
    bs = sum(x * y for x, y in sync) / sum(x * x for x, _ in sync)
    U = float(os.environ.get("UPDATE_MS", "1.0"))
    C = s1 - U
    print(f"\neach worker beyond the first adds {b:.2f} ms to an MLP step here ({bs:.3f} ms to an empty one); "
          f"step(1) = {s1:.2f} ms = C {C:.2f} + U {U:.2f}")
    shaped = re.search(r"links tbf rate ([\d.]+)([kmgt])bit|links netem .*rate ([\d.]+)([kmgt])bit", open(sys.argv[1]).read())
    gbit = 10.0
    if shaped:
        value, unit = (shaped[1], shaped[2]) if shaped[1] else (shaped[3], shaped[4])
        gbit = float(value) * {"k": 1e-6, "m": 1e-3, "g": 1.0, "t": 1e3}[unit]
    print(f"the link alone: {gbit:g} Gbit/s")
    link = lambda params: 12 * params * 8 / (gbit * 1e9) * 1000
    scale = 433890 / 203530
    nets = [(C, U, b, link(203530)), (367.0, U * scale, b * scale, link(433890))]
    print("\n| executors | MLP, b as here | MLP, the link alone | conv net, b as here | conv net, the link alone |\n|---|---|---|---|---|")
    for n in (1, 2, 4, 8, 16, 32, 64):
        cells = []
        for c, u, fb, fl in nets:
            for per in (fb, fl):
                cells.append(f"{c + u:.0f} ms" if n == 1 else f"{c / n + u + per * n:.0f} ms")
        print(f"| {n} | " + " | ".join(cells) + " |")
    for name, (c, u, fb, fl) in zip(("MLP", "conv net"), nets):
        print(f"{name}: b {fb:.2f} ms as here, {fl:.2f} ms the link alone; fastest at N* = sqrt(C/b) = "
              f"{math.sqrt(c / fb):.1f} and {math.sqrt(c / fl):.1f}")
PY

#!/usr/bin/env bash
# Seconds per epoch of conf/convnet.conf's SimpleConvNet and of the default fully connected net
# (conf/spark-defaults.conf) on 1, 2 and 4 one-core workers of src/main/sh/local-cluster.sh (executors in their own
# JVMs), a fixed number of epochs or steps each (no stop rule), as ./submit.sh runs them; prints each run's epoch lines.
# Each run has one partition a worker (PARTITIONS to override) and a job a step (ENGINE=step), so both nets are
# scheduled alike (the default conf's partitions=1 would leave the other workers idle and run an epoch a job).
#   src/test/sh/convnet-scale-out.sh            # EPOCHS=2 WORKERS_LIST="1 2 4" ENGINE=step
#   CONV_STEPS=50 FC_STEPS=0 EPOCHS=2 PROGRESS=10 src/test/sh/convnet-scale-out.sh   # as in docs/convnet.md
#     CONV_STEPS / FC_STEPS: stop that net after this many steps (0: EPOCHS full epochs; a run stopped mid-epoch
#     prints a "(partial)" epoch line); PROGRESS: seconds between progress lines (steps/s), 0 for none.
# For docs/convnet.md; not run by CI. Outputs in target/bench/convnet-scale.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$ROOT"
EPOCHS="${EPOCHS:-2}"
CONV_STEPS="${CONV_STEPS:-0}"
FC_STEPS="${FC_STEPS:-0}"
ENGINE="${ENGINE:-step}"
PROGRESS="${PROGRESS:-0}"
WORK="$ROOT/target/bench/convnet-scale"
mkdir -p "$WORK"
unset SPARK_HOME SPARK_CONF_DIR
for n in ${WORKERS_LIST:-1 2 4}; do
  fixed=(--conf spark.scratchnet.epochs="$EPOCHS" --conf spark.scratchnet.targetAccuracy=0
    --conf spark.scratchnet.progressSeconds="$PROGRESS" --conf spark.scratchnet.engine="$ENGINE"
    --conf spark.scratchnet.partitions="${PARTITIONS:-$n}")
  state="$WORK/cluster-$n"
  export SCRATCHNET_CLUSTER_DIR="$state" SCRATCHNET_WORKERS="$n"
  src/main/sh/local-cluster.sh start
  # The cluster's properties (its secret included, so the file stays 0600) and the conv net's, in one file:
  # conf/spark-defaults.conf (--load-spark-defaults) would set hidden, which a layer list refuses.
  (umask 077; cat "$state/cluster.conf" conf/convnet.conf > "$state/convnet.conf")
  echo "== load $(cut -d' ' -f1-3 /proc/loadavg) | $n worker(s): convnet"
  ./submit.sh --properties-file "$state/convnet.conf" "${fixed[@]}" --conf spark.scratchnet.steps="$CONV_STEPS" \
    --conf spark.scratchnet.out="$WORK/out-conv-$n" train > "$WORK/conv-$n.out" 2> "$WORK/conv-$n.err" \
    || echo "conv run failed: $WORK/conv-$n.err"
  grep -E '^(network|data|epoch|  epoch) ' "$WORK/conv-$n.out" || true
  echo "== load $(cut -d' ' -f1-3 /proc/loadavg) | $n worker(s): fully connected default"
  ./submit.sh --properties-file "$state/cluster.conf" --load-spark-defaults "${fixed[@]}" \
    --conf spark.scratchnet.steps="$FC_STEPS" --conf spark.scratchnet.out="$WORK/out-fc-$n" train \
    > "$WORK/fc-$n.out" 2> "$WORK/fc-$n.err" \
    || echo "fc run failed: $WORK/fc-$n.err"
  grep -E '^(network|data|epoch|  epoch) ' "$WORK/fc-$n.out" || true
  src/main/sh/local-cluster.sh stop
done

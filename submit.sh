#!/usr/bin/env bash
# scratchnet's front door: ./submit.sh [spark-submit options] [COMMAND [ARGS]]
#   COMMAND: train (default) | gradcheck | evaluate --model PATH | fetch-data
#   spark-submit options (--master, --conf k=v, --properties-file F, --driver-memory ...) pass through.
# Uses $SPARK_HOME/bin/spark-submit when SPARK_HOME points at a Spark installation; otherwise the Spark
# home that `mvn package` lays out in target/spark-home (Spark's jars, no download).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
JAR="$ROOT/target/scratchnet.jar"
LOCAL_SPARK_HOME="$ROOT/target/spark-home"

die() { echo "submit.sh: $*" >&2; exit 2; }

if [[ ! -f "$JAR" || ! -d "$LOCAL_SPARK_HOME/jars" || -n "$(cd "$ROOT" && find src pom.xml -newer "$JAR" -print -quit)" ]]; then
  echo "submit.sh: building scratchnet (mvn -B -q package -DskipTests): the jar is missing or older than the sources" >&2
  (cd "$ROOT" && mvn -B -q package -DskipTests) || die "build failed"
fi

# Split: spark-submit options first, then the command and its arguments.
commands=" train gradcheck evaluate fetch-data help "
flags_without_value=" --verbose -v --supervise --help -h --version --load-spark-defaults "
spark_args=()
app_args=()
while [[ $# -gt 0 ]]; do
  arg="$1"
  if [[ "$commands" == *" $arg "* ]]; then
    app_args=("$@")
    break
  elif [[ "$arg" == -* ]]; then
    spark_args+=("$arg"); shift
    if [[ "$flags_without_value" != *" $arg "* && "$arg" != *=* ]]; then
      [[ $# -gt 0 ]] || die "spark-submit option $arg needs a value"
      spark_args+=("$1"); shift
    fi
  else
    die "unknown command '$arg' (commands: train, gradcheck, evaluate --model PATH, fetch-data)"
  fi
done
[[ ${#app_args[@]} -gt 0 ]] || app_args=(train)

# A master spark-submit cannot parse ends in its raw exception: say it in one line instead.
for ((i = 0; i < ${#spark_args[@]}; i++)); do
  master=""
  case "${spark_args[$i]}" in
    --master) master="${spark_args[$((i + 1))]:-}" ;;
    --master=*) master="${spark_args[$i]#--master=}" ;;
  esac
  if [[ -n "$master" && ! "$master" =~ ^(local|local\[[0-9*]+(,[0-9]+)?\]|local-cluster\[[0-9]+,[0-9]+,[0-9]+\]|spark://.+|yarn|k8s://.+)$ ]]; then
    die "--master $master: not a master Spark knows (local, local[N], local[*], spark://HOST:PORT, yarn, k8s://URL)"
  fi
done
[[ "${app_args[0]}" == help ]] && app_args=(--help)

# Our conf/ (spark-defaults.conf, log4j2.properties) unless the caller chose another conf dir.
export SPARK_CONF_DIR="${SPARK_CONF_DIR:-$ROOT/conf}"
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
export SPARK_SCALA_VERSION=2.13

cd "$ROOT"
if [[ -n "${SPARK_HOME:-}" && -x "${SPARK_HOME}/bin/spark-submit" ]]; then
  exec "$SPARK_HOME/bin/spark-submit" --class dev.scratchnet.cli.Main "${spark_args[@]}" "$JAR" "${app_args[@]}"
fi

# No Spark installation: do what bin/spark-class does, with the Maven-built jars.
export SPARK_HOME="$LOCAL_SPARK_HOME"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
cmd=()
# The launcher may print notices, then a NUL, then the command as NUL-separated words; skip empty words.
while IFS= read -r -d '' part; do part="${part#$'\n'}"; [[ -n "$part" ]] && cmd+=("$part"); done < <(
  "$JAVA" -Xmx128m -cp "$SPARK_HOME/jars/*" org.apache.spark.launcher.Main org.apache.spark.deploy.SparkSubmit \
    --class dev.scratchnet.cli.Main "${spark_args[@]}" "$JAR" "${app_args[@]}"
  printf '%d\0' $?)
status="${cmd[${#cmd[@]}-1]}"
unset 'cmd[${#cmd[@]}-1]'
[[ "$status" == 0 ]] || die "could not build the spark-submit command (launcher exit $status)"
exec "${cmd[@]}"

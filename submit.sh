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

# --deploy-mode cluster: the driver runs on the cluster, so spark-submit's own JVM runs dev.scratchnet.cli.ClusterSubmit
# around SparkSubmit: the settings are checked before anything is submitted, and the run ends with the application's
# status (docs/cluster.md, "YARN").
cluster_mode=false
on_yarn=false
for ((i = 0; i < ${#spark_args[@]}; i++)); do
  case "${spark_args[$i]}" in
    --master) if [[ "${spark_args[$((i + 1))]:-}" == yarn ]]; then on_yarn=true; fi ;;
    --master=yarn) on_yarn=true ;;
    --deploy-mode) if [[ "${spark_args[$((i + 1))]:-}" == cluster ]]; then cluster_mode=true; fi ;;
    --deploy-mode=cluster | spark.submit.deployMode=cluster) cluster_mode=true ;;
  esac
done

# Our conf/ (spark-defaults.conf, log4j2.properties) unless the caller chose another conf dir.
export SPARK_CONF_DIR="${SPARK_CONF_DIR:-$ROOT/conf}"
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
export SPARK_SCALA_VERSION=2.13

cd "$ROOT"
if [[ -n "${SPARK_HOME:-}" && -x "${SPARK_HOME}/bin/spark-submit" ]]; then
  if [[ "$cluster_mode" == false ]]; then
    exec "$SPARK_HOME/bin/spark-submit" --class dev.scratchnet.cli.Main "${spark_args[@]}" "$JAR" "${app_args[@]}"
  fi
  if [[ -f "$SPARK_HOME/bin/load-spark-env.sh" ]]; then
    # shellcheck source=/dev/null
    source "$SPARK_HOME/bin/load-spark-env.sh"
  fi
else
  # No Spark installation: the Maven-built jars.
  export SPARK_HOME="$LOCAL_SPARK_HOME"
fi

if [[ "$on_yarn" == true && -z "${HADOOP_CONF_DIR:-}" && -z "${YARN_CONF_DIR:-}" ]]; then
  die "--master yarn: set HADOOP_CONF_DIR (or YARN_CONF_DIR) to the folder with the cluster's yarn-site.xml and core-site.xml"
fi

# Do what bin/spark-class does. A driver on YARN binds where the executors on other nodes can reach it, not loopback.
if [[ "$on_yarn" == false ]]; then
  export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
fi
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
if [[ "$cluster_mode" == true ]]; then
  for ((i = 0; i < ${#cmd[@]}; i++)); do
    case "${cmd[$i]}" in
      -cp) cmd[$((i + 1))]="$JAR:${cmd[$((i + 1))]}" ;;
      org.apache.spark.deploy.SparkSubmit) cmd[$i]=dev.scratchnet.cli.ClusterSubmit; break ;;
    esac
  done
fi
exec "${cmd[@]}"

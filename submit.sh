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
# The launcher needs only its own jar (it has no dependencies): 0.1 s against 0.2 s with all of Spark's on its class path.
launcher_cp=("$SPARK_HOME"/jars/spark-launcher_*.jar)
[[ ${#launcher_cp[@]} -eq 1 && -f "${launcher_cp[0]}" ]] || launcher_cp=("$SPARK_HOME/jars/*")
cmd=()
# The launcher may print notices, then a NUL, then the command as NUL-separated words; skip empty words.
while IFS= read -r -d '' part; do part="${part#$'\n'}"; [[ -n "$part" ]] && cmd+=("$part"); done < <(
  "$JAVA" -Xmx128m -cp "${launcher_cp[0]}" org.apache.spark.launcher.Main org.apache.spark.deploy.SparkSubmit \
    --class dev.scratchnet.cli.Main "${spark_args[@]}" "$JAR" "${app_args[@]}"
  printf '%d\0' $?)
status="${cmd[${#cmd[@]}-1]}"
unset 'cmd[${#cmd[@]}-1]'
[[ "$status" == 0 ]] || die "could not build the spark-submit command (launcher exit $status)"

# The driver's JVM maps Spark's, Scala's and the JDK's classes from a class archive (JDK 17's application class-data
# sharing: loaded and verified once, not at every start; docs/benchmarks.md, "tenth pass"). The first `train` run without
# one writes it as its JVM exits (a few seconds, once) under a temporary name, and writes a marker only if the run
# succeeded; the next run promotes it after the JVM has checked it whole (a truncated archive would crash the JVM), so a
# failed or killed run never leaves a half archive in use. A new Spark or JDK makes a new one. SCRATCHNET_CLASS_ARCHIVE=off:
# none. The JVM archives no class path with a folder on it: our conf folder leaves the class path (log4j2.properties, its
# only file found there, is named by a system property instead); any other folder (HADOOP_CONF_DIR, a user's conf
# folder with *-site.xml) means no archive.
class_archive() {
  local i cp_at=-1 entry f entries kept=() log4j=() cp dir key archive tmp pid busy=false
  for ((i = 1; i < ${#cmd[@]} - 1; i++)); do
    if [[ "${cmd[$i]}" == -cp ]]; then cp_at=$((i + 1)); break; fi
  done
  ((cp_at > 0)) || return 0
  IFS=: read -r -a entries <<< "${cmd[$cp_at]}"
  for entry in "${entries[@]}"; do
    if [[ -n "$entry" && "${entry%/}" == "${SPARK_CONF_DIR%/}" ]]; then
      for f in "$SPARK_CONF_DIR"/*; do
        [[ -e "$f" ]] || continue
        case "${f##*/}" in *.conf | log4j2.properties) ;; *) return 0 ;; esac
      done
      [[ ! -f "$SPARK_CONF_DIR/log4j2.properties" ]] || log4j=("-Dlog4j2.configurationFile=$SPARK_CONF_DIR/log4j2.properties")
    elif [[ -d "$entry" ]]; then
      return 0
    elif [[ -n "$entry" ]]; then
      kept+=("$entry")
    fi
  done
  cp="$(IFS=:; echo "${kept[*]}")"
  dir="${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}/scratchnet/class-archive"
  mkdir -p "$dir" 2>/dev/null && [[ -w "$dir" ]] || return 0
  key="$(printf '%s\n' "${cmd[0]}" "$cp" | cksum | cut -d ' ' -f 1)"
  archive="$dir/driver-$key.jsa"
  # stale: a jar of the class path or the JDK's modules newer than the archive
  if [[ -f "$archive" ]] && [[ -n "$(find "${kept[@]%/\*}" "$(dirname "$(readlink -f "${cmd[0]}")")/../lib/modules" \
      -newer "$archive" -print -quit 2>/dev/null)" ]]; then
    rm -f "$archive"
  fi
  for tmp in "$archive".*.tmp; do
    [[ -e "$tmp" ]] || continue
    pid="${tmp%.tmp}"; pid="${pid##*.}"
    if kill -0 "$pid" 2>/dev/null; then busy=true; continue; fi
    if [[ ! -f "$archive" && -f "$tmp.ok" ]] && ("${cmd[0]}" -XX:SharedArchiveFile="$tmp" -Xshare:on -XX:+VerifySharedSpaces \
        -XX:ErrorFile=/dev/null -cp "$cp" -version) >/dev/null 2>&1; then
      mv -f "$tmp" "$archive" 2>/dev/null || true
    fi
    rm -f "$tmp" "$tmp.ok"
  done
  local use=()
  if [[ -f "$archive" ]]; then
    use=("-XX:SharedArchiveFile=$archive")
  elif [[ "$busy" == false && "${app_args[0]}" == train && " ${app_args[*]} " != *" --in-process "* ]]; then
    # exec keeps this shell's pid: the archive's temporary name names the JVM that writes it
    use=("-XX:ArchiveClassesAtExit=$archive.$$.tmp" "-Dscratchnet.classArchive=$archive.$$.tmp")
  else
    return 0
  fi
  cmd[$cp_at]="$cp"
  cmd=("${cmd[0]}" "${use[@]}" -Xlog:cds=off -Xlog:cds+dynamic=off "${log4j[@]}" "${cmd[@]:1}")
}
if [[ "$cluster_mode" == false && "${SCRATCHNET_CLASS_ARCHIVE:-on}" != off ]]; then
  class_archive
fi

# The value of a spark.* setting as spark-submit will see it: the last --conf, else the properties file it reads
# (--properties-file, and spark-defaults.conf too with --load-spark-defaults, else $SPARK_CONF_DIR/spark-defaults.conf).
conf_value() {
  local key="$1" value="" given="" files=() defaults=false f line i
  for ((i = 0; i < ${#spark_args[@]}; i++)); do
    case "${spark_args[$i]}" in
      --conf | -c) [[ "${spark_args[$((i + 1))]:-}" == "$key="* ]] && given="${spark_args[$((i + 1))]#*=}" ;;
      --conf=*) [[ "${spark_args[$i]#--conf=}" == "$key="* ]] && given="${spark_args[$i]#--conf=$key=}" ;;
      --properties-file) files=("${spark_args[$((i + 1))]:-}") ;;
      --properties-file=*) files=("${spark_args[$i]#--properties-file=}") ;;
      --load-spark-defaults) defaults=true ;;
    esac
  done
  if [[ -n "$given" ]]; then echo "$given"; return; fi
  if [[ ${#files[@]} -eq 0 || "$defaults" == true ]]; then files+=("$SPARK_CONF_DIR/spark-defaults.conf"); fi
  for f in "${files[@]}"; do
    [[ -f "$f" ]] || continue
    line="$(grep -E "^[[:space:]]*${key//./\\.}([[:space:]]|=|:)" "$f" | tail -n 1 || true)"
    if [[ -n "$line" ]]; then
      value="$(sed -E "s/^[[:space:]]*${key//./\\.}[[:space:]]*[=:]?[[:space:]]*//; s/[[:space:]]+$//" <<< "$line")"
      echo "$value"; return
    fi
  done
}

# spark.scratchnet.c2ArithmeticOnly (conf/spark-defaults.conf turns it on): the driver's JVM gets the compiler
# directives from its first instruction, not only once our code runs (ArithmeticJit, which then adds nothing): C2 no
# longer spends the start-up compiling the JDK's and Spark's own code. 4-5% of a cold ./submit.sh on two vCPUs.
c2_directives="$ROOT/src/main/resources/dev/scratchnet/spark/c2-arithmetic.json"
c2_only="$(conf_value spark.scratchnet.c2ArithmeticOnly)"
if [[ "$cluster_mode" == false && "${c2_only,,}" == true && -f "$c2_directives" && "${app_args[0]}" == train \
      && " ${app_args[*]} " != *" --in-process "* ]]; then
  cmd=("${cmd[0]}" -XX:+IgnoreUnrecognizedVMOptions -XX:+UnlockDiagnosticVMOptions
    "-XX:CompilerDirectivesFile=$c2_directives" "${cmd[@]:1}")
fi
if [[ "$cluster_mode" == true ]]; then
  for ((i = 0; i < ${#cmd[@]}; i++)); do
    case "${cmd[$i]}" in
      -cp) cmd[$((i + 1))]="$JAR:${cmd[$((i + 1))]}" ;;
      org.apache.spark.deploy.SparkSubmit) cmd[$i]=dev.scratchnet.cli.ClusterSubmit; break ;;
    esac
  done
fi
exec "${cmd[@]}"

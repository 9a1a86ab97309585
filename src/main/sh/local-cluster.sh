#!/usr/bin/env bash
# A Spark standalone cluster on this machine, from the project's own Spark jars (target/spark-home):
# one Master and two Workers (SCRATCHNET_WORKERS), each a separate JVM, bound to 127.0.0.1, with RPC authentication on.
#
#   src/main/sh/local-cluster.sh start    start it (fails if one is already running)
#   src/main/sh/local-cluster.sh status   print the master URL and the properties file to submit with
#   src/main/sh/local-cluster.sh stop     stop exactly the processes start launched, and their executors
#   src/main/sh/local-cluster.sh driver COMMAND [ARG ...]
#                                         run COMMAND where the cluster's driver runs: in its own namespace host
#                                         when start made one (SCRATCHNET_NETNS=1), else here
#
# Then: ./submit.sh --properties-file target/local-cluster/cluster.conf --load-spark-defaults train
#
# Security: a 256-bit secret is generated per cluster (spark.authenticate=true) and kept only in files of
# mode 0600 under the state folder (target/local-cluster, or $SCRATCHNET_CLUSTER_DIR); it is never
# printed and never passed on a command line (where ps would show it). Every socket, web UIs included,
# binds to 127.0.0.1 (SPARK_LOCAL_IP), on free ports chosen at start. The web UIs cannot kill anything
# (spark.ui.killEnabled=false on the daemons and in cluster.conf): RPC authentication does not cover them.
# Sizes: each Worker offers SCRATCHNET_WORKER_CORES (1) cores and SCRATCHNET_WORKER_MEMORY (2g) to
# executors; the daemons themselves run with SCRATCHNET_DAEMON_MEMORY (256m) of heap.
#
# SCRATCHNET_NETNS=1 (root, iproute2): every Worker, and so its executors, on a host of its own: a network
# namespace sn-wI with the address 10.77.0.(10+I), joined by a veth pair to the bridge snbr0 (10.77.0.1) on which
# the Master listens; the driver has a host of its own too, sn-d (10.77.0.2): submit with
# "src/main/sh/local-cluster.sh driver ./submit.sh ..." (the state folder's driver-netns names it). With SCRATCHNET_NETEM (e.g. "delay
# 0.25ms rate 1gbit") each host's link, the driver's included, gets that netem qdisc both ways; where the kernel has
# no netem, a token bucket (tbf) gives the link its rate alone (no delay), as a host's network card would: the driver's
# sums from every worker come in through one link. Only these addresses and names, made by start and removed by stop.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
SPARK_HOME_DIR="$ROOT/target/spark-home"
STATE="${SCRATCHNET_CLUSTER_DIR:-$ROOT/target/local-cluster}"
WORKERS="${SCRATCHNET_WORKERS:-2}"
WORKER_CORES="${SCRATCHNET_WORKER_CORES:-1}"
WORKER_MEMORY="${SCRATCHNET_WORKER_MEMORY:-2g}"
DAEMON_MEMORY="${SCRATCHNET_DAEMON_MEMORY:-256m}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
NETNS="${SCRATCHNET_NETNS:-0}"
NETEM="${SCRATCHNET_NETEM:-}"
HOST=127.0.0.1
DRIVER_HOST=127.0.0.1
DRIVER_NS=sn-d
[[ "$NETNS" == 1 ]] && HOST=10.77.0.1 && DRIVER_HOST=10.77.0.2
worker_host() { if [[ "$NETNS" == 1 ]]; then echo "10.77.0.$((10 + $1))"; else echo 127.0.0.1; fi; }
# Spark's module flags (JavaModuleOptions), as the pom's spark.jvm.flags: the daemons run outside spark-class.
MODULE_FLAGS=(-XX:+IgnoreUnrecognizedVMOptions --add-modules=jdk.incubator.vector
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true)

die() { echo "local-cluster.sh: $*" >&2; exit 2; }
say() { echo "local-cluster.sh: $*"; }

alive() { [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null; }

# Whether PID $1 is still a Spark daemon or executor JVM (a recorded PID may since belong to another process).
ours() { alive "$1" && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qE 'org\.apache\.spark\.(deploy\.(master\.Master|worker\.Worker)|executor\.CoarseGrainedExecutorBackend)'; }

# PIDs recorded at start, one per line: "master <pid>", "worker-1 <pid>", ...
recorded_pids() { [[ -f "$STATE/pids" ]] && awk '{print $2}' "$STATE/pids" || true; }

# A free TCP port on 127.0.0.1: the kernel's pick through python3, else a random port nothing answers on
# (a race with another process taking it first is possible but unlikely; start then fails clearly).
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null && return
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}

wait_for_log() { # file pattern seconds pid
  local deadline=$((SECONDS + $3))
  while ((SECONDS < deadline)); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    alive "$4" || return 1
    sleep 0.5
  done
  return 1
}

daemon() { # name host netns-or-empty log class args...
  local name="$1" host="$2" ns="$3" log="$4" class="$5"; shift 5
  local in_ns=()
  [[ -n "$ns" ]] && in_ns=(ip netns exec "$ns")
  # setsid: the daemons outlive this script and do not get the terminal's signals.
  SPARK_HOME="$SPARK_HOME_DIR" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP="$host" SPARK_LOCAL_DIRS="$STATE/tmp" \
    OPENBLAS_NUM_THREADS=1 SPARK_CONF_DIR="$STATE/conf" \
    setsid "${in_ns[@]}" "$JAVA" -Xmx"$DAEMON_MEMORY" "${MODULE_FLAGS[@]}" \
    -Dlog4j.configurationFile="file:$STATE/conf/log4j2.properties" \
    -cp "$SPARK_HOME_DIR/jars/*" "$class" "$@" </dev/null >"$log" 2>&1 &
  echo "$name $!" >>"$STATE/pids"
}

# The namespace hosts (SCRATCHNET_NETNS=1): the bridge, then a namespace and a veth pair a host (the driver's, then a
# worker's), each link shaped as SCRATCHNET_NETEM says.
netns_up() {
  [[ "$(id -u)" == 0 ]] || die "SCRATCHNET_NETNS=1 needs root (network namespaces)"
  command -v ip >/dev/null || die "SCRATCHNET_NETNS=1 needs iproute2's ip"
  netns_down
  ip link add snbr0 type bridge && ip addr add 10.77.0.1/24 dev snbr0 && ip link set snbr0 up \
    || die "could not make the bridge snbr0"
  local netem_state="none" rate="" ns addr
  [[ "$NETEM" =~ rate[[:space:]]+([0-9.]+[kmgt]?bit) ]] && rate="${BASH_REMATCH[1]}"
  for ns in "$DRIVER_NS" $(for i in $(seq 1 "$WORKERS"); do echo "sn-w$i"; done); do
    if [[ "$ns" == "$DRIVER_NS" ]]; then addr="$DRIVER_HOST"; else addr="$(worker_host "${ns#sn-w}")"; fi
    ip netns add "$ns" && ip link add "$ns-h" type veth peer name "$ns-n" && ip link set "$ns-n" netns "$ns" \
      && ip link set "$ns-h" master snbr0 up && ip netns exec "$ns" ip addr add "$addr/24" dev "$ns-n" \
      && ip netns exec "$ns" ip link set "$ns-n" up && ip netns exec "$ns" ip link set lo up \
      || die "could not make the namespace $ns"
    [[ -n "$NETEM" ]] || continue
    # shellcheck disable=SC2086
    if tc qdisc add dev "$ns-h" root netem $NETEM 2>/dev/null \
        && ip netns exec "$ns" tc qdisc add dev "$ns-n" root netem $NETEM 2>/dev/null; then
      netem_state="netem $NETEM"
    elif [[ -n "$rate" ]] && tc qdisc replace dev "$ns-h" root tbf rate "$rate" burst 256kb latency 100ms 2>/dev/null \
        && ip netns exec "$ns" tc qdisc replace dev "$ns-n" root tbf rate "$rate" burst 256kb latency 100ms 2>/dev/null; then
      netem_state="tbf rate $rate both ways (this kernel has no netem: no delay)"
    else
      netem_state="none (this kernel has no netem)"
    fi
  done
  echo "$netem_state" >"$STATE/netem"
  echo "$DRIVER_NS" >"$STATE/driver-netns"
}

netns_down() {
  for ns in $(ip netns list 2>/dev/null | awk '$1 ~ /^sn-(w[0-9]+|d)$/ {print $1}'); do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
    ip link del "$ns-h" 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
  ip link del snbr0 2>/dev/null || true
}

start() {
  [[ -d "$SPARK_HOME_DIR/jars" ]] || die "no $SPARK_HOME_DIR/jars: run 'mvn -B package -DskipTests' first"
  if [[ -f "$STATE/pids" ]]; then
    for pid in $(recorded_pids); do ours "$pid" && die "already running (pid $pid); stop it first"; done
    rm -f "$STATE/pids"
  fi
  mkdir -p "$STATE"
  chmod 700 "$STATE"
  rm -rf "$STATE/conf" "$STATE/logs" "$STATE/tmp" "$STATE"/work-*
  mkdir -p "$STATE/conf" "$STATE/logs" "$STATE/tmp"

  # The daemons log what they do (registrations, executors launched and lost); the rest at warn.
  sed -e 's/^rootLogger.level = .*/rootLogger.level = warn/' "$ROOT/conf/log4j2.properties" >"$STATE/conf/log4j2.properties"
  printf '%s\n' "logger.deploy.name = org.apache.spark.deploy" "logger.deploy.level = info" >>"$STATE/conf/log4j2.properties"

  local secret master_port master_ui
  secret="$(openssl rand -hex 32 2>/dev/null || od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
  [[ ${#secret} -eq 64 ]] || die "could not generate a secret"
  master_port="$(free_port)"; master_ui="$(free_port)"
  local master_url="spark://$HOST:$master_port"

  # The daemons' properties (read with --properties-file): the secret, and no other spark.* noise.
  # spark.authenticate guards RPC, not the web UIs: with spark.ui.killEnabled on, the Master UI serves
  # POST /app/kill/ and /driver/kill/ to anyone who can reach it (MasterWebUI attaches those handlers only
  # when it is true). /workers/kill needs decommissioning, which is off; DENY keeps it refused if it is on.
  (umask 077
   {
     echo "# Generated by local-cluster.sh for this cluster only; mode 0600. Holds the RPC secret."
     echo "spark.authenticate true"
     echo "spark.authenticate.secret $secret"
     echo "spark.worker.cleanup.enabled true"
     echo "spark.master.rest.enabled false"
     echo "spark.ui.killEnabled false"
     echo "spark.master.ui.decommission.allow.mode DENY"
   } >"$STATE/daemon.conf"
   # What a submitter passes (--properties-file ... --load-spark-defaults): master, secret, loopback driver.
   {
     echo "# Generated by local-cluster.sh for $master_url; mode 0600. Holds the RPC secret."
     echo "# ./submit.sh --properties-file $STATE/cluster.conf --load-spark-defaults train"
     echo "spark.master $master_url"
     echo "spark.authenticate true"
     echo "spark.authenticate.secret $secret"
     echo "spark.driver.host $DRIVER_HOST"
     echo "spark.driver.bindAddress $DRIVER_HOST"
     echo "spark.executor.memory 1g"
     echo "spark.cores.max $((WORKERS * WORKER_CORES))"
     echo "spark.ui.killEnabled false"
   } >"$STATE/cluster.conf")
  unset secret

  : >"$STATE/pids"
  [[ "$NETNS" == 1 ]] && netns_up
  daemon master "$HOST" "" "$STATE/logs/master.log" org.apache.spark.deploy.master.Master \
    --host "$HOST" --port "$master_port" --webui-port "$master_ui" --properties-file "$STATE/daemon.conf"
  local master_pid; master_pid="$(awk '$1=="master"{print $2}' "$STATE/pids")"
  if ! wait_for_log "$STATE/logs/master.log" "I have been elected leader" 60 "$master_pid"; then
    tail -5 "$STATE/logs/master.log" >&2 || true
    stop >/dev/null 2>&1 || true
    die "the master did not start (log: $STATE/logs/master.log)"
  fi
  for i in $(seq 1 "$WORKERS"); do
    mkdir -p "$STATE/work-$i"
    local ns=""
    [[ "$NETNS" == 1 ]] && ns="sn-w$i"
    daemon "worker-$i" "$(worker_host "$i")" "$ns" "$STATE/logs/worker-$i.log" org.apache.spark.deploy.worker.Worker \
      --host "$(worker_host "$i")" --port "$(free_port)" --webui-port "$(free_port)" \
      --cores "$WORKER_CORES" --memory "$WORKER_MEMORY" --work-dir "$STATE/work-$i" \
      --properties-file "$STATE/daemon.conf" "$master_url"
  done
  for i in $(seq 1 "$WORKERS"); do
    local pid; pid="$(awk -v n="worker-$i" '$1==n{print $2}' "$STATE/pids")"
    if ! wait_for_log "$STATE/logs/worker-$i.log" "Successfully registered with master" 60 "$pid"; then
      tail -5 "$STATE/logs/worker-$i.log" >&2 || true
      stop >/dev/null 2>&1 || true
      die "worker $i did not register (log: $STATE/logs/worker-$i.log)"
    fi
  done
  echo "$master_url" >"$STATE/master-url"
  echo "http://$HOST:$master_ui" >"$STATE/master-ui"
  say "started: master $master_url, $WORKERS workers x $WORKER_CORES core(s), $WORKER_MEMORY"
  status
}

# Executors are children of a Worker JVM (it starts them directly, no shell in between).
children() { ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' ' || true; }

stop() {
  [[ -f "$STATE/pids" ]] || { say "not running"; return 0; }
  local pids=() pid
  for pid in $(recorded_pids); do
    if ours "$pid"; then
      pids+=("$pid")
      for c in $(children "$pid"); do ours "$c" && pids+=("$c"); done
    fi
  done
  if [[ ${#pids[@]} -gt 0 ]]; then
    kill -TERM "${pids[@]}" 2>/dev/null || true
    local deadline=$((SECONDS + 20))
    while ((SECONDS < deadline)); do
      local left=()
      for pid in "${pids[@]}"; do alive "$pid" && left+=("$pid"); done
      [[ ${#left[@]} -eq 0 ]] && break
      sleep 0.5
    done
    for pid in "${pids[@]}"; do alive "$pid" && kill -KILL "$pid" 2>/dev/null || true; done
  fi
  rm -f "$STATE/pids" "$STATE/master-url" "$STATE/master-ui" "$STATE/daemon.conf" "$STATE/cluster.conf"
  [[ -f "$STATE/netem" ]] && { netns_down; rm -f "$STATE/netem" "$STATE/driver-netns"; }
  say "stopped (${#pids[@]} processes)"
}

status() {
  local running=0 pid name
  if [[ -f "$STATE/pids" ]]; then
    while read -r name pid; do
      if ours "$pid"; then
        running=$((running + 1))
        echo "  $name pid $pid running$(for c in $(children "$pid"); do printf ', executor pid %s' "$c"; done)"
      else
        echo "  $name pid $pid NOT running"
      fi
    done <"$STATE/pids"
  fi
  if [[ $running -eq 0 ]]; then
    say "not running"
    return 3
  fi
  echo "master:          $(cat "$STATE/master-url")"
  echo "master web UI:   $(cat "$STATE/master-ui") (this machine only)"
  echo "properties file: $STATE/cluster.conf (holds the secret: mode 0600, do not share)"
  local in_ns=""
  [[ -f "$STATE/driver-netns" ]] && in_ns="src/main/sh/local-cluster.sh driver "
  echo "submit with:     $in_ns./submit.sh --properties-file $STATE/cluster.conf --load-spark-defaults train"
  [[ $running -eq $((WORKERS + 1)) ]] || return 1
}

driver() {
  [[ $# -gt 0 ]] || die "usage: local-cluster.sh driver COMMAND [ARG ...]"
  if [[ -f "$STATE/driver-netns" ]]; then
    exec ip netns exec "$(cat "$STATE/driver-netns")" "$@"
  fi
  exec "$@"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  driver) shift; driver "$@" ;;
  *) die "usage: local-cluster.sh start|stop|status|driver COMMAND [ARG ...]" ;;
esac

#!/usr/bin/env bash
#
# local-cluster.sh - a Spark standalone cluster on 127.0.0.1 from the Maven-resolved Spark jars
# (no Spark distribution needed): one Master and N Workers, each a plain java process.
#
#   src/test/cluster/local-cluster.sh start    # prints the master URL (also in DIR/master-url)
#   src/test/cluster/local-cluster.sh status
#   src/test/cluster/local-cluster.sh stop
#
# Environment (all optional):
#   LOCAL_CLUSTER_DIR   state, logs and the fake SPARK_HOME (default: <project>/target/local-cluster)
#   WORKERS             number of workers (default 2)
#   WORKER_CORES        cores each worker offers (default 1)
#   WORKER_MEMORY       memory each worker offers to executors (default 1g)
#   DAEMON_MEMORY       heap of the Master and Worker JVMs themselves (default 256m)
#   JAVA_HOME           the Java 17+ to use (default: java on PATH)
#   SPARK_SGD_SPARK_LINE  the Spark line whose Maven jars make the cluster: 3.5 (default, Scala
#                       2.12) or 4 (Scala 2.13, built with mvn -Pspark-4), as for submit.sh
#   CLUSTER_SPARK_VERSION another Spark release of that line (e.g. 4.0.0): the cluster and its
#                       SPARK_HOME are made of that release's Maven jars instead of the pom's
#                       (resolved with mvn into DIR/spark-classpath.txt), to run the jar built
#                       against the pom's release on it
#
# Every port is chosen by the kernel (port 0) and read back from the logs, so two clusters (or
# other developers' tests) never collide. Everything binds to 127.0.0.1.
#
# Layout of DIR: spark-home/ (jars/ links every Spark runtime jar; bin/spark-submit and
# bin/spark-class run Spark's own launcher, so SPARK_HOME=DIR/spark-home works with submit.sh),
# logs/master.log, logs/worker-N.log, work/worker-N/ (executor stdout/stderr per application),
# local/ (executors' scratch space), master.pid, worker-N.pid, master-url, token.
#
# stop kills exactly what start started: the PIDs in DIR/*.pid, after checking that each still
# carries this cluster's token in its environment (a recycled PID is left alone), and then the
# executors those workers forked, which inherit the same token.
set -euo pipefail
unset CDPATH

here=$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROJECT_DIR=$(cd -P "$here/../../.." && pwd)
DIR=${LOCAL_CLUSTER_DIR:-$PROJECT_DIR/target/local-cluster}
WORKERS=${WORKERS:-2}
WORKER_CORES=${WORKER_CORES:-1}
WORKER_MEMORY=${WORKER_MEMORY:-1g}
DAEMON_MEMORY=${DAEMON_MEMORY:-256m}
case ${SPARK_SGD_SPARK_LINE:-3.5} in
  3.5) SCALA=2.12 PROFILE=() ;;
  4) SCALA=2.13 PROFILE=(-Pspark-4) ;;
  *)
    printf 'local-cluster.sh: SPARK_SGD_SPARK_LINE=%s: the Spark lines are 3.5 and 4\n' "$SPARK_SGD_SPARK_LINE" >&2
    exit 2
    ;;
esac
CP_FILE=$PROJECT_DIR/target/scala-$SCALA/spark-classpath.txt
START_TIMEOUT=${START_TIMEOUT:-300}

die() {
  printf 'local-cluster.sh: %s\n' "$*" >&2
  exit 1
}
say() { printf 'local-cluster.sh: %s\n' "$*" >&2; }

java_cmd() {
  if [[ -n ${JAVA_HOME:-} ]]; then printf '%s\n' "${JAVA_HOME%/}/bin/java"; else command -v java; fi
}

# Does process $1 carry this cluster's token? (Our own processes only; never a recycled PID.)
ours() {
  local pid=$1 token=$2
  [[ -n $pid && -r /proc/$pid/environ ]] || return 1
  grep -qszxF "SPARK_SGD_CLUSTER_TOKEN=$token" "/proc/$pid/environ"
}

alive() { [[ -n $1 ]] && kill -0 "$1" 2>/dev/null; }

read_token() { [[ -f $DIR/token ]] && cat "$DIR/token" || true; }

# Every live process carrying the token: the daemons and the executors the workers forked (an
# executor whose worker was killed is re-parented, so the parent link cannot be relied on).
tagged_pids() {
  local token=$1
  { grep -lszxF "SPARK_SGD_CLUSTER_TOKEN=$token" /proc/[0-9]*/environ || true; } \
    | sed -E 's#^/proc/([0-9]+)/environ$#\1#'
}

# Waits until FILE contains a line matching REGEX, or PID dies, or the timeout passes.
wait_for_log() {
  local file=$1 regex=$2 pid=$3 what=$4 deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if [[ -f $file ]] && grep -qE "$regex" "$file"; then return 0; fi
    if ! alive "$pid"; then
      say "$what (pid $pid) exited during start-up; last lines of $file:"
      tail -n 40 "$file" >&2 || true
      return 1
    fi
    sleep 0.2
  done
  say "$what did not come up within ${START_TIMEOUT}s; last lines of $file:"
  tail -n 40 "$file" >&2 || true
  return 1
}

make_spark_home() {
  local home=$DIR/spark-home jar
  rm -rf "$home"
  mkdir -p "$home/jars" "$home/bin" "$home/conf"
  # Spark's launcher finds its classes only under SPARK_HOME/jars.
  while IFS= read -r jar; do
    [[ -n $jar ]] && ln -s "$jar" "$home/jars/$(basename "$jar")"
  done < <(tr ':' '\n' <"$CP_FILE")
  # bin/spark-class as in a Spark distribution: Spark's launcher library prints the java command
  # (with the Java 17 module options and --driver-memory etc. applied), NUL-separated, then it runs.
  cat >"$home/bin/spark-class" <<'EOF'
#!/usr/bin/env bash
set -euo pipefail
export SPARK_HOME=${SPARK_HOME:-$(cd -P "$(dirname "$0")/.." && pwd)}
export SPARK_SCALA_VERSION=${SPARK_SCALA_VERSION:-@SCALA@}
if [[ -n ${JAVA_HOME:-} ]]; then RUNNER=$JAVA_HOME/bin/java; else RUNNER=java; fi
build_command() {
  "$RUNNER" -Xmx128m -cp "$SPARK_HOME/jars/*" org.apache.spark.launcher.Main "$@"
  printf '%d\0' $?
}
# The launcher prints lines for the user, then a line holding only a NUL, then the command's
# arguments separated by NULs (bash drops the NUL, so the marker reads as an empty line).
CMD=()
delim=$'\n'
started=0
while IFS= read -d "$delim" -r ARG; do
  if ((started)); then
    CMD+=("$ARG")
  elif [[ -z $ARG ]]; then
    delim=''
    started=1
  else
    printf '%s\n' "$ARG"
  fi
done < <(build_command "$@")
if ((${#CMD[@]} == 0)); then exit 1; fi
LAST=$((${#CMD[@]} - 1))
if [[ ${CMD[$LAST]} != 0 ]]; then exit "${CMD[$LAST]}"; fi
exec "${CMD[@]:0:$LAST}"
EOF
  cat >"$home/bin/spark-submit" <<'EOF'
#!/usr/bin/env bash
exec "$(cd -P "$(dirname "$0")" && pwd)/spark-class" org.apache.spark.deploy.SparkSubmit "$@"
EOF
  sed -i "s/@SCALA@/$SCALA/" "$home/bin/spark-class"
  chmod +x "$home/bin/spark-class" "$home/bin/spark-submit"
  # As a distribution's RELEASE: "Spark VERSION ..." (submit.sh reads the version from jars/ first).
  local core version
  core=$(basename "$(tr ':' '\n' <"$CP_FILE" | grep -m1 '/spark-core_')" .jar)
  version=${core#spark-core_"$SCALA"-}
  printf 'Spark %s (Scala %s) from the Maven jars, made by src/test/cluster/local-cluster.sh\n' \
    "$version" "$SCALA" >"$home/RELEASE"
}

# CP_FILE=DIR/spark-classpath.txt: the Maven jars of Spark release $1 of this line (the pom's
# dependencies with spark.version=$1, and parquet-jackson at that release's Parquet version).
resolve_release() {
  local version=$1 parquet=() found yarn
  # spark-yarn stays at the pom's release (another release's may not be served) and is left out
  # of the cluster's classpath: a standalone cluster does not use it.
  yarn=$(tr ':' '\n' <"$CP_FILE" | sed -nE 's#.*/spark-yarn_[0-9.]+-([^/]+)\.jar$#\1#p' | head -n 1)
  CP_FILE=$DIR/spark-classpath.txt
  while :; do
    say "resolving the Maven jars of Spark $version ..."
    mvn -B -q -f "$PROJECT_DIR/pom.xml" ${PROFILE[@]+"${PROFILE[@]}"} -Dspark.version="$version" \
      ${yarn:+-Dspark.yarn.version="$yarn"} ${parquet[@]+"${parquet[@]}"} dependency:build-classpath \
      -Dmdep.includeScope=compile -Dmdep.outputFile="$CP_FILE" >&2 \
      || die "could not resolve Spark $version for Scala $SCALA"
    tr ':' '\n' <"$CP_FILE" | grep -v '/spark-yarn_' | paste -sd: - >"$CP_FILE.tmp" && mv "$CP_FILE.tmp" "$CP_FILE"
    grep -q "/spark-core_$SCALA-$version\.jar" "$CP_FILE" || die "no spark-core_$SCALA-$version.jar in $CP_FILE"
    found=$(tr ':' '\n' <"$CP_FILE" | sed -nE 's#.*/parquet-hadoop-([^/]+)\.jar$#\1#p' | head -n 1)
    if [[ -z $found ]] || tr ':' '\n' <"$CP_FILE" | grep -q "/parquet-jackson-$found\.jar$" || ((${#parquet[@]})); then
      return 0
    fi
    parquet=(-Dparquet.version="$found")
  done
}

cmd_start() {
  local token java master_pid master_url i
  token=$(read_token)
  if [[ -n $token ]] && [[ -n $(tagged_pids "$token") ]]; then
    die "a cluster from $DIR is already running ($(cat "$DIR/master-url" 2>/dev/null)); stop it first"
  fi
  if [[ ! -f $CP_FILE ]]; then
    say "building (mvn -B -q ${PROFILE[*]:+${PROFILE[*]} }package -DskipTests) to get $CP_FILE ..."
    mvn -B -q -f "$PROJECT_DIR/pom.xml" ${PROFILE[@]+"${PROFILE[@]}"} package -DskipTests >&2
  fi
  java=$(java_cmd) || die "java not found: set JAVA_HOME or put Java 17+ on PATH"
  rm -rf "$DIR"
  mkdir -p "$DIR/logs" "$DIR/work"
  if [[ -n ${CLUSTER_SPARK_VERSION:-} ]]; then resolve_release "$CLUSTER_SPARK_VERSION"; fi
  make_spark_home
  token=$(od -An -N8 -tx8 /dev/urandom | tr -d ' \n')-$$
  printf '%s\n' "$token" >"$DIR/token"

  export SPARK_HOME=$DIR/spark-home SPARK_SCALA_VERSION=$SCALA SPARK_LOCAL_IP=127.0.0.1
  export SPARK_SGD_CLUSTER_TOKEN=$token
  # Executors' shuffle and cached-block spill directories, under DIR rather than /tmp.
  export SPARK_LOCAL_DIRS=$DIR/local
  mkdir -p "$SPARK_LOCAL_DIRS"
  local cp="$SPARK_HOME/jars/*"
  local log4j=(-Dlog4j2.configurationFile=org/apache/spark/log4j2-defaults.properties)

  # The daemons need no Java 17 opens; the worker adds Spark's module options to each executor.
  "$java" -Xmx"$DAEMON_MEMORY" "${log4j[@]}" -cp "$cp" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port 0 --webui-port 0 </dev/null >"$DIR/logs/master.log" 2>&1 &
  master_pid=$!
  printf '%s\n' "$master_pid" >"$DIR/master.pid"
  if ! wait_for_log "$DIR/logs/master.log" 'Starting Spark master at spark://' "$master_pid" master \
    || ! wait_for_log "$DIR/logs/master.log" 'I have been elected leader' "$master_pid" master; then
    cmd_stop >/dev/null 2>&1 || true
    exit 1
  fi
  master_url=$(grep -oE 'spark://127\.0\.0\.1:[0-9]+' "$DIR/logs/master.log" | head -n 1)
  [[ -n $master_url ]] || { cmd_stop || true; die "no master URL in $DIR/logs/master.log"; }
  printf '%s\n' "$master_url" >"$DIR/master-url"

  local pids=()
  for ((i = 1; i <= WORKERS; i++)); do
    mkdir -p "$DIR/work/worker-$i"
    "$java" -Xmx"$DAEMON_MEMORY" "${log4j[@]}" -cp "$cp" org.apache.spark.deploy.worker.Worker \
      "$master_url" --host 127.0.0.1 --port 0 --webui-port 0 --cores "$WORKER_CORES" \
      --memory "$WORKER_MEMORY" --work-dir "$DIR/work/worker-$i" \
      </dev/null >"$DIR/logs/worker-$i.log" 2>&1 &
    pids+=("$!")
    printf '%s\n' "$!" >"$DIR/worker-$i.pid"
  done
  for ((i = 1; i <= WORKERS; i++)); do
    if ! wait_for_log "$DIR/logs/worker-$i.log" 'Successfully registered with master' "${pids[i - 1]}" "worker $i"; then
      cmd_stop >/dev/null 2>&1 || true
      exit 1
    fi
  done
  say "master $master_url (pid $master_pid), workers ${pids[*]} ($WORKER_CORES core(s), $WORKER_MEMORY each); logs in $DIR/logs"
  printf '%s\n' "$master_url"
}

cmd_stop() {
  local token pid f left deadline
  token=$(read_token)
  if [[ -z $token ]]; then
    say "no cluster state in $DIR; nothing to stop"
    return 0
  fi
  # Workers first (a worker stops its executors on the way out), then the master.
  for f in "$DIR"/worker-*.pid "$DIR/master.pid"; do
    [[ -f $f ]] || continue
    pid=$(cat "$f")
    if alive "$pid" && ours "$pid" "$token"; then kill -TERM "$pid" 2>/dev/null || true; fi
  done
  deadline=$((SECONDS + 15))
  while ((SECONDS < deadline)); do
    left=$(tagged_pids "$token")
    [[ -z $left ]] && break
    sleep 0.2
  done
  left=$(tagged_pids "$token")
  if [[ -n $left ]]; then
    say "still running after 15 s, killing: $(echo $left)"
    for pid in $left; do kill -KILL "$pid" 2>/dev/null || true; done
    sleep 0.5
  fi
  left=$(tagged_pids "$token")
  rm -f "$DIR"/*.pid "$DIR/master-url" "$DIR/token"
  if [[ -n $left ]]; then die "could not stop: $(echo $left)"; fi
  say "stopped (logs kept in $DIR/logs)"
}

cmd_status() {
  local token pid f running=0
  token=$(read_token)
  [[ -n $token ]] || { echo "not running"; return 3; }
  echo "master-url $(cat "$DIR/master-url" 2>/dev/null)"
  for f in "$DIR/master.pid" "$DIR"/worker-*.pid; do
    [[ -f $f ]] || continue
    pid=$(cat "$f")
    if alive "$pid" && ours "$pid" "$token"; then
      echo "$(basename "$f" .pid) $pid running"
      running=$((running + 1))
    else
      echo "$(basename "$f" .pid) $pid gone"
    fi
  done
  for pid in $(tagged_pids "$token"); do
    if { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -q CoarseGrainedExecutorBackend; then echo "executor $pid running"; fi
  done
  ((running > 0))
}

case ${1:-} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 start|stop|status   (LOCAL_CLUSTER_DIR=$DIR)" >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
#
# submit.sh - run spark-sgd the way spark-submit would.
#
#   ./submit.sh [spark-submit options] [SUB-COMMAND [application options]]
#
# Everything before the first sub-command word goes to spark-submit; the sub-command and
# everything after it go to the application (dev.sparksgd.cli.Main).
#
# Examples:
#   ./submit.sh                                   # demo: train on sample-data/regression.libsvm
#   ./submit.sh train --data data.libsvm --output model --max-iter 50
#   ./submit.sh --master 'local[4]' --driver-memory 4g train --data big.csv --output model
#   ./submit.sh --master spark://host:7077 --executor-memory 4g evaluate --model model --data test.csv
#   ./submit.sh help
#
# Spark lines: spark-sgd builds for Spark 3.5 (Scala 2.12, target/spark-sgd-app_2.12.jar, the
# default) and Spark 4 (Scala 2.13, target/spark-sgd-app_2.13.jar, mvn -Pspark-4). The line is
# that of SPARK_HOME's Spark when SPARK_HOME is set, else SPARK_SGD_SPARK_LINE, else 3.5; the
# matching jar is built when missing or older than the sources.
#
# Environment:
#   SPARK_HOME            if set, run "$SPARK_HOME/bin/spark-submit" with the jar of its Spark line
#                         (read from SPARK_HOME/jars/spark-core_*.jar, else SPARK_HOME/RELEASE, else
#                         spark-submit --version); a Spark other than 3.5 (Scala 2.12) or 4.x exits 2.
#                         Otherwise start SparkSubmit directly with java and the Spark jars of the
#                         line from ~/.m2 (target/scala-*/spark-classpath.txt), with --master
#                         'local[*]' unless --master is given.
#   SPARK_SGD_SPARK_LINE  3.5 (default) or 4: the Spark line without SPARK_HOME. With SPARK_HOME it
#                         may be set only to that Spark's line.
#   JAVA_HOME             the Java 17+ to use without SPARK_HOME (default: java on PATH).
#   SPARK_SGD_JAVA_OPTS   extra JVM options for the driver without SPARK_HOME (word-split).
#   SPARK_SGD_SKIP_BUILD  =1: do not (re)build target/spark-sgd-app.jar when sources are newer.
#   SPARK_SGD_APP_JAR     the application jar to submit instead of target/spark-sgd-app.jar (no
#                         build then), e.g. hdfs:///apps/spark-sgd-app.jar: in standalone cluster
#                         mode the worker that runs the driver fetches the jar from this path or URL.
#   SPARK_SGD_DRY_RUN     =1: print the final command (one %q-quoted argument per line), don't run it.
#
# Without SPARK_HOME a client-mode driver runs inside this JVM, so --driver-memory (or
# --conf spark.driver.memory) becomes -Xmx, --driver-java-options is added to the java command
# line and --driver-class-path is prepended to -cp. HADOOP_CONF_DIR and YARN_CONF_DIR go on the
# classpath, and for --master yarn spark.yarn.jars names the Maven jars (unless given).
#
# With --deploy-mode cluster the driver's JVM gets the Java 17 flags through
# spark.driver.extraJavaOptions (before the user's own), and on a standalone master submit.sh
# waits for the driver (spark.standalone.submit.waitAppCompletion=true unless given) and exits 1
# unless it FINISHED; for a FAILED YARN application it exits with the driver's code from YARN's
# diagnostics (1 when they give none) and prints one line instead of spark-submit's stack trace.
set -euo pipefail
unset CDPATH

# Application sub-commands (the first of these words ends the spark-submit options).
SUBCOMMANDS=(train generate predict evaluate bench help)
MAIN_CLASS=dev.sparksgd.cli.Main
# spark-submit options that take no value; every other option without '=' takes the next argument.
SPARK_FLAGS=(--verbose -v --supervise --help -h --version)

die() {
  local code=$1
  shift
  printf 'submit.sh: %s\n' "$*" >&2
  exit "$code"
}

contains() { # contains WORD LIST...
  local word=$1 w
  shift
  for w in "$@"; do
    if [[ $w == "$word" ]]; then return 0; fi
  done
  return 1
}

# ---- PROJECT_DIR: the directory of this script, following symlinks (no cd for the job itself) ----
script_dir() {
  local src=${BASH_SOURCE[0]} dir
  while [[ -L $src ]]; do
    dir=$(cd -P "$(dirname "$src")" && pwd)
    src=$(readlink "$src")
    if [[ $src != /* ]]; then src=$dir/$src; fi
  done
  cd -P "$(dirname "$src")" && pwd
}
PROJECT_DIR=$(script_dir)
LOG4J_CONF=$PROJECT_DIR/conf/log4j2.properties
DRY_RUN=${SPARK_SGD_DRY_RUN:-0}

# ---- split the arguments: spark-submit options | sub-command + application arguments ----
spark_args=()
app_args=()
while (($# > 0)); do
  arg=$1
  if [[ $arg == -* ]]; then
    spark_args+=("$arg")
    shift
    if ! contains "$arg" "${SPARK_FLAGS[@]}" && [[ $arg != *=* ]] && (($# > 0)); then
      spark_args+=("$1") # the option's value
      shift
    fi
  elif contains "$arg" "${SUBCOMMANDS[@]}"; then
    app_args=("$@")
    break
  else
    die 2 "unknown sub-command '$arg' (one of: ${SUBCOMMANDS[*]})"
  fi
done

# ---- what the spark-submit options say about the driver ----
has_master=0 master='' verbose=0 help_like=0
driver_memory="" conf_driver_memory=""
driver_java_opts="" conf_driver_java_opts="" has_driver_java_opts=0
driver_class_path="" conf_driver_class_path=""
deploy_mode="" conf_deploy_mode="" wait_app_completion="" has_yarn_jars=0
java_opts_at=() # where the driver's Java options are in spark_args (index of the option, word count)
i=0
n=${#spark_args[@]}
while ((i < n)); do
  opt=${spark_args[i]}
  val=""
  at=$i
  i=$((i + 1))
  if contains "$opt" "${SPARK_FLAGS[@]}"; then
    case $opt in
      --verbose | -v) verbose=1 ;;
      --help | -h | --version) help_like=1 ;;
    esac
    continue
  fi
  if [[ $opt == *=* ]]; then
    val=${opt#*=}
    opt=${opt%%=*}
  elif ((i < n)); then
    val=${spark_args[i]}
    i=$((i + 1))
  fi
  case $opt in
    --master) has_master=1 master=$val ;;
    --driver-memory) driver_memory=$val ;;
    --driver-java-options)
      driver_java_opts=$val has_driver_java_opts=1
      java_opts_at+=("$at" $((i - at)))
      ;;
    --driver-class-path) driver_class_path=$val ;;
    --deploy-mode) deploy_mode=$val ;;
    --conf | -c)
      case $val in
        spark.driver.memory=*) conf_driver_memory=${val#*=} ;;
        spark.driver.extraJavaOptions=*)
          conf_driver_java_opts=${val#*=} has_driver_java_opts=1
          java_opts_at+=("$at" $((i - at)))
          ;;
        spark.driver.extraClassPath=*) conf_driver_class_path=${val#*=} ;;
        spark.submit.deployMode=*) conf_deploy_mode=${val#*=} ;;
        spark.standalone.submit.waitAppCompletion=*) wait_app_completion=${val#*=} ;;
        spark.yarn.jars=* | spark.yarn.archive=*) has_yarn_jars=1 ;;
      esac
      ;;
  esac
done
# As in spark-submit, the dedicated option wins over --conf.
driver_memory=${driver_memory:-$conf_driver_memory}
driver_java_opts=${driver_java_opts:-$conf_driver_java_opts}
driver_class_path=${driver_class_path:-$conf_driver_class_path}
deploy_mode=${deploy_mode:-$conf_deploy_mode}

# A local-mode driver binds to loopback only (and Spark stops warning about the hostname).
if [[ -z ${SPARK_LOCAL_IP:-} ]] && { ((!has_master)) || [[ $master == local* ]]; }; then
  export SPARK_LOCAL_IP=127.0.0.1
fi

# ---- no sub-command: the demo ----
if ((${#app_args[@]} == 0 && !help_like)); then
  app_args=(train --data "$PROJECT_DIR/sample-data/regression.libsvm"
    --output "$PROJECT_DIR/target/sample-model" --overwrite --validation-fraction 0.2)
  printf 'submit.sh: no sub-command given, running the demo: train on sample-data/regression.libsvm, model -> %s\n' \
    "$PROJECT_DIR/target/sample-model" >&2
fi

# ---- the Spark line: SPARK_HOME's Spark, else SPARK_SGD_SPARK_LINE, else 3.5 ----
# The Spark version and Scala binary version of SPARK_HOME, as "VERSION SCALA" (SCALA may be empty).
spark_home_version() {
  local home=${SPARK_HOME%/} jar name out re
  for jar in "$home"/jars/spark-core_*.jar; do
    name=$(basename "$jar")
    re='^spark-core_([0-9]+\.[0-9]+)-([0-9][^-]*)'
    if [[ $name =~ $re ]]; then
      printf '%s %s\n' "${BASH_REMATCH[2]}" "${BASH_REMATCH[1]}"
      return 0
    fi
  done
  re='Spark ([0-9]+\.[0-9]+[.0-9]*)'
  if [[ -f $home/RELEASE ]] && [[ $(head -n 5 "$home/RELEASE") =~ $re ]]; then
    printf '%s \n' "${BASH_REMATCH[1]}"
    return 0
  fi
  if [[ -x $home/bin/spark-submit ]]; then
    out=$("$home/bin/spark-submit" --version 2>&1 </dev/null || true)
    re='version ([0-9]+\.[0-9]+[.0-9]*)'
    if [[ $out =~ $re ]]; then
      local v=${BASH_REMATCH[1]} scala=''
      re='Scala version ([0-9]+\.[0-9]+)'
      if [[ $out =~ $re ]]; then scala=${BASH_REMATCH[1]}; fi
      printf '%s %s\n' "$v" "$scala"
      return 0
    fi
  fi
  return 1
}
if [[ -n ${SPARK_HOME:-} ]]; then
  read -r spark_version spark_scala < <(spark_home_version || true) || true
  [[ -n ${spark_version:-} ]] \
    || die 2 "cannot tell the Spark version of SPARK_HOME=$SPARK_HOME (no jars/spark-core_*.jar, RELEASE or bin/spark-submit --version)"
  case $spark_version in
    3.5 | 3.5.*) line=3.5 ;;
    4.*) line=4 ;;
    *) die 2 "Spark $spark_version (SPARK_HOME=$SPARK_HOME) is not supported: spark-sgd runs on Spark 3.5 and Spark 4" ;;
  esac
  if [[ $line == 3.5 && ${spark_scala:-2.12} != 2.12 ]]; then
    die 2 "Spark $spark_version for Scala $spark_scala (SPARK_HOME=$SPARK_HOME) is not supported: spark-sgd runs on Spark 3.5 for Scala 2.12 and Spark 4"
  fi
  if [[ -n ${SPARK_SGD_SPARK_LINE:-} && $SPARK_SGD_SPARK_LINE != "$line" ]]; then
    die 2 "SPARK_SGD_SPARK_LINE=$SPARK_SGD_SPARK_LINE but SPARK_HOME=$SPARK_HOME is Spark $spark_version (line $line)"
  fi
else
  line=${SPARK_SGD_SPARK_LINE:-3.5}
fi
case $line in
  3.5) scala=2.12 profile=() ;;
  4) scala=2.13 profile=(-Pspark-4) ;;
  *) die 2 "SPARK_SGD_SPARK_LINE=$line: the Spark lines are 3.5 and 4" ;;
esac
JAR=$PROJECT_DIR/target/spark-sgd-app_$scala.jar
BUILD_DIR=$PROJECT_DIR/target/scala-$scala
CP_FILE=$BUILD_DIR/spark-classpath.txt
OPTS_FILE=$BUILD_DIR/spark-java-options.txt
build_cmd="mvn -B -q -f '$PROJECT_DIR/pom.xml'${profile[*]:+ ${profile[*]}} package -DskipTests"
# The line's JVM flags (the pom's spark.java.options, written at build time) into spark_java_opts.
read_line_java_opts() {
  if [[ -f $OPTS_FILE ]]; then
    read -r -a spark_java_opts <"$OPTS_FILE" || true
  elif [[ $DRY_RUN == 1 ]]; then
    spark_java_opts=("<$OPTS_FILE>")
  else
    die 2 "$OPTS_FILE is missing (build with: $build_cmd)"
  fi
}

# ---- build when needed ----
needs_build() {
  if [[ ! -f $JAR || ! -f $CP_FILE || ! -f $OPTS_FILE || $PROJECT_DIR/pom.xml -nt $JAR ]]; then return 0; fi
  [[ -n $(find "$PROJECT_DIR/src/main" -newer "$JAR" -print 2>/dev/null | head -n 1) ]]
}
if [[ -n ${SPARK_SGD_APP_JAR:-} ]]; then
  # A jar of the user's: not built here, and checked only when it is a local path.
  if [[ $DRY_RUN != 1 && $SPARK_SGD_APP_JAR != *://* && ! -f ${SPARK_SGD_APP_JAR#file:} ]]; then
    die 2 "SPARK_SGD_APP_JAR=$SPARK_SGD_APP_JAR is not a file"
  fi
  JAR=$SPARK_SGD_APP_JAR
elif [[ ${SPARK_SGD_SKIP_BUILD:-0} != 1 ]] && needs_build; then
  command -v mvn >/dev/null 2>&1 || die 2 "target/$(basename "$JAR") needs (re)building but mvn is not on PATH"
  printf 'submit.sh: building spark-sgd for Spark %s (%s) ...\n' "$line" "$build_cmd" >&2
  rc=0
  mvn -B -q -f "$PROJECT_DIR/pom.xml" ${profile[@]+"${profile[@]}"} package -DskipTests >&2 || rc=$?
  if ((rc != 0)); then
    printf 'submit.sh: build failed (mvn exit code %d)\n' "$rc" >&2
    exit "$rc"
  fi
fi
if [[ $DRY_RUN != 1 && -z ${SPARK_SGD_APP_JAR:-} && ! -f $JAR ]]; then
  die 2 "$JAR is missing (build with: $build_cmd)"
fi

# ---- a driver that does not run in this JVM (--deploy-mode cluster) ----
# A standalone Worker, a YARN container or a Kubernetes pod starts the driver's JVM with
# spark.driver.extraJavaOptions, and nothing adds the Java 17 flags a driver needs on a standalone
# Worker. So the driver gets the flags of a driver in this JVM, followed by the user's own driver
# options (--driver-java-options, else --conf spark.driver.extraJavaOptions, as spark-submit
# chooses), which are taken out of the spark-submit options and merged in: in java, a later
# option wins. A spark.driver.extraJavaOptions in spark-defaults.conf is replaced, as by any --conf.
cluster_mode=0
if [[ $deploy_mode == cluster ]]; then cluster_mode=1; fi
cluster_driver_java_options() { # cluster_driver_java_options FLAG...: rewrites spark_args
  local merged="$*" kept=() skip=() k j
  if [[ -n $driver_java_opts ]]; then merged+=" $driver_java_opts"; fi
  for ((k = 0; k < ${#java_opts_at[@]}; k += 2)); do
    for ((j = java_opts_at[k]; j < java_opts_at[k] + java_opts_at[k + 1]; j++)); do skip[j]=1; done
  done
  for ((k = 0; k < ${#spark_args[@]}; k++)); do
    if [[ -z ${skip[k]:-} ]]; then kept+=("${spark_args[k]}"); fi
  done
  spark_args=(${kept[@]+"${kept[@]}"} --conf "spark.driver.extraJavaOptions=$merged")
}
# A standalone cluster's spark-submit returns as soon as the driver runs, unless
# spark.standalone.submit.waitAppCompletion=true, which submit.sh sets unless the user set it.
# Even then it exits 0 whether the driver FINISHED or FAILED: run_cluster_submit below reads
# the driver's final state from its log line and exits 1 unless it is FINISHED.
standalone_cluster=0
if ((cluster_mode)) && [[ $master == spark://* ]]; then
  standalone_cluster=1
  if [[ -z $wait_app_completion ]]; then
    wait_app_completion=true
    spark_args+=(--conf spark.standalone.submit.waitAppCompletion=true)
  fi
  wait_app_completion=$(printf '%s' "$wait_app_completion" | tr '[:upper:]' '[:lower:]')
fi
if ((cluster_mode)); then
  read_line_java_opts
  cluster_driver_java_options ${spark_java_opts[@]+"${spark_java_opts[@]}"}
fi

# In YARN cluster mode spark-submit waits for the application (spark.yarn.submit.waitAppCompletion)
# and, when it FAILED, logs YARN's diagnostics ("User application exited with status N") and ends
# with an exception's stack trace and exit code 1: submit.sh shows one line instead of the trace,
# and exits with the driver's own code N when the diagnostics give it (as a client-mode run would).
yarn_cluster=0
if ((cluster_mode)) && [[ $master == yarn* ]]; then yarn_cluster=1; fi

cluster_submit_filter() { # copies stdin to stdout, but for spark-submit's trace; what ended goes to dir $1
  local line trace=0 driver_re='State of driver (driver-[^ ]+) is ([A-Z_]+), exiting'
  local status_re='Application diagnostics message: User application exited with status ([0-9]+)'
  local app_re='^Exception in thread "main" org\.apache\.spark\.SparkException: (Application (application_[0-9_]+) .*)$'
  while IFS= read -r line || [[ -n $line ]]; do
    if ((trace)) && [[ $line =~ ^[[:space:]]+at\  || $line =~ ^[[:space:]]*\.\.\.\ [0-9]+\ more ]]; then continue; fi
    trace=0
    if [[ $line =~ $app_re ]]; then
      printf '%s\n%s\n' "${BASH_REMATCH[2]}" "${BASH_REMATCH[1]}" >"$1/app"
      trace=1
      continue
    fi
    printf '%s\n' "$line"
    if [[ $line =~ $driver_re ]]; then printf '%s %s\n' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" >"$1/state"; fi
    if [[ $line =~ $status_re ]]; then printf '%s\n' "${BASH_REMATCH[1]}" >"$1/status"; fi
  done
}
run_cluster_submit() { # runs cmd; exits with the code that tells how the driver ended
  local tmp rc=0 pid filter_pid driver='' state='' app='' message='' status=''
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/spark-sgd-submit.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  # spark-submit is a child of this shell (its stderr read through a FIFO), so that a TERM, INT or
  # HUP sent to submit.sh reaches it, as it would if submit.sh had exec'd it.
  mkfifo "$tmp/stderr"
  cluster_submit_filter "$tmp" <"$tmp/stderr" >&2 &
  filter_pid=$!
  "${cmd[@]}" 2>"$tmp/stderr" &
  pid=$!
  trap 'kill -TERM "$pid" 2>/dev/null || true' TERM INT HUP
  wait "$pid" || rc=$?
  while kill -0 "$pid" 2>/dev/null; do # the wait was ended by a signal: wait for spark-submit's end
    rc=0
    wait "$pid" || rc=$?
  done
  wait "$filter_pid" || true
  if ((yarn_cluster)); then
    if [[ -f $tmp/app ]]; then { read -r app && read -r message; } <"$tmp/app" || true; fi
    if [[ -f $tmp/status ]]; then read -r status <"$tmp/status" || true; fi
    if ((rc == 0)) || [[ -z $app ]]; then exit "$rc"; fi
    if [[ -n $status && $status != 0 ]]; then
      die "$status" "$message: the driver exited with code $status (its log: yarn logs -applicationId $app)"
    fi
    die "$rc" "$message (its log: yarn logs -applicationId $app)"
  fi
  if [[ -f $tmp/state ]]; then read -r driver state <"$tmp/state" || true; fi
  if ((rc != 0)); then exit "$rc"; fi
  case $state in
    FINISHED) exit 0 ;;
    '') die 1 "spark-submit ended without the driver's final state (no 'State of driver ... is ...' line on stderr; is org.apache.spark.deploy.ClientEndpoint logged at INFO?)" ;;
    *) die 1 "driver $driver ended $state (its stdout and stderr: $driver/ in the work directory of the worker that ran it)" ;;
  esac
}

# ---- assemble the command ----
cmd=()
if [[ -n ${SPARK_HOME:-} ]]; then
  spark_submit=${SPARK_HOME%/}/bin/spark-submit
  if [[ $DRY_RUN != 1 && ! -x $spark_submit ]]; then
    die 2 "SPARK_HOME=$SPARK_HOME but $spark_submit is not executable"
  fi
  cmd=("$spark_submit" ${spark_args[@]+"${spark_args[@]}"})
  if ((standalone_cluster && !verbose)); then
    # This JVM only submits: its log shows the driver's final state (run_cluster_submit).
    log4j_opt="-Dlog4j2.configurationFile=file:$LOG4J_CONF"
    if [[ $log4j_opt == *[[:space:]]* ]]; then log4j_opt="\"$log4j_opt\""; fi
    export SPARK_SUBMIT_OPTS="${SPARK_SUBMIT_OPTS:+$SPARK_SUBMIT_OPTS }$log4j_opt"
  fi
  if ((!has_driver_java_opts && !verbose && !cluster_mode)); then
    log4j_opt="-Dlog4j2.configurationFile=file:$LOG4J_CONF"
    # spark-submit splits --driver-java-options on blanks but honours quotes.
    if [[ $log4j_opt == *[[:space:]]* ]]; then log4j_opt="\"$log4j_opt\""; fi
    cmd+=(--driver-java-options "$log4j_opt")
  fi
else
  if [[ -n ${JAVA_HOME:-} ]]; then
    java=${JAVA_HOME%/}/bin/java
    [[ -x $java ]] || die 2 "JAVA_HOME=$JAVA_HOME but $java is not executable; spark-sgd needs Java 17+"
  else
    java=$(command -v java || true)
    [[ -n $java ]] || die 2 "java not found: set JAVA_HOME or put Java 17+ on PATH (or set SPARK_HOME)"
  fi
  java_version_out=$("$java" -version 2>&1 || true)
  version_re='version "([0-9]+)(\.([0-9]+))?'
  if [[ $java_version_out =~ $version_re ]]; then
    java_major=${BASH_REMATCH[1]}
    if [[ $java_major == 1 ]]; then java_major=${BASH_REMATCH[3]:-0}; fi # 1.8 -> 8
  else
    die 2 "could not tell the Java version of $java; spark-sgd needs Java 17+"
  fi
  if ((java_major < 17)); then
    die 2 "$java is Java $java_major; spark-sgd needs Java 17+ (set JAVA_HOME, or SPARK_HOME to use spark-submit)"
  fi

  if [[ -f $CP_FILE ]]; then
    classpath=$(tr -d '\r\n' <"$CP_FILE")
  elif [[ $DRY_RUN == 1 ]]; then
    classpath="<$CP_FILE>"
  else
    die 2 "$CP_FILE is missing (build with: $build_cmd)"
  fi
  spark_jars=$classpath
  if [[ -n $driver_class_path ]] && ((!cluster_mode)); then classpath=$driver_class_path:$classpath; fi
  # As with Spark's launcher: the Hadoop client's configuration (core-site.xml, yarn-site.xml) is
  # read from the classpath, and YARN's client ships these directories to the application.
  for conf_dir in "${HADOOP_CONF_DIR:-}" "${YARN_CONF_DIR:-}"; do
    if [[ -n $conf_dir ]]; then classpath=$classpath:$conf_dir; fi
  done
  if [[ $master == yarn* ]] && ((!has_yarn_jars)); then
    # YARN's client ships SPARK_HOME/jars to the containers, and there is no SPARK_HOME here: it
    # ships the Spark jars of this classpath instead (copied to the application's staging
    # directory on each submission unless it is on the same filesystem; a spark.yarn.archive or
    # spark.yarn.jars of the user's is left alone).
    spark_args+=(--conf "spark.yarn.jars=${spark_jars//:/,}")
  fi
  # The JVM flags Spark's launcher of this line would add (the pom's spark.java.options).
  read_line_java_opts

  cmd=("$java" ${spark_java_opts[@]+"${spark_java_opts[@]}"})
  if ((!verbose)); then cmd+=("-Dlog4j2.configurationFile=file:$LOG4J_CONF"); fi
  if [[ -n ${SPARK_SGD_JAVA_OPTS:-} ]]; then
    read -r -d '' -a extra <<<"$SPARK_SGD_JAVA_OPTS" || true
    cmd+=(${extra[@]+"${extra[@]}"})
  fi
  if [[ -n $driver_memory ]] && ((!cluster_mode)); then
    # Spark reads a bare number as MiB and accepts 4g/4gb/4G; java wants 4g / 4096m.
    mem=$(printf '%s' "$driver_memory" | tr '[:upper:]' '[:lower:]')
    if [[ $mem =~ ^[0-9]+$ ]]; then
      mem=${mem}m
    elif [[ $mem =~ ^[0-9]+[kmgt]b?$ ]]; then
      mem=${mem%b}
    else
      die 2 "cannot understand driver memory '$driver_memory' (use e.g. 512m or 4g)"
    fi
    cmd+=("-Xmx$mem")
  fi
  if [[ -n $driver_java_opts ]] && ((!cluster_mode)); then
    read -r -d '' -a extra <<<"$driver_java_opts" || true
    cmd+=(${extra[@]+"${extra[@]}"})
  fi
  cmd+=(-cp "$classpath" org.apache.spark.deploy.SparkSubmit)
  if ((!has_master)); then cmd+=(--master 'local[*]'); fi
  cmd+=(${spark_args[@]+"${spark_args[@]}"})
fi
cmd+=(--class "$MAIN_CLASS" "$JAR" ${app_args[@]+"${app_args[@]}"})

if [[ $DRY_RUN == 1 ]]; then
  printf '%q\n' "${cmd[@]}"
  exit 0
fi
if { ((standalone_cluster)) && [[ $wait_app_completion == true ]]; } || ((yarn_cluster)); then run_cluster_submit; fi
exec "${cmd[@]}"

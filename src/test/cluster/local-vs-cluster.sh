#!/usr/bin/env bash
#
# local-vs-cluster.sh - the same training job in local[2] and on a 2-worker loopback standalone
# cluster (local-cluster.sh, 1 core each), RUNS times each, alternating; prints the median
# iteration time (history.csv's millis column) of every run and whether the models are
# bit-identical. Then (BENCH=1, the default) the same pair of masters runs `bench --figures
# full-batch,mini-batch` on ROWS x FEATURES with 2 partitions, alternating, and prints each run's
# medians, the cluster's over local[2]'s, and ours against MLlib's on the same master. Everything
# goes to target/local-vs-cluster/ (bench-*.json holds every sample).
#
#   src/test/cluster/local-vs-cluster.sh          # ROWS=200000 FEATURES=50 ITER=20 RUNS=3 BENCH=1
#   RUNS=2 BENCH_RUNS=2 src/test/cluster/local-vs-cluster.sh
set -euo pipefail
unset CDPATH
here=$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here/../../.."
ROWS=${ROWS:-200000}
FEATURES=${FEATURES:-50}
ITER=${ITER:-20}
RUNS=${RUNS:-3}
BENCH=${BENCH:-1}
BENCH_RUNS=${BENCH_RUNS:-$RUNS}
OUT=target/local-vs-cluster
DATA=$OUT/data-${ROWS}x${FEATURES}.libsvm
mkdir -p "$OUT"

median() {
  tail -n +2 "$1/history.csv" | cut -d, -f6 | sort -n \
    | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'
}

if [[ ! -f $DATA ]]; then
  ./submit.sh --master 'local[2]' generate --output "$DATA" --rows "$ROWS" --features "$FEATURES" >"$OUT/generate.log" 2>&1
fi
export LOCAL_CLUSTER_DIR=$PWD/$OUT/cluster WORKERS=2 WORKER_CORES=1 WORKER_MEMORY=1g
trap 'src/test/cluster/local-cluster.sh stop' EXIT
master=$(src/test/cluster/local-cluster.sh start)

train=(train --data "$DATA" --overwrite --max-iter "$ITER" --mini-batch-fraction 1.0 --num-partitions 2
  --min-step-size 0 --tol 0)
echo "data: $ROWS rows x $FEATURES features (dense), $ITER iterations, fraction 1.0, 2 partitions"
for ((i = 1; i <= RUNS; i++)); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  SPARK_SGD_SKIP_BUILD=1 ./submit.sh --master 'local[2]' --driver-memory 2g "${train[@]}" \
    --output "$OUT/local-$i" >"$OUT/local-$i.log" 2>&1
  echo "run $i  local[2]        median $(median "$OUT/local-$i") ms per iteration  (load average $load)"
  load=$(cut -d' ' -f1 /proc/loadavg)
  SPARK_LOCAL_IP=127.0.0.1 SPARK_SGD_SKIP_BUILD=1 ./submit.sh --master "$master" --driver-memory 2g \
    --executor-memory 1g --conf spark.scheduler.minRegisteredResourcesRatio=1.0 "${train[@]}" \
    --output "$OUT/cluster-$i" >"$OUT/cluster-$i.log" 2>&1
  echo "run $i  2-worker cluster median $(median "$OUT/cluster-$i") ms per iteration  (load average $load)"
  if cmp -s "$OUT/local-$i/model.json" "$OUT/cluster-$i/model.json"; then
    echo "run $i  models bit-identical"
  else
    echo "run $i  MODELS DIFFER"
  fi
done

((BENCH)) || exit 0
# The same bench on both masters: ours and MLlib's medians (ms per iteration) of each figure.
bench=(bench --rows "$ROWS" --features "$FEATURES" --num-partitions 2 --figures full-batch,mini-batch)
medians() { # medians FILE: "figure ours mllib" per line
  jq -r '.sizes[0].figures | group_by(.figure)[] | [.[0].figure,
    (map(select(.contender == "spark-sgd"))[0].median), (map(select(.contender == "mllib-sgd"))[0].median)] | @tsv' "$1"
}
echo "bench: $ROWS rows x $FEATURES features (dense), 2 partitions; medians in ms per iteration"
for ((i = 1; i <= BENCH_RUNS; i++)); do
  l1=$(cut -d' ' -f1 /proc/loadavg)
  SPARK_SGD_SKIP_BUILD=1 ./submit.sh --master 'local[2]' --driver-memory 2g "${bench[@]}" \
    --output "$OUT/bench-local-$i.json" >"$OUT/bench-local-$i.log" 2>&1
  l2=$(cut -d' ' -f1 /proc/loadavg)
  SPARK_LOCAL_IP=127.0.0.1 SPARK_SGD_SKIP_BUILD=1 ./submit.sh --master "$master" --driver-memory 2g \
    --executor-memory 1g --conf spark.scheduler.minRegisteredResourcesRatio=1.0 "${bench[@]}" \
    --output "$OUT/bench-cluster-$i.json" >"$OUT/bench-cluster-$i.log" 2>&1
  l3=$(cut -d' ' -f1 /proc/loadavg)
  join <(medians "$OUT/bench-local-$i.json" | sort) <(medians "$OUT/bench-cluster-$i.json" | sort) \
    | while read -r fig lo lm co cm; do
      awk -v i="$i" -v f="$fig" -v lo="$lo" -v lm="$lm" -v co="$co" -v cm="$cm" -v load="$l1 $l2 $l3" 'BEGIN {
        printf "run %d  %-10s local[2] ours %.1f, MLlib %.1f | cluster ours %.1f, MLlib %.1f | cluster/local ours %.2fx | MLlib/ours on the cluster %.2fx  (load %s)\n",
          i, f, lo, lm, co, cm, co / lo, cm / co, load }'
    done
done

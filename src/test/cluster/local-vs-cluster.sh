#!/usr/bin/env bash
#
# local-vs-cluster.sh - the same training job in local[2] and on a 2-worker loopback standalone
# cluster (local-cluster.sh, 1 core each), RUNS times each, alternating; prints the median
# iteration time (history.csv's millis column) of every run and whether the models are
# bit-identical. Everything goes to target/local-vs-cluster/.
#
#   src/test/cluster/local-vs-cluster.sh          # ROWS=200000 FEATURES=50 ITER=20 RUNS=3
set -euo pipefail
unset CDPATH
here=$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here/../../.."
ROWS=${ROWS:-200000}
FEATURES=${FEATURES:-50}
ITER=${ITER:-20}
RUNS=${RUNS:-3}
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

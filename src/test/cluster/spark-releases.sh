#!/usr/bin/env bash
#
# spark-releases.sh RELEASE... - runs the application jar of a Spark line, built against the pom's
# release, on other releases of that line from Maven (no download of a distribution): for the
# pom's release and each RELEASE, a 2-worker standalone cluster of that release (local-cluster.sh
# with CLUSTER_SPARK_VERSION) whose SPARK_HOME makes ./submit.sh use that release's spark-submit;
# the same training runs in local[2] (tasks share the driver's block manager: SharedArray) and on
# the cluster (results fetched from executors' block managers: BlockResults, every result as a
# block), and each model is compared bit for bit with the pom's release's.
#
#   SPARK_SGD_SPARK_LINE=4 src/test/cluster/spark-releases.sh 4.0.0 4.1.0
#
# Prints one line per run; exits 1 if a run fails or a model differs. Work in target/spark-releases/.
set -euo pipefail
unset CDPATH
here=$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here/../../.."
OUT=$PWD/target/spark-releases
mkdir -p "$OUT"
line=${SPARK_SGD_SPARK_LINE:-3.5}
export SPARK_SGD_SPARK_LINE=$line LOCAL_CLUSTER_DIR=$OUT/cluster WORKERS=2 WORKER_CORES=1 WORKER_MEMORY=1g

./submit.sh --master 'local[2]' generate --output "$OUT/data.libsvm" --rows 20000 --features 20 --seed 3 \
  --overwrite >"$OUT/generate.log" 2>&1
train=(train --data "$OUT/data.libsvm" --overwrite --max-iter 15 --mini-batch-fraction 0.5 --num-partitions 4
  --seed 9 --min-step-size 0 --tol 0 --validation-fraction 0.1)

trap 'src/test/cluster/local-cluster.sh stop >/dev/null 2>&1 || true' EXIT
failed=0
reference=''
for release in pom "$@"; do
  if [[ $release == pom ]]; then unset CLUSTER_SPARK_VERSION; else export CLUSTER_SPARK_VERSION=$release; fi
  master=$(src/test/cluster/local-cluster.sh start 2>"$OUT/cluster-$release.log") \
    || { echo "$release: the cluster did not start (see $OUT/cluster-$release.log)"; failed=1; continue; }
  version=$(sed -nE 's/^Spark ([^ ]+) .*/\1/p' "$LOCAL_CLUSTER_DIR/spark-home/RELEASE")
  for mode in local cluster; do
    args=(--master 'local[2]')
    if [[ $mode == cluster ]]; then
      args=(--master "$master" --executor-memory 512m --conf spark.scheduler.minRegisteredResourcesRatio=1.0
        --conf spark.scheduler.maxRegisteredResourcesWaitingTime=120s
        --conf spark.sgd.blockResults.minBytes=0)
    fi
    out=$OUT/$release-$mode
    if ! SPARK_HOME=$LOCAL_CLUSTER_DIR/spark-home SPARK_LOCAL_IP=127.0.0.1 ./submit.sh "${args[@]}" \
      --conf spark.driver.host=127.0.0.1 "${train[@]}" --output "$out" >"$out.log" 2>&1; then
      echo "Spark $version $mode: FAILED (see $out.log)"
      failed=1
      continue
    fi
    bits=$(sed -nE '/"(weights|intercept)"/p' "$out/model.json" | md5sum | cut -c1-12)
    reference=${reference:-$bits}
    if [[ $bits == "$reference" ]]; then same="the same model bits as the pom's release"; else same="MODEL DIFFERS"; failed=1; fi
    echo "Spark $version $mode: trained ($same)"
  done
  src/test/cluster/local-cluster.sh stop 2>/dev/null
done
exit "$failed"

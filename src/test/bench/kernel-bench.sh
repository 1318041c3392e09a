#!/usr/bin/env bash
# The JMH microbenchmark of the per-block gradient kernel (src/test/java/dev/sparksgd/bench/KernelBenchmark.java).
#   src/test/bench/kernel-bench.sh [JMH options]     e.g. src/test/bench/kernel-bench.sh -p shape=dense-100 -rf json -rff out.json
set -euo pipefail
cd "$(dirname "$0")/../../.."
mvn -B -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
exec java -Xmx1g -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  org.openjdk.jmh.Main 'dev.sparksgd.bench.KernelBenchmark' "$@"

#!/usr/bin/env bash
# The JMH microbenchmark of the per-block gradient kernel (src/test/java/dev/sparksgd/bench/KernelBenchmark.java).
#   src/test/bench/kernel-bench.sh [JMH options]     e.g. src/test/bench/kernel-bench.sh -p shape=dense-100 -rf json -rff out.json
set -euo pipefail
cd "$(dirname "$0")/../../.."
# The default Spark line's build (target/scala-2.12); the kernel does not depend on the line.
build=target/scala-2.12
mvn -B -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=$build/test-classpath.txt
exec java -Xmx1g -cp "$build/test-classes:$build/classes:$(cat $build/test-classpath.txt)" \
  org.openjdk.jmh.Main 'dev.sparksgd.bench.KernelBenchmark' "$@"

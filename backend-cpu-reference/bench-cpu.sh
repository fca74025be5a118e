#!/usr/bin/env bash
# Benchmark of the cpu-reference backend (smollm2-135m shape, random weights in memory).
# Usage, from anywhere:  backend-cpu-reference/bench-cpu.sh [--dtypes f32,bf16] [--threads N] [--quick]
# Needs JDK 25 (JAVA_HOME, default /usr/lib/jvm/temurin-25-jdk-amd64) and Maven; builds spi and this module.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
cd "$root"
mvn -q -B install -DskipTests -pl spi >&2
mvn -q -B test-compile -pl backend-cpu-reference >&2
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -XX:+UseParallelGC -Xms256m -Xmx1g -Xss4m \
  -cp "$here/target/classes:$here/target/test-classes:$root/spi/target/classes" \
  dev.railyard.backend.cpu.bench.CpuBackendBenchmark "$@" 2>&1 | grep -v -e '^WARNING: Using incubator modules'

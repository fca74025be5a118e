#!/usr/bin/env bash
# Run HERE (no GPU needed): builds the modules the GPU check needs, packs what the GPU machine
# needs into the git-ignored .device/ folder (a jlink'd Java 25, the jars, the golden model),
# and prints the exact `run` tool call that executes tools/gpu/on-device.sh there.
#
#   tools/gpu/run-gpu-check.sh [smoke|full|auto]     (default: full)
#
# smoke: correctness checks only, with a device synchronisation after every kernel (names the
#        failing stage); full: checks, then the TinyLlama-1.1B benchmark, table printed last;
#        auto: smoke, then the benchmark, then the conformance kit against cuda (report in $OUT/report),
#        all in the same call (one machine start); the exit status is the checks'.
set -euo pipefail
mode=${1:-full}
root=$(git rev-parse --show-toplevel)
cd "$root"
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
mvnq() { mvn -q -B -o "$@"; }

echo "== build"
mvnq install -DskipTests -pl spi,host
# the CPU reference backend is another module; the check compares with it when it builds
cpu_ok=1
mvnq install -DskipTests -pl backend-cpu-reference || { cpu_ok=0; echo "note: backend-cpu-reference did not build; the check runs without it"; }
mvnq install -DskipTests -pl backend-tensorrt
mvnq test-compile -pl backend-tensorrt

echo "== pack .device/"
rm -rf .device
mkdir -p .device/lib .device/golden
mvnq dependency:copy-dependencies -pl backend-tensorrt -DincludeScope=test -DoutputDirectory="$root/.device/lib" \
  -DexcludeGroupIds=org.junit.jupiter,org.junit.platform,org.assertj,com.tngtech.archunit,org.opentest4j,org.apiguardian,net.bytebuddy
# keep only what the check and `model synth` load (the host's web server, metrics and DI stay behind: 64 MiB per run)
( cd .device/lib && ls | grep -vE '^(railyard-|cuda-|javacpp-|jackson-(core|databind|annotations)-|picocli-|slf4j-)' | xargs -r rm -f )
# the CUDA presets' native jar holds JNI glue for every CUDA library; the backend needs cudart, cublas and nvrtc
natjar=$(ls .device/lib/cuda-*-linux-x86_64.jar)
tmpd=$(mktemp -d)
( cd "$tmpd" && "$JAVA_HOME/bin/jar" xf "$root/$natjar" && find . -name 'libjni*.so' ! -name 'libjnicudart.so' ! -name 'libjnicublas.so' ! -name 'libjninvrtc.so' -delete \
  && rm -f "$root/$natjar" && "$JAVA_HOME/bin/jar" cfm "$root/$natjar" META-INF/MANIFEST.MF -C . org -C . META-INF/native-image ) 2>/dev/null \
  || { echo "error: could not slim $natjar" >&2; exit 1; }
rm -rf "$tmpd"
cp backend-tensorrt/target/railyard-backend-tensorrt-*.jar .device/lib/
if [ "$cpu_ok" = 1 ]; then cp backend-cpu-reference/target/railyard-backend-cpu-reference-*.jar .device/lib/; fi
"$JAVA_HOME/bin/jar" cf .device/lib/railyard-backend-tensorrt-checks.jar -C backend-tensorrt/target/test-classes .
golden=backend-cpu-reference/src/test/resources/golden/llama-gqa
[ -f "$golden/model.safetensors" ] || golden=../shared/golden/llama-gqa
[ -f "$golden/model.safetensors" ] || golden=/work/shared/golden/llama-gqa
cp -r "$golden" .device/golden/llama-gqa
chmod -R u+w .device/golden
jre_script=../shared/gpu/make-device-jre.sh
[ -x "$jre_script" ] || jre_script=/work/shared/gpu/make-device-jre.sh
bash "$jre_script" .device >/dev/null
cp tools/gpu/on-device.sh .device/
# the conformance kit (its backend rules against cuda run after the benchmark): only the jars .device/lib lacks
mvnq install -DskipTests -pl scheduler-plugins
mvnq package -DskipTests -pl conformance-tests
mkdir -p .device/kit
cp conformance-tests/target/railyard-conformance-tests-*.jar scheduler-plugins/target/railyard-scheduler-plugins-*.jar .device/kit/
mvnq dependency:copy-dependencies -pl conformance-tests -DincludeScope=runtime -DoutputDirectory="$root/.device/kit-deps"
cp .device/kit-deps/junit-jupiter-api-*.jar .device/kit-deps/opentest4j-*.jar .device/kit-deps/apiguardian-api-*.jar .device/kit/ 2>/dev/null || true
rm -rf .device/kit-deps
size=$(du -sm .device | cut -f1)
echo "packed .device/: ${size} MiB ($(ls .device/lib | wc -l) jars)"
if [ "$size" -ge 60 ]; then echo "error: .device is ${size} MiB; one run carries at most 64 MiB" >&2; exit 1; fi

timeout=240
[ "$mode" != smoke ] && timeout=420
cat <<CALL

== now make this call of the \`run\` tool (device machine nvidia-h200):
  command:   set -o pipefail; bash tools/gpu/on-device.sh $mode 2>&1 | tee \$OUT/log.txt
  carry:     [".device"]
  timeout_s: $timeout
CALL

#!/usr/bin/env bash
# Packs what the conformance matrix needs on the GPU machine (which has no Java and no registry)
# into conformance-tests/target/device (git-ignored, about 32 MiB): a jlink'd Java 25, the kit and
# the plugins' jars (CUDA natives slimmed to cudart/cublas/nvrtc), and run-kit.sh. Then make the
# `run` call it prints. Needs ./railyard to have built distribution/target/lib.
set -euo pipefail
root=$(git rev-parse --show-toplevel)
cd "$root"
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
mvn -q -B -o package -DskipTests -pl conformance-tests
L=distribution/target/lib
D=conformance-tests/target/device
[ -d "$L" ] || { echo "run ./railyard --help first (it builds $L)" >&2; exit 1; }
rm -rf "$D" && mkdir -p "$D/lib"
for j in railyard-spi railyard-host railyard-scheduler-plugins railyard-backend-cpu-reference railyard-backend-tensorrt javacpp \
         jackson-core jackson-databind jackson-annotations picocli slf4j-api junit-jupiter-api opentest4j apiguardian cuda-13; do
  cp $L/$j*.jar "$D/lib/"
done
rm -f "$D"/lib/cuda-*-linux-x86_64.jar
cp conformance-tests/target/railyard-conformance-tests-*.jar "$D/lib/"
natjar=$(ls $L/cuda-*-linux-x86_64.jar)
tmpd=$(mktemp -d)
( cd "$tmpd" && "$JAVA_HOME/bin/jar" xf "$root/$natjar" \
  && find . -name 'libjni*.so' ! -name 'libjnicudart.so' ! -name 'libjnicublas.so' ! -name 'libjninvrtc.so' -delete \
  && "$JAVA_HOME/bin/jar" cfm "$root/$D/lib/$(basename "$natjar")" META-INF/MANIFEST.MF -C . org -C . META-INF/native-image )
rm -rf "$tmpd"
bash /work/shared/gpu/make-device-jre.sh "$D" >/dev/null 2>&1 || bash ../shared/gpu/make-device-jre.sh "$D" >/dev/null
cat > "$D/run-kit.sh" <<'RUN'
#!/usr/bin/env bash
# On the GPU machine: unpacks the JRE and runs the conformance matrix ("$@": its options).
set -uo pipefail
D=$(cd "$(dirname "$0")" && pwd)
tar xJf "$D/jre25.txz" -C /tmp
export LD_LIBRARY_PATH=/usr/local/cuda/lib64:${LD_LIBRARY_PATH:-}
nvidia-smi -L
cd /tmp
/tmp/jre25/bin/java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC -Xss4m \
  -cp "$D/lib/*" dev.railyard.conformance.cli.ConformanceCommand "$@" --output "$OUT/report" 2>&1 | grep -v "incubator modules"
RUN
chmod +x "$D/run-kit.sh"
echo "packed $D: $(du -sm "$D" | cut -f1) MiB"
echo "run tool call (kind nvidia-h200):"
echo "  command: bash $D/run-kit.sh --backend cuda --scheduler continuous --scheduler speculative --scheduler dynamic --keep-going"
echo "  carry:   [\"$D\"]"

#!/usr/bin/env bash
# Runs ON the GPU machine, from the repository root, with .device/ carried (see run-gpu-check.sh).
#   bash tools/gpu/on-device.sh smoke|full|auto
# smoke: checks only, synchronising after every kernel; full: checks and benchmark;
# auto: smoke, then the benchmark (even when a check failed: its table still says what the
#       kernels do), then the conformance kit's matrix against cuda when .device/kit is packed
#       (report into $OUT/report); one machine start. Exit status: the checks'.
set -uo pipefail
mode=${1:-full}
out=${OUT:-/tmp/railyard-out}
mkdir -p "$out"
t0=$(date +%s)
[ -x /tmp/jre25/bin/java ] || tar xJf .device/jre25.txz -C /tmp
export LD_LIBRARY_PATH=/usr/local/cuda/lib64:${LD_LIBRARY_PATH:-}
java=(/tmp/jre25/bin/java --enable-native-access=ALL-UNNAMED --add-modules=jdk.incubator.vector -Xss4m -XX:+UseParallelGC)
cp=".device/lib/*"
nvidia-smi --query-gpu=name,driver_version,memory.used,memory.total,utilization.gpu,clocks.sm --format=csv 2>&1 | head -3
args=(--golden .device/golden/llama-gqa --work /tmp/railyard-gpu-check)
debug=false
if [ "$mode" = auto ]; then
  bash "$0" smoke
  smoke_rc=$?
  [ "$smoke_rc" = 0 ] || echo "== SMOKE CHECKS FAILED (exit $smoke_rc); running the benchmark anyway"
  bash "$0" bench
  bench_rc=$?
  if [ -d .device/kit ]; then
    echo "== conformance kit against cuda after $(( $(date +%s) - t0 )) s"
    kcp="$(pwd)/.device/lib/*:$(pwd)/.device/kit/*"
    ( cd /tmp && timeout 240 "${java[@]}" -cp "$kcp" dev.railyard.conformance.cli.ConformanceCommand --backend cuda \
        --scheduler continuous --scheduler speculative --scheduler dynamic --keep-going --output "$out/report" >"$out/kit.log" 2>&1
      echo "== kit exit $?" >>"$out/kit.log" )
    grep -v "incubator modules" "$out/kit.log" | tail -30
  fi
  echo "== auto done in $(( $(date +%s) - t0 )) s: smoke exit $smoke_rc, benchmark exit $bench_rc"
  exit "$smoke_rc"
fi
if [ "$mode" = bench ]; then
  args=(--no-checks)
  mode=full
fi
if [ "$mode" = smoke ]; then
  debug=true
  args+=(--no-bench)
else
  if [ ! -f /tmp/tinyllama/config.json ]; then
    echo "== synthesizing tinyllama-1.1b (random bf16 weights) into /tmp/tinyllama"
    "${java[@]}" -cp "$cp" dev.railyard.host.cli.Main model synth --preset tinyllama-1.1b --dtype bfloat16 --out /tmp/tinyllama || exit 1
  fi
  args+=(--tinyllama /tmp/tinyllama)
fi
echo "== GPU checks ($mode) after $(( $(date +%s) - t0 )) s"
"${java[@]}" -Drailyard.cuda.debugSync=$debug -cp "$cp" dev.railyard.backend.cuda.GpuCheckAndBenchmark "${args[@]}"
rc=$?
echo "== done in $(( $(date +%s) - t0 )) s, exit $rc"
exit $rc

package dev.railyard.backend.cpu.bench;

import dev.railyard.backend.cpu.CpuBackendConfig;
import dev.railyard.backend.cpu.CpuReferenceBackend;
import dev.railyard.backend.cpu.CpuReferenceBackendProvider;
import dev.railyard.backend.cpu.Driver;
import dev.railyard.backend.cpu.RandomModel;
import dev.railyard.spi.Clock;
import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.backend.BackendContext;
import dev.railyard.spi.model.DType;
import dev.railyard.spi.model.LoadedModel;
import dev.railyard.spi.model.ModelConfig;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Throughput of the cpu-reference backend on a SmolLM2-135M-shaped model with random weights
 * (generated in memory, float32 and bfloat16), next to what this machine can do (a memory
 * bandwidth probe and an FMA probe, both measured here) and llama.cpp's figures.
 *
 * <p>Run (from the repository root; see {@code backend-cpu-reference/bench-cpu.sh}):
 * <pre>
 *   backend-cpu-reference/bench-cpu.sh [--dtypes f32,bf16] [--threads N] [--quick]
 * </pre>
 */
public final class CpuBackendBenchmark {

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    record Result(DType dtype, long bytesPerToken, double decode1, double decode32, double prefill, double prefillFlops,
                  Peer peer, StepCost batchStep) {
    }

    /**
     * What one decode step of several sequences must do, whatever the implementation: read the
     * weights once and every sequence's float32 K/V, and the multiply-adds (2 FLOPs each).
     */
    record StepCost(int seqs, double meanContext, double weightBytes, double kvBytes, double flops) {

        static StepCost of(ModelConfig c, long weightBytes, int seqs, double meanContext) {
            double matrices = c.numLayers() * layerMultiplyAddsPerToken(c) + (double) c.vocabSize() * c.hiddenSize();
            double attention = (double) c.numLayers() * c.numAttentionHeads() * c.headDim() * 2 * meanContext;
            double kv = (double) seqs * c.numLayers() * 2 * meanContext * c.keyValueDim() * Float.BYTES;
            return new StepCost(seqs, meanContext, weightBytes, kv, 2.0 * seqs * (matrices + attention));
        }

        /** Seconds of memory traffic at {@code bandwidth} bytes/s. */
        double memorySeconds(double bandwidth) {
            return (weightBytes + kvBytes) / bandwidth;
        }

        /** Seconds of arithmetic at {@code peak} FLOP/s. */
        double arithmeticSeconds(double peak) {
            return flops / peak;
        }
    }

    /** llama.cpp (llama-bench / llama-batched-bench, 2 threads) on the peer machine, from /work/shared/peers.md. */
    record Peer(String decode1, String decode32, String prefill) {
    }

    static final Peer PEER_F32 = new Peer("56–64", "205–243", "635–741");
    static final Peer PEER_BF16 = new Peer("107", "478", "950–1,069");
    static final Peer PEER_NONE = new Peer("n/a", "n/a", "n/a");

    int threads = Runtime.getRuntime().availableProcessors();
    List<DType> dtypes = List.of(DType.F32, DType.BF16);
    boolean quick;
    int prefillTokens = 512;
    int decodeSteps = 128;
    int batchSeqs = 32;
    int batchPrompt = 128;

    double bandwidth;
    double fmaPeak;
    final List<Result> results = new ArrayList<>();
    final List<String> notes = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        CpuBackendBenchmark b = new CpuBackendBenchmark();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> b.threads = Integer.parseInt(args[++i]);
                case "--dtypes" -> b.dtypes = Arrays.stream(args[++i].split(",")).map(DType::parse).toList();
                case "--quick" -> {
                    b.quick = true;
                    b.decodeSteps = 32;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; options: --threads N, --dtypes f32,bf16, --quick");
            }
        }
        b.run();
    }

    static void log(String fmt, Object... args) {
        System.out.printf(Locale.ROOT, fmt + "%n", args);
        System.out.flush();
    }

    void run() throws Exception {
        log("cpu-reference benchmark: smollm2-135m shape (vocab 49152, hidden 576, inter 1536, 30 layers, 9/3 heads, tied), random weights");
        log("threads %d, %d float lanes (%s), java %s", threads, F.length(), F.length() == 16 ? "AVX-512" : "vector",
                System.getProperty("java.version"));
        log("probing memory bandwidth (sum of a 1 GiB array, Vector API, %d threads) ...", threads);
        bandwidth = bandwidthProbe(threads);
        log("  %.1f GB/s", bandwidth / 1e9);
        log("probing FMA throughput (%d threads, 12 independent FMA chains each) ...", threads);
        fmaPeak = fmaProbe(threads);
        log("  %.0f GFLOP/s", fmaPeak / 1e9);
        for (DType dt : dtypes) {
            bench(dt);
        }
        printTable();
    }

    void bench(DType dtype) throws InterruptedException {
        RandomModel spec = RandomModel.smollm2_135m(dtype);
        log("");
        log("[%s] generating %s weights in memory ...", dtype, dtype);
        long t0 = System.nanoTime();
        LoadedModel model = spec.build();
        ModelConfig c = model.config();
        long weightBytes = model.weights().totalBytes();
        log("  %.0f MB in %.1f s", weightBytes / 1e6, (System.nanoTime() - t0) / 1e9);
        int blocks = (batchSeqs * (batchPrompt + decodeSteps + 16) + prefillTokens + decodeSteps + 64) / 16 + 8;
        CpuBackendConfig cfg = new CpuBackendConfig();
        cfg.threads = threads;
        try (Backend backend = new CpuReferenceBackendProvider().open(model, cfg,
                new BackendContext(Clock.system(), 16, blocks, 0, s -> log("  %s", s)))) {
            long bytesPerToken = ((CpuReferenceBackend) backend).weightBytesPerToken();
            long kvBytes = ((CpuReferenceBackend) backend).kvPoolBytes();
            long packedBytes = ((CpuReferenceBackend) backend).packedWeightBytes();
            SplittableRandom rnd = new SplittableRandom(1);

            log("[%s] warm-up (JIT) ...", dtype);
            warmUp(backend, rnd);

            log("[%s] prefill of a %d-token prompt ...", dtype, prefillTokens);
            double prefillSeconds = Double.MAX_VALUE;
            for (int rep = 0; rep < (quick ? 2 : 4); rep++) {
                Driver d = Driver.sequential(backend);
                Driver.Seq s = d.newSequence();
                int[] prompt = randomTokens(rnd, prefillTokens, c.vocabSize());
                long a = System.nanoTime();
                d.step(List.of(Driver.Chunk.last(s, prompt)));
                double sec = (System.nanoTime() - a) / 1e9;
                log("  %.3f s (%.0f tokens/s)", sec, prefillTokens / sec);
                prefillSeconds = Math.min(prefillSeconds, sec);
                s.release();
            }
            fmaPeak = Math.max(fmaPeak, fmaProbe(threads));
            double prefillFlops = prefillFlops(c, prefillTokens);

            log("[%s] decode of 1 sequence, %d tokens (best of %d runs) ...", dtype, decodeSteps, quick ? 2 : 3);
            double decode1 = 0;
            for (int rep = 0; rep < (quick ? 2 : 3); rep++) {
                decode1 = Math.max(decode1, decode(backend, rnd, 1, 16, decodeSteps, c.vocabSize()));
            }
            bandwidth = Math.max(bandwidth, bandwidthProbe(threads));

            log("[%s] verification-sized steps: 1 sequence, %d tokens per step with logits at each (speculative decoding, k = %d) ...",
                    dtype, VERIFY_TOKENS, VERIFY_TOKENS - 1);
            double verifyMs = Double.MAX_VALUE;
            for (int rep = 0; rep < (quick ? 2 : 3); rep++) {
                verifyMs = Math.min(verifyMs, verifySteps(backend, rnd, 16, decodeSteps / 2, c.vocabSize()));
            }
            double stepMs = 1e3 / decode1;
            notes.add(String.format(Locale.ROOT, "%s: a step of %d tokens of one sequence (verifying %d draft tokens) takes %.1f ms,"
                    + " %.2f x the %.1f ms of a 1-token step: the weights are read once for all %d tokens",
                    dtype, VERIFY_TOKENS, VERIFY_TOKENS - 1, verifyMs, verifyMs / stepMs, stepMs, VERIFY_TOKENS));

            log("[%s] decode of %d sequences together (prompts of %d), %d steps (best of %d runs) ...", dtype, batchSeqs,
                    batchPrompt, decodeSteps, quick ? 1 : 2);
            double decode32 = 0;
            for (int rep = 0; rep < (quick ? 1 : 2); rep++) {
                decode32 = Math.max(decode32, decode(backend, rnd, batchSeqs, batchPrompt, decodeSteps, c.vocabSize()));
            }
            System.gc();
            long rss = rssBytes();
            java.lang.management.MemoryUsage heap = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();

            Peer peer = switch (dtype) {
                case F32 -> PEER_F32;
                case BF16 -> PEER_BF16;
                default -> PEER_NONE;
            };
            results.add(new Result(dtype, bytesPerToken, decode1, decode32, prefillTokens / prefillSeconds,
                    prefillFlops / prefillSeconds, peer,
                    StepCost.of(c, bytesPerToken, batchSeqs, batchPrompt + (decodeSteps + 1) / 2.0)));
            notes.add(String.format(Locale.ROOT, "%s: resident memory (VmRSS) %.0f MB = packed weights %.0f MB"
                            + " + the generated source weights %.0f MB (in this process's memory; a memory-mapped checkpoint's pages are"
                            + " given back after packing) + KV pool %.0f MB (%d blocks of 16) + the rest %.0f MB (Java heap: %.0f MB"
                            + " committed, %.0f MB live; JVM code and metadata; per-step scratch)",
                    dtype, rss / 1e6, packedBytes / 1e6, weightBytes / 1e6, kvBytes / 1e6, blocks,
                    (rss - packedBytes - weightBytes - kvBytes) / 1e6, heap.getCommitted() / 1e6, heap.getUsed() / 1e6));
        } finally {
            model.weights().close();
        }
    }

    void warmUp(Backend backend, SplittableRandom rnd) {
        int vocab = backend.info().vocabSize();
        for (int rep = 0; rep < (quick ? 2 : 4); rep++) {
            Driver d = Driver.sequential(backend);
            Driver.Seq s = d.newSequence();
            d.step(List.of(Driver.Chunk.last(s, randomTokens(rnd, 100, vocab))));
            for (int i = 0; i < 20; i++) {
                d.step(List.of(Driver.Chunk.last(s, rnd.nextInt(vocab))));
            }
            List<Driver.Seq> many = new ArrayList<>();
            List<Driver.Chunk> chunks = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Driver.Seq m = d.newSequence();
                many.add(m);
                chunks.add(Driver.Chunk.last(m, randomTokens(rnd, 8, vocab)));
            }
            d.step(chunks);
            for (int i = 0; i < 10; i++) {
                List<Driver.Chunk> step = new ArrayList<>();
                for (Driver.Seq m : many) {
                    step.add(Driver.Chunk.last(m, rnd.nextInt(vocab)));
                }
                d.step(step);
            }
        }
    }

    /** Tokens per verification-sized step: one pending token plus k = 4 draft tokens. */
    static final int VERIFY_TOKENS = 5;

    /** Prefills one prompt, then runs {@code steps} steps of {@link #VERIFY_TOKENS} tokens with logits at each; returns ms per step. */
    double verifySteps(Backend backend, SplittableRandom rnd, int prompt, int steps, int vocab) {
        Driver d = Driver.sequential(backend);
        Driver.Seq s = d.newSequence();
        d.step(List.of(Driver.Chunk.last(s, randomTokens(rnd, prompt, vocab))));
        int[] all = new int[VERIFY_TOKENS];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        long a = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            d.step(List.of(new Driver.Chunk(s, randomTokens(rnd, VERIFY_TOKENS, vocab), all)));
        }
        double ms = (System.nanoTime() - a) / 1e6 / steps;
        log("  %.2f ms per step (%d tokens)", ms, VERIFY_TOKENS);
        s.release();
        return ms;
    }

    /** Prefills {@code seqs} prompts, then decodes {@code steps} tokens for all; returns generated tokens/s. */
    double decode(Backend backend, SplittableRandom rnd, int seqs, int prompt, int steps, int vocab) {
        Driver d = Driver.sequential(backend);
        List<Driver.Seq> all = new ArrayList<>();
        List<Driver.Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < seqs; i++) {
            Driver.Seq s = d.newSequence();
            all.add(s);
            chunks.add(Driver.Chunk.last(s, randomTokens(rnd, prompt, vocab)));
        }
        for (int i = 0; i < chunks.size(); i += 8) {
            d.step(chunks.subList(i, Math.min(chunks.size(), i + 8)));
        }
        long a = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            List<Driver.Chunk> step = new ArrayList<>(seqs);
            for (Driver.Seq s : all) {
                step.add(Driver.Chunk.last(s, rnd.nextInt(vocab)));
            }
            d.step(step);
        }
        double sec = (System.nanoTime() - a) / 1e9;
        double tps = (double) seqs * steps / sec;
        log("  %.3f s, %.1f tokens/s (%.1f ms per step)", sec, tps, 1e3 * sec / steps);
        all.forEach(Driver.Seq::release);
        return tps;
    }

    /** Multiply-adds of a prefill, counted as 2 FLOPs: projections, attention (causal) and one output-head row. */
    static double prefillFlops(ModelConfig c, int n) {
        double attention = (double) c.numAttentionHeads() * c.headDim() * 2 * ((double) n * (n + 1) / 2);
        double layers = c.numLayers() * (n * layerMultiplyAddsPerToken(c) + attention);
        return 2 * (layers + (double) c.vocabSize() * c.hiddenSize());
    }

    /** Multiply-adds of one token through one layer's projections: q and o, k and v, gate, up and down. */
    static double layerMultiplyAddsPerToken(ModelConfig c) {
        double h = c.hiddenSize();
        return h * c.queryDim() * 2 + 2 * h * c.keyValueDim() + 3 * h * c.intermediateSize();
    }

    static int[] randomTokens(SplittableRandom rnd, int n, int vocab) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = rnd.nextInt(vocab);
        }
        return t;
    }

    static String fmt(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    void printTable() {
        List<String[]> rows = new ArrayList<>();
        for (Result r : results) {
            String dt = r.dtype().toString();
            double ceiling = bandwidth / r.bytesPerToken();
            rows.add(new String[] {dt, "decode, 1 sequence (tokens/s)", fmt(r.decode1()),
                    String.format(Locale.ROOT, "ceiling %.1f (%.0f MB/token at %.1f GB/s): %.0f%% of it; goal >= 60%%",
                            ceiling, r.bytesPerToken() / 1e6, bandwidth / 1e9, 100 * r.decode1() / ceiling),
                    r.decode1() >= 0.6 * ceiling ? "met" : "NOT met", r.peer().decode1()});
            rows.add(new String[] {dt, "decode, " + batchSeqs + " sequences (tokens/s)", fmt(r.decode32()),
                    String.format(Locale.ROOT, "goal >= 12 x 1-sequence = %.0f; reached %.1f x", 12 * r.decode1(),
                            r.decode32() / r.decode1()),
                    r.decode32() >= 12 * r.decode1() ? "met" : "NOT met", r.peer().decode32()});
            rows.add(new String[] {dt, "prefill, " + prefillTokens + " tokens (tokens/s)", fmt(r.prefill()),
                    String.format(Locale.ROOT, "%.0f GFLOP/s = %.0f%% of the %.0f GFLOP/s FMA peak", r.prefillFlops() / 1e9,
                            100 * r.prefillFlops() / fmaPeak, fmaPeak / 1e9),
                    "-", r.peer().prefill()});
        }
        log("");
        log("== cpu-reference on smollm2-135m (random weights), %d threads; machine: %.1f GB/s read bandwidth, %.0f GFLOP/s FMA peak (probes, best of the run) ==",
                threads, bandwidth / 1e9, fmaPeak / 1e9);
        String[] head = {"weights", "figure", "measured (best)", "ceiling / goal", "goal", "llama.cpp (peer)"};
        int[] w = new int[head.length];
        for (int i = 0; i < head.length; i++) {
            w[i] = head[i].length();
            for (String[] r : rows) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        StringBuilder sep = new StringBuilder("|");
        for (int x : w) {
            sep.append("-".repeat(x + 2)).append("|");
        }
        log("%s", line(head, w));
        log("%s", sep);
        for (String[] r : rows) {
            log("%s", line(r, w));
        }
        for (String n : notes) {
            log("%s", n);
        }
        for (Result r : results) {
            log("%s", batchStepNote(r));
        }
        log("llama.cpp figures: llama-bench / llama-batched-bench with 2 threads on the peer machine (AMD EPYC, ~50 GB/s), from /work/shared/peers.md.");
        log("The machine is shared: figures are the best of a few runs; probes too (best = least disturbed).");
    }

    /**
     * Puts the measured batched step next to what the machine allows: its memory traffic at the
     * probed bandwidth and its arithmetic at the probed FMA peak, overlapped or not.
     */
    String batchStepNote(Result r) {
        StepCost s = r.batchStep();
        double memMs = 1e3 * s.memorySeconds(bandwidth);
        double mathMs = 1e3 * s.arithmeticSeconds(fmaPeak);
        double stepMs = 1e3 * s.seqs() / r.decode32();
        double goalMs = 1e3 * s.seqs() / (12 * r.decode1());
        return String.format(Locale.ROOT, "%s: a step of %d sequences (mean context %.0f) reads %.0f MB of weights and %.0f MB of K/V"
                        + " and does %.1f GFLOP: %.1f ms of memory traffic at %.1f GB/s plus %.1f ms of arithmetic at %.0f GFLOP/s"
                        + " = %.1f ms (%.1f ms if they overlapped fully); measured %.1f ms; the 12 x goal needs %.1f ms",
                r.dtype(), s.seqs(), s.meanContext(), s.weightBytes() / 1e6, s.kvBytes() / 1e6, s.flops() / 1e9, memMs,
                bandwidth / 1e9, mathMs, fmaPeak / 1e9, memMs + mathMs, Math.max(memMs, mathMs), stepMs, goalMs);
    }

    static String line(String[] cells, int[] w) {
        StringBuilder b = new StringBuilder("|");
        for (int i = 0; i < cells.length; i++) {
            b.append(' ').append(cells[i]).append(" ".repeat(w[i] - cells[i].length())).append(" |");
        }
        return b.toString();
    }

    static long rssBytes() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    // ---- probes ---------------------------------------------------------------------------

    static double bandwidthProbe(int threads) throws InterruptedException {
        long bytes = 1L << 30;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment seg = arena.allocate(bytes, 4096);
            seg.fill((byte) 1);
            double best = 0;
            for (int rep = 0; rep < 6; rep++) {
                Thread[] ts = new Thread[threads];
                long a = System.nanoTime();
                for (int i = 0; i < threads; i++) {
                    long from = bytes / threads * i;
                    long to = i == threads - 1 ? bytes : bytes / threads * (i + 1);
                    ts[i] = new Thread(() -> sink(sum(seg, from, to)));
                    ts[i].start();
                }
                for (Thread t : ts) {
                    t.join();
                }
                best = Math.max(best, bytes / ((System.nanoTime() - a) / 1e9));
            }
            return best;
        }
    }

    static volatile float sinkValue;

    static void sink(float v) {
        sinkValue = v;
    }

    static float sum(MemorySegment s, long from, long to) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        long step = F.vectorByteSize();
        long o = from;
        for (; o + 4 * step <= to; o += 4 * step) {
            a0 = a0.add(FloatVector.fromMemorySegment(F, s, o, ByteOrder.LITTLE_ENDIAN));
            a1 = a1.add(FloatVector.fromMemorySegment(F, s, o + step, ByteOrder.LITTLE_ENDIAN));
            a2 = a2.add(FloatVector.fromMemorySegment(F, s, o + 2 * step, ByteOrder.LITTLE_ENDIAN));
            a3 = a3.add(FloatVector.fromMemorySegment(F, s, o + 3 * step, ByteOrder.LITTLE_ENDIAN));
        }
        return a0.add(a1).add(a2).add(a3).lane(0) + (o < to ? s.get(ValueLayout.JAVA_BYTE, o) : 0);
    }

    static double fmaProbe(int threads) throws InterruptedException {
        long iters = 20_000_000;
        double best = 0;
        for (int rep = 0; rep < 6; rep++) {
            Thread[] ts = new Thread[threads];
            long a = System.nanoTime();
            for (int i = 0; i < threads; i++) {
                ts[i] = new Thread(() -> sink(fmaChains(iters)));
                ts[i].start();
            }
            for (Thread t : ts) {
                t.join();
            }
            double flops = 2.0 * F.length() * 12 * iters * threads;
            best = Math.max(best, flops / ((System.nanoTime() - a) / 1e9));
        }
        return best;
    }

    static float fmaChains(long iters) {
        FloatVector a0 = FloatVector.broadcast(F, 1f);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        FloatVector a8 = a0;
        FloatVector a9 = a0;
        FloatVector a10 = a0;
        FloatVector a11 = a0;
        FloatVector m = FloatVector.broadcast(F, 0.999f);
        FloatVector c = FloatVector.broadcast(F, 0.001f);
        for (long i = 0; i < iters; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
            a8 = a8.fma(m, c);
            a9 = a9.fma(m, c);
            a10 = a10.fma(m, c);
            a11 = a11.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11).lane(0);
    }
}

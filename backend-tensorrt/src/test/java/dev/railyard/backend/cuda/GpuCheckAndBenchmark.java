package dev.railyard.backend.cuda;

import static org.bytedeco.cuda.global.cudart.*;

import dev.railyard.host.model.ModelLoader;
import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.backend.Logits;
import dev.railyard.spi.model.LoadedModel;
import dev.railyard.spi.model.ModelConfig;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.bytedeco.cuda.cudart.CUevent_st;
import org.bytedeco.cuda.cudart.CUstream_st;

/**
 * The on-device check and benchmark (run by {@code tools/gpu/on-device.sh}):
 *
 * <pre>
 * java ... dev.railyard.backend.cuda.GpuCheckAndBenchmark --golden DIR --work DIR [--tinyllama DIR] [--no-bench]
 * </pre>
 *
 * Runs {@link GpuChecks} (golden model, random models), then on the TinyLlama-shaped model measures
 * the device-to-device copy bandwidth, the bf16 GEMM peak, decode at batch 1 and 128 and a 2048-token
 * prefill, and prints a table last. Exit status 1 when a check failed.
 */
public final class GpuCheckAndBenchmark {

    private GpuCheckAndBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path golden = null;
        Path work = Path.of("/tmp/railyard-gpu-check");
        Path tiny = null;
        boolean bench = true;
        boolean checks = true;
        boolean dryRun = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--golden" -> golden = Path.of(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                case "--tinyllama" -> tiny = Path.of(args[++i]);
                case "--no-bench" -> bench = false;
                case "--no-checks" -> checks = false;
                case "--dry-run-on-cpu" -> dryRun = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        CudaAvailability.Result av = CudaAvailability.check();
        System.out.println("CUDA: " + av.reason());
        if (!av.available() && !dryRun) {
            System.exit(2);
        }
        Files.createDirectories(work);
        GpuChecks gc = new GpuChecks(System.out);
        gc.dryRunOnCpu = dryRun;
        if (dryRun) {
            bench = false;
        }
        long t0 = System.nanoTime();
        if (checks) {
            Path g = golden;
            Path wk = work;
            if (g != null) {
                run("golden", () -> gc.golden(g), gc);
            }
            run("random models", () -> gc.randomModels(wk), gc);
            System.out.printf(Locale.ROOT, "checks took %.1f s%n", (System.nanoTime() - t0) / 1e9);
        }
        List<String[]> table = new ArrayList<>();
        if (bench && tiny != null) {
            try {
                table = benchmark(tiny);
            } catch (RuntimeException e) {
                e.printStackTrace(System.out);
                table.add(new String[] {"benchmark", "FAILED: " + e.getMessage(), "", ""});
            }
        }
        System.out.println();
        System.out.println("== checks ==");
        for (GpuChecks.Outcome o : gc.outcomes) {
            System.out.printf(Locale.ROOT, "%-4s %-44s %s%n", o.pass() ? "PASS" : "FAIL", o.name(), o.detail());
        }
        if (!table.isEmpty()) {
            System.out.println();
            System.out.println("== benchmark: TinyLlama-1.1B shape, random bf16 weights, " + deviceName + " ==");
            printTable(table);
        }
        System.out.println(gc.allPassed() ? "ALL CHECKS PASSED" : "SOME CHECKS FAILED");
        System.exit(gc.allPassed() ? 0 : 1);
    }

    private interface Body {
        void run() throws Exception;
    }

    private static void run(String what, Body b, GpuChecks gc) {
        try {
            b.run();
        } catch (Throwable t) {
            System.out.println("CHECK " + what + " crashed:");
            t.printStackTrace(System.out);
            gc.outcomes.add(new GpuChecks.Outcome(what, false, "crashed: " + t));
        }
    }

    private static String deviceName = "";

    // ------------------------------------------------------------------------------------------

    private static List<String[]> benchmark(Path dir) {
        List<String[]> rows = new ArrayList<>();
        LoadedModel model = ModelLoader.load(dir, s -> System.err.println("  " + s));
        ModelConfig c = model.config();
        int numBlocks = 4096;
        long tOpen = System.nanoTime();
        CudaBackend b = (CudaBackend) GpuChecks.openCuda(model, numBlocks, 8192, true);
        System.out.printf(Locale.ROOT, "opened tinyllama on %s in %.1f s%n", b.info().device(), (System.nanoTime() - tOpen) / 1e9);
        deviceName = b.info().device();
        try {
            CUstream_st stream = b.stream();
            double bw = copyBandwidth(stream);
            double peak = gemmPeak(b.dense(), stream);
            System.out.println(b.decodeReport());
            long weightBytes = deviceWeightBytes(c);
            double ceiling1 = bw * 1e9 / weightBytes;
            rows.add(new String[] {"device-to-device copy (1 GiB, read+write)", f0(bw) + " GB/s", "3,780 GB/s (PyTorch, shared notes)", ""});
            rows.add(new String[] {"bf16 GEMM 8192^3 (cublasGemmEx)", f0(peak) + " TFLOP/s", "790 TFLOP/s (workplace)", ""});

            Random rnd = new Random(1);
            StepDriver d = new StepDriver(GpuChecks.BLOCK, numBlocks, 3);
            // batch 1 decode: tuned decode kernels (default), eager, without programmatic launch, the GEMM path
            // (before the decode kernels), every part in the decode kernels; the headline is the better of two default runs
            double tps1 = decode(b, d, rnd, 1, 128, 512, true, true);
            double tps1e = decode(b, d, rnd, 1, 128, 32, false, false);
            boolean pdl = b.programmaticLaunch();
            b.setProgrammaticLaunch(false);
            double tps1nopdl = decode(b, d, rnd, 1, 128, 256, true, false);
            b.setProgrammaticLaunch(pdl);
            b.setDecodeMode("off");
            double tps1off = decode(b, d, rnd, 1, 128, 256, true, true);
            b.setDecodeMode("on");
            double tps1on = decode(b, d, rnd, 1, 128, 256, true, false);
            b.setDecodeMode("auto");
            // the same with small-batch attention in the previous kernel (a warp per 32 keys), for comparison
            boolean latencyAttention = b.latencyAttention();
            b.setLatencyAttention(false);
            double tps1warp = decode(b, d, rnd, 1, 128, 256, true, false);
            b.setLatencyAttention(true);
            double tps1again = decode(b, d, rnd, 1, 128, 512, true, false);
            double best1 = Math.max(tps1, tps1again);
            rows.add(new String[] {"decode, batch 1 (128-token prompt, CUDA graph)", f0(best1) + " tok/s (" + f2(1e3 / best1) + " ms/step)",
                    String.format(Locale.ROOT, "ceiling %s tok/s (%s GB / copy bw); goal >= 50%%: %s%%", f0(ceiling1),
                            String.format(Locale.ROOT, "%.2f", weightBytes / 1e9), f0(100 * best1 / ceiling1)),
                    "HF generate: 16.5"});
            rows.add(new String[] {"decode, batch 1, the two default runs", f0(tps1) + " and " + f0(tps1again) + " tok/s", "", ""});
            rows.add(new String[] {"decode, batch 1, eager (no graph)", f0(tps1e) + " tok/s", f0(100 * tps1e / ceiling1) + "% of ceiling", ""});
            rows.add(new String[] {"decode, batch 1, graph, no programmatic launch", f0(tps1nopdl) + " tok/s",
                    f0(100 * tps1nopdl / ceiling1) + "% of ceiling", ""});
            rows.add(new String[] {"decode, batch 1, graph, GEMM path (decode-kernels off)", f0(tps1off) + " tok/s",
                    f0(100 * tps1off / ceiling1) + "% of ceiling", ""});
            rows.add(new String[] {"decode, batch 1, graph, every part in decode kernels (on)", f0(tps1on) + " tok/s",
                    f0(100 * tps1on / ceiling1) + "% of ceiling", ""});
            if (latencyAttention) {
                rows.add(new String[] {"decode, batch 1, graph, attention in the warp kernel (before)", f0(tps1warp) + " tok/s",
                        f0(100 * tps1warp / ceiling1) + "% of ceiling", ""});
            }
            // batch 8 decode: tuned against the GEMM path
            double tps8 = decode(b, d, rnd, 8, 128, 128, true, false);
            b.setDecodeMode("off");
            double tps8off = decode(b, d, rnd, 8, 128, 128, true, false);
            b.setDecodeMode("auto");
            rows.add(new String[] {"decode, 8 sequences, CUDA graph", f0(tps8) + " tok/s", "GEMM path (off): " + f0(tps8off) + " tok/s", ""});
            // batch 128 decode
            double tps128 = decode(b, d, rnd, 128, 128, 128, true, true);
            rows.add(new String[] {"decode, 128 sequences (128-token prompts)", f0(tps128) + " tok/s", "goal >= 10,000 tok/s",
                    "HF generate b128: 1,695; generate_batch: 1,204"});
            // prefill 2048
            double[] pf = prefill(b, d, rnd, 2048, c);
            rows.add(new String[] {"prefill, 2048-token prompt", String.format(Locale.ROOT, "%.2f ms, %s tok/s, %s TFLOP/s", pf[0],
                    f0(2048 / (pf[0] / 1e3)), f0(pf[1])),
                    String.format(Locale.ROOT, "goal >= 40%% of %s TFLOP/s: %s%%", f0(peak), f0(100 * pf[1] / peak)),
                    ""});
        } finally {
            b.close();
            model.weights().close();
        }
        return rows;
    }

    private static long deviceWeightBytes(ModelConfig c) {
        return 2 * c.parameterCount();
    }

    /** Prefills {@code seqs} sequences of {@code prompt} tokens, then times {@code steps} decode steps of all of them. */
    private static double decode(CudaBackend b, StepDriver d, Random rnd, int seqs, int prompt, int steps, boolean graphs,
                                 boolean profile) {
        int vocab = b.info().vocabSize();
        List<StepDriver.Seq> ss = new ArrayList<>();
        for (int i = 0; i < seqs; i++) {
            ss.add(d.newSeq());
        }
        int maxTok = b.info().maxTokensPerStep();
        int[] next = new int[seqs];
        for (int i0 = 0; i0 < seqs; ) {
            StepDriver.Step st = d.step();
            int n = 0;
            int first = i0;
            while (i0 < seqs && n + prompt <= maxTok) {
                st.add(ss.get(i0), StepDriver.randomTokens(rnd, prompt, vocab), prompt - 1);
                n += prompt;
                i0++;
            }
            Logits lg = b.execute(st.batch());
            for (int r = 0; r < lg.rows(); r++) {
                next[first + r] = StepDriver.argmax(lg.data(), lg.rowOffset(r), vocab);
            }
            st.commit();
        }
        b.setGraphsEnabled(graphs);
        int warm = 4;
        long start = 0;
        for (int k = 0; k < warm + steps; k++) {
            if (k == warm) {
                start = System.nanoTime();
            }
            StepDriver.Step st = d.step();
            for (int i = 0; i < seqs; i++) {
                st.add(ss.get(i), new int[] {next[i]}, 0);
            }
            Logits lg = b.execute(st.batch());
            for (int i = 0; i < seqs; i++) {
                next[i] = StepDriver.argmax(lg.data(), lg.rowOffset(i), vocab);
            }
            st.commit();
        }
        double sec = (System.nanoTime() - start) / 1e9;
        if (profile) {
            StepDriver.Step st = d.step();
            for (int i = 0; i < seqs; i++) {
                st.add(ss.get(i), new int[] {next[i]}, 0);
            }
            printProfile("decode batch " + seqs + " (decode kernels " + b.decodeMode() + ")", b.profile(st.batch()));
            st.commit();
        }
        b.setGraphsEnabled(true);
        for (StepDriver.Seq s : ss) {
            d.release(s);
        }
        double tps = (double) seqs * steps / sec;
        System.out.printf(Locale.ROOT, "decode batch %d (%s, decode kernels %s): %d steps in %.3f s = %.3f ms/step, %.0f tok/s%s%n", seqs,
                graphs ? "graphs" : "eager", b.decodeMode(), steps, sec, sec * 1e3 / steps, tps,
                graphs ? ", " + b.graphNodes(CudaBackend.bucket(seqs)) + " graph nodes per step" : "");
        return tps;
    }

    /** {ms per prefill, model TFLOP/s} for one prompt of {@code n} tokens (median of 5 after a warm-up). */
    private static double[] prefill(CudaBackend b, StepDriver d, Random rnd, int n, ModelConfig c) {
        int vocab = b.info().vocabSize();
        double[] ms = new double[5];
        for (int k = -1; k < ms.length; k++) {
            StepDriver.Seq s = d.newSeq();
            StepDriver.Step st = d.step().add(s, StepDriver.randomTokens(rnd, n, vocab), n - 1);
            var batch = st.batch();
            long t0 = System.nanoTime();
            b.execute(batch);
            double t = (System.nanoTime() - t0) / 1e6;
            if (k >= 0) {
                ms[k] = t;
            }
            st.commit();
            d.release(s);
        }
        Arrays.sort(ms);
        double med = ms[ms.length / 2];
        StepDriver.Seq ps = d.newSeq();
        StepDriver.Step pst = d.step().add(ps, StepDriver.randomTokens(rnd, n, vocab), n - 1);
        printProfile("prefill " + n, b.profile(pst.batch()));
        pst.commit();
        d.release(ps);
        long h = c.hiddenSize();
        long linear = c.numLayers() * (h * (c.queryDim() + 2L * c.keyValueDim()) + (long) c.queryDim() * h
                + 3L * h * c.intermediateSize());
        double flops = 2.0 * linear * n + 2.0 * h * c.vocabSize()
                + c.numLayers() * 4.0 * c.numAttentionHeads() * c.headDim() * ((double) n * (n + 1) / 2);
        double tflops = flops / (med / 1e3) / 1e12;
        System.out.printf(Locale.ROOT, "prefill %d tokens: median %.2f ms of %s, %.0f TFLOP/s (%.2f TFLOP per prefill)%n", n, med,
                Arrays.toString(ms), tflops, flops / 1e12);
        return new double[] {med, tflops};
    }

    private static double copyBandwidth(CUstream_st stream) {
        long bytes = 1L << 30;
        long a = Gpu.malloc(bytes, "bench copy src");
        long bb = Gpu.malloc(bytes, "bench copy dst");
        try {
            Gpu.check(cudaMemset(Gpu.at(a), 1, bytes), "memset");
            CUevent_st e0 = new CUevent_st();
            CUevent_st e1 = new CUevent_st();
            cudaEventCreate(e0);
            cudaEventCreate(e1);
            for (int i = 0; i < 3; i++) {
                Gpu.d2dAsync(bb, a, bytes, stream);
            }
            int reps = 20;
            cudaEventRecord(e0, stream);
            for (int i = 0; i < reps; i++) {
                Gpu.d2dAsync(i % 2 == 0 ? bb : a, i % 2 == 0 ? a : bb, bytes, stream);
            }
            cudaEventRecord(e1, stream);
            Gpu.check(cudaEventSynchronize(e1), "event sync");
            float[] ms = new float[1];
            cudaEventElapsedTime(ms, e0, e1);
            cudaEventDestroy(e0);
            cudaEventDestroy(e1);
            double gbs = 2.0 * bytes * reps / (ms[0] / 1e3) / 1e9;
            System.out.printf(Locale.ROOT, "copy bandwidth: %d x 1 GiB in %.2f ms = %.0f GB/s (read+write)%n", reps, ms[0], gbs);
            return gbs;
        } finally {
            Gpu.free(a);
            Gpu.free(bb);
        }
    }

    private static double gemmPeak(CublasDenseLayers dense, CUstream_st stream) {
        int n = 8192;
        long bytes = (long) n * n * 2;
        long a = Gpu.malloc(bytes, "bench A");
        long bb = Gpu.malloc(bytes, "bench B");
        long cc = Gpu.malloc(bytes, "bench C");
        long stage = Gpu.mallocHost(64L << 20);
        try {
            MemorySegment s = Gpu.hostSegment(stage, 64L << 20);
            Random r = new Random(5);
            for (long i = 0; i < (32L << 20); i++) {
                s.setAtIndex(ValueLayout.JAVA_SHORT, i, DeviceWeights.toBf16((float) r.nextGaussian()));
            }
            for (long off = 0; off < bytes; off += 64L << 20) {
                long m = Math.min(64L << 20, bytes - off);
                Gpu.check(cudaMemcpy(Gpu.at(a + off), Gpu.at(stage), m, cudaMemcpyHostToDevice), "fill A");
                Gpu.check(cudaMemcpy(Gpu.at(bb + off), Gpu.at(stage + 2), m - 2, cudaMemcpyHostToDevice), "fill B");
            }
            CUevent_st e0 = new CUevent_st();
            CUevent_st e1 = new CUevent_st();
            cudaEventCreate(e0);
            cudaEventCreate(e1);
            for (int i = 0; i < 3; i++) {
                dense.rawGemm(a, bb, cc, n, n, n);
            }
            int reps = 10;
            cudaEventRecord(e0, stream);
            for (int i = 0; i < reps; i++) {
                dense.rawGemm(a, bb, cc, n, n, n);
            }
            cudaEventRecord(e1, stream);
            Gpu.check(cudaEventSynchronize(e1), "event sync");
            float[] ms = new float[1];
            cudaEventElapsedTime(ms, e0, e1);
            cudaEventDestroy(e0);
            cudaEventDestroy(e1);
            double tf = 2.0 * n * n * (double) n * reps / (ms[0] / 1e3) / 1e12;
            System.out.printf(Locale.ROOT, "bf16 GEMM %d^3: %d in %.2f ms = %.0f TFLOP/s%n", n, reps, ms[0], tf);
            return tf;
        } finally {
            Gpu.free(a);
            Gpu.free(bb);
            Gpu.free(cc);
            Gpu.freeHost(stage);
        }
    }

    private static void printProfile(String what, java.util.Map<String, Double> p) {
        double total = p.values().stream().mapToDouble(Double::doubleValue).sum();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "profile %s: %.3f ms on the GPU (eager step enqueued behind a spin kernel, CUDA events between stages, summed over layers):",
                what, total));
        p.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%n    %-46s %8.3f ms %5.1f%%", k, v, 100 * v / total)));
        System.out.println(sb);
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String f0(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    private static void printTable(List<String[]> rows) {
        int[] w = new int[4];
        String[] head = {"measure", "measured", "ceiling / goal", "peers (HF transformers 5.17, same H200)"};
        for (String[] r : rows) {
            for (int i = 0; i < 4; i++) {
                w[i] = Math.max(w[i], Math.max(r[i].length(), head[i].length()));
            }
        }
        String fmt = "| %-" + w[0] + "s | %-" + w[1] + "s | %-" + w[2] + "s | %-" + w[3] + "s |%n";
        System.out.printf(fmt, (Object[]) head);
        System.out.printf(fmt, "-".repeat(w[0]), "-".repeat(w[1]), "-".repeat(w[2]), "-".repeat(w[3]));
        for (String[] r : rows) {
            System.out.printf(fmt, (Object[]) r);
        }
    }
}

package dev.railyard.backend.cuda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.host.model.ModelLoader;
import dev.railyard.host.model.ModelSynthesizer;
import dev.railyard.host.model.SynthPresets;
import dev.railyard.host.model.SynthSpec;
import dev.railyard.spi.Clock;
import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.backend.BackendContext;
import dev.railyard.spi.backend.BackendProvider;
import dev.railyard.spi.backend.InvalidStepException;
import dev.railyard.spi.backend.Logits;
import dev.railyard.spi.backend.StepBatch;
import dev.railyard.spi.model.DType;
import dev.railyard.spi.model.LoadedModel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The GPU correctness checks, shared by the JUnit GPU test and the on-device main: the golden
 * llama-gqa model against transformers' logits and greedy tokens (and the cpu-reference backend
 * when it is on the class path), and random synthesized models (GQA, MQA + Qwen2 biases + tied head
 * + llama3 RoPE, attention/MLP biases, f32/bf16/f16 weights) against {@link ReferenceModel} and
 * cpu-reference, through chunked prefill, mixed batches, k+1 verification rows and CUDA-graph
 * decode steps.
 */
final class GpuChecks {

    /** The golden model's own criterion against transformers (stricter than the declared tolerance). */
    static final double TOL = 2e-2;
    static final int BLOCK = 16;

    record Outcome(String name, boolean pass, String detail) {
    }

    private final PrintStream out;
    final List<Outcome> outcomes = new ArrayList<>();
    /** The backend under test: cuda, or cpu-reference to dry-run the checks themselves on a machine without a GPU. */
    boolean dryRunOnCpu;

    private Backend openUnderTest(LoadedModel m, int numBlocks, int maxTokens) {
        if (dryRunOnCpu) {
            Backend b = openCpuReference(m, numBlocks, maxTokens);
            if (b == null) {
                throw new IllegalStateException("cpu-reference is not on the class path");
            }
            return b;
        }
        return openCuda(m, numBlocks, maxTokens, true);
    }

    GpuChecks(PrintStream out) {
        this.out = out;
    }

    boolean allPassed() {
        return outcomes.stream().allMatch(Outcome::pass);
    }

    private void record(String name, boolean pass, String detail) {
        outcomes.add(new Outcome(name, pass, detail));
        out.printf(Locale.ROOT, "CHECK %-44s %s  %s%n", name, pass ? "PASS" : "FAIL", detail);
        out.flush();
    }

    static BackendContext context(int numBlocks, int maxTokens) {
        return new BackendContext(Clock.system(), BLOCK, numBlocks, maxTokens, s -> System.err.println("  " + s));
    }

    static Backend openCuda(LoadedModel m, int numBlocks, int maxTokens, boolean graphs) {
        CudaBackendConfig cfg = new CudaBackendConfig();
        cfg.cudaGraphs = graphs;
        cfg.validate();
        return new CudaBackendProvider().open(m, cfg, context(numBlocks, maxTokens));
    }

    /** The cpu-reference backend through ServiceLoader, or null when it is not on the class path. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static Backend openCpuReference(LoadedModel m, int numBlocks, int maxTokens) {
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (p.name().equals("cpu-reference")) {
                try {
                    Object cfg = p.configType().getConstructor().newInstance();
                    if (cfg instanceof dev.railyard.spi.config.PluginConfig pc) {
                        pc.validate();
                    }
                    return p.open(m, cfg, context(numBlocks, maxTokens));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------
    // golden

    void golden(Path dir) throws IOException {
        JsonNode g = new ObjectMapper().readTree(dir.resolve("golden.json").toFile());
        LoadedModel model = ModelLoader.load(dir);
        try {
            goldenRun(model, g);
        } finally {
            model.weights().close();
        }
    }

    private void goldenRun(LoadedModel model, JsonNode g) {
        int vocab = model.config().vocabSize();
        List<JsonNode> cases = new ArrayList<>();
        g.get("cases").forEach(cases::add);
        Backend cuda = openUnderTest(model, 512, 1024);
        Backend cpu = null;
        try {
            cpu = openCpuReference(model, 512, 1024);
        } catch (RuntimeException e) {
            out.println("note: cpu-reference could not be opened: " + e.getMessage());
        }
        out.println("golden: cuda = " + cuda.info().device() + (cpu == null ? "; cpu-reference not available" : "; with cpu-reference"));
        try {
            Backend[] backends = cpu == null ? new Backend[] {cuda} : new Backend[] {cuda, cpu};
            List<List<int[]>> greedy = new ArrayList<>(); // per backend, per case
            double worstRow = 0;
            String worstWhere = "";
            int rowsChecked = 0;
            List<Map<Integer, float[]>> cudaRows = new ArrayList<>();
            for (int bi = 0; bi < backends.length; bi++) {
                Backend b = backends[bi];
                StepDriver d = new StepDriver(BLOCK, 512, 7 + bi);
                List<StepDriver.Seq> seqs = new ArrayList<>();
                List<Map<Integer, float[]>> rowsByCase = new ArrayList<>();
                for (int ci = 0; ci < cases.size(); ci++) {
                    seqs.add(d.newSeq());
                    rowsByCase.add(new TreeMap<>());
                }
                // prefill: step A has every prompt, the longest only its first 128 tokens; step B the rest (chunked)
                int[][] prompts = new int[cases.size()][];
                for (int ci = 0; ci < cases.size(); ci++) {
                    JsonNode p = cases.get(ci).get("prompt");
                    prompts[ci] = new int[p.size()];
                    for (int i = 0; i < p.size(); i++) {
                        prompts[ci][i] = p.get(i).asInt();
                    }
                }
                int chunk = 128;
                for (int phase = 0; phase < 2; phase++) {
                    StepDriver.Step st = d.step();
                    boolean any = false;
                    for (int ci = 0; ci < cases.size(); ci++) {
                        int[] pr = prompts[ci];
                        int from = phase == 0 ? 0 : Math.min(chunk, pr.length);
                        int to = phase == 0 ? Math.min(chunk, pr.length) : pr.length;
                        if (from >= to) {
                            continue;
                        }
                        List<Integer> rel = new ArrayList<>();
                        Iterator<String> keys = cases.get(ci).get("logits_rows").fieldNames();
                        while (keys.hasNext()) {
                            int pos = Integer.parseInt(keys.next());
                            if (pos >= from && pos < to) {
                                rel.add(pos - from);
                            }
                        }
                        if (pr.length - 1 >= from && pr.length - 1 < to && !rel.contains(pr.length - 1 - from)) {
                            rel.add(pr.length - 1 - from);
                        }
                        st.add(seqs.get(ci), java.util.Arrays.copyOfRange(pr, from, to), rel.stream().mapToInt(Integer::intValue).toArray());
                        any = true;
                    }
                    if (!any) {
                        continue;
                    }
                    Logits lg = b.execute(st.batch());
                    for (int r = 0; r < st.rows.size(); r++) {
                        StepDriver.Row row = st.rows.get(r);
                        rowsByCase.get(seqs.indexOf(row.seq())).put(row.position(), lg.row(r));
                    }
                    st.commit();
                }
                if (bi == 0) {
                    cudaRows.addAll(rowsByCase);
                }
                // greedy, 20 steps, all cases in one batch; on cuda the first step runs eagerly and then through a graph
                List<int[]> gr = new ArrayList<>();
                int[] next = new int[cases.size()];
                for (int ci = 0; ci < cases.size(); ci++) {
                    float[] last = rowsByCase.get(ci).get(prompts[ci].length - 1);
                    next[ci] = StepDriver.argmax(last, 0, vocab);
                    gr.add(new int[20]);
                }
                for (int step = 0; step < 20; step++) {
                    StepDriver.Step st = d.step();
                    for (int ci = 0; ci < cases.size(); ci++) {
                        gr.get(ci)[step] = next[ci];
                        st.add(seqs.get(ci), new int[] {next[ci]}, 0);
                    }
                    StepBatch batch = st.batch();
                    Logits lg;
                    if (bi == 0 && step == 0 && b instanceof CudaBackend cb) {
                        cb.setGraphsEnabled(false);
                        Logits eager = b.execute(batch);
                        float[] e = java.util.Arrays.copyOf(eager.data(), eager.rows() * vocab);
                        cb.setGraphsEnabled(true);
                        lg = b.execute(batch);
                        double worst = 0;
                        for (int r = 0; r < lg.rows(); r++) {
                            double[] ref = new double[vocab];
                            for (int i = 0; i < vocab; i++) {
                                ref[i] = e[r * vocab + i];
                            }
                            worst = Math.max(worst, ReferenceModel.relL2(lg.data(), r * vocab, ref));
                        }
                        record("golden: graph decode == eager decode", worst < 1e-3 && cb.graphCount() > 0,
                                String.format(Locale.ROOT, "max rel L2 %.2e over %d rows, %d graph(s)", worst, lg.rows(), cb.graphCount()));
                    } else {
                        lg = b.execute(batch);
                    }
                    for (int ci = 0; ci < cases.size(); ci++) {
                        next[ci] = StepDriver.argmax(lg.data(), lg.rowOffset(ci), vocab);
                    }
                    st.commit();
                }
                greedy.add(gr);
            }
            // logits rows against transformers
            for (int ci = 0; ci < cases.size(); ci++) {
                JsonNode c = cases.get(ci);
                Map<Integer, double[]> refRows = new TreeMap<>();
                c.get("logits_rows").fields().forEachRemaining(e -> refRows.put(Integer.parseInt(e.getKey()), toDoubles(e.getValue())));
                int lastPos = c.get("prompt").size() - 1;
                refRows.put(lastPos, toDoubles(c.get("last_logits")));
                for (Map.Entry<Integer, double[]> e : refRows.entrySet()) {
                    float[] ours = cudaRows.get(ci).get(e.getKey());
                    double err = ours == null ? Double.POSITIVE_INFINITY : ReferenceModel.relL2(ours, 0, e.getValue());
                    rowsChecked++;
                    if (err > worstRow) {
                        worstRow = err;
                        worstWhere = "case " + ci + " position " + e.getKey();
                    }
                }
            }
            record("golden: logits rows vs transformers", worstRow <= TOL,
                    String.format(Locale.ROOT, "%d rows, max rel L2 %.2e (%s), tolerance %.0e", rowsChecked, worstRow, worstWhere, TOL));
            // greedy tokens
            int compared = 0;
            int matchedGolden = 0;
            int matchedCpu = 0;
            boolean okGolden = true;
            boolean okCpu = true;
            for (int ci = 0; ci < cases.size(); ci++) {
                JsonNode c = cases.get(ci);
                for (int s = 0; s < 20; s++) {
                    if (c.get("step_margins").get(s).asDouble() <= 0.05) {
                        break;
                    }
                    compared++;
                    int ours = greedy.get(0).get(ci)[s];
                    if (ours == c.get("greedy").get(s).asInt()) {
                        matchedGolden++;
                    } else {
                        okGolden = false;
                    }
                    if (greedy.size() > 1) {
                        if (ours == greedy.get(1).get(ci)[s]) {
                            matchedCpu++;
                        } else {
                            okCpu = false;
                        }
                    }
                    if (!okGolden || (greedy.size() > 1 && !okCpu)) {
                        break;
                    }
                }
            }
            record("golden: greedy tokens vs transformers", okGolden,
                    matchedGolden + "/" + compared + " steps equal (first 20 steps, up to the first margin <= 0.05)");
            if (greedy.size() > 1) {
                record("golden: greedy tokens vs cpu-reference", okCpu, matchedCpu + "/" + compared + " steps equal");
            }
            // a malformed step is refused and leaves the backend usable
            try {
                cuda.execute(new StepBatch(new int[] {1}, new int[] {0},
                        List.of(new dev.railyard.spi.backend.SequenceSlice(99, 0, 1, 0, new int[] {100000})), new int[] {0}));
                record("golden: bad block id refused", false, "no exception");
            } catch (InvalidStepException e) {
                record("golden: bad block id refused", true, e.getMessage());
            }
        } finally {
            cuda.close();
            if (cpu != null) {
                cpu.close();
            }
        }
    }

    private static double[] toDoubles(JsonNode a) {
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.get(i).asDouble();
        }
        return d;
    }

    // ------------------------------------------------------------------------------------------
    // random models

    /** Specs of the random models: name and spec. */
    static List<Map.Entry<String, SynthSpec>> randomSpecs() {
        SynthSpec tiny = SynthPresets.byName("tiny");
        List<Map.Entry<String, SynthSpec>> l = new ArrayList<>();
        l.add(Map.entry("llama gqa hd64 f32", tiny.withSizes(512, 256, 512, 2, 4, 2).withDType(DType.F32).withSeed(11)));
        l.add(Map.entry("qwen2 mqa hd32 tied llama3 bf16", tiny.withArchitecture("qwen2").withSizes(512, 256, 384, 2, 8, 1)
                .withTiedEmbeddings(true).withRopeScaling(SynthSpec.LLAMA3_ROPE).withDType(DType.BF16).withSeed(12)));
        l.add(Map.entry("llama biases hd128 f16", tiny.withSizes(512, 256, 320, 2, 2, 2).withAttentionBias(true).withMlpBias(true)
                .withDType(DType.F16).withSeed(13)));
        return l;
    }

    void randomModels(Path work) throws IOException {
        for (Map.Entry<String, SynthSpec> e : randomSpecs()) {
            Path dir = work.resolve(e.getKey().replaceAll("[^a-z0-9]+", "-"));
            if (!Files.exists(dir.resolve("config.json"))) {
                ModelSynthesizer.write(e.getValue(), dir, s -> { });
            }
            LoadedModel m = ModelLoader.load(dir);
            try {
                randomModel(e.getKey(), m);
            } finally {
                m.weights().close();
            }
        }
    }

    /** Runs the mixed scenario on a backend; returns the logits rows in order with their (seq index, position). */
    private static List<Object[]> scenario(Backend b, int vocab, long seed) {
        Random rnd = new Random(seed);
        StepDriver d = new StepDriver(BLOCK, 256, seed);
        StepDriver.Seq a = d.newSeq();
        StepDriver.Seq bb = d.newSeq();
        StepDriver.Seq c = d.newSeq();
        List<StepDriver.Seq> seqs = List.of(a, bb, c);
        int[] ta = StepDriver.randomTokens(rnd, 110, vocab);
        int[] tb = StepDriver.randomTokens(rnd, 20, vocab);
        int[] tc = StepDriver.randomTokens(rnd, 20, vocab);
        List<StepDriver.Step> steps = new ArrayList<>();
        // 1: chunk of A, all of B's prompt, C's one-token prompt
        steps.add(d.step().add(a, sub(ta, 0, 37), 0, 20, 36).add(bb, sub(tb, 0, 5), 4).add(c, sub(tc, 0, 1), 0));
        List<Object[]> rows = new ArrayList<>();
        runSteps(b, steps, seqs, rows);
        // 2: next chunk of A (attends to cached 37), B decodes, C verifies 4 tokens (k+1 rows)
        steps.add(d.step().add(a, sub(ta, 37, 74), 36).add(bb, sub(tb, 5, 6), 0).add(c, sub(tc, 1, 5), 0, 1, 2, 3));
        runSteps(b, steps, seqs, rows);
        // 3: last chunk of A with rows, B and C decode
        steps.add(d.step().add(a, sub(ta, 74, 100), 0, 25).add(bb, sub(tb, 6, 7), 0).add(c, sub(tc, 5, 6), 0));
        runSteps(b, steps, seqs, rows);
        // 4-6: decode steps of all three (CUDA graphs)
        for (int k = 0; k < 3; k++) {
            steps.add(d.step().add(a, sub(ta, 100 + k, 101 + k), 0).add(bb, sub(tb, 7 + k, 8 + k), 0).add(c, sub(tc, 6 + k, 7 + k), 0));
            runSteps(b, steps, seqs, rows);
        }
        // 7: A verifies 3 tokens, B decodes, C is not in the step
        steps.add(d.step().add(a, sub(ta, 103, 106), 0, 1, 2).add(bb, sub(tb, 10, 11), 0));
        runSteps(b, steps, seqs, rows);
        // 8: B decodes alone (1 row), 9: B and C decode (2 rows): the smallest decode buckets
        steps.add(d.step().add(bb, sub(tb, 11, 12), 0));
        runSteps(b, steps, seqs, rows);
        steps.add(d.step().add(bb, sub(tb, 12, 13), 0).add(c, sub(tc, 9, 10), 0));
        runSteps(b, steps, seqs, rows);
        for (Object[] r : rows) {
            StepDriver.Seq s = (StepDriver.Seq) r[0];
            r[0] = seqs.indexOf(s);
            r[3] = s.tokenArray();
        }
        return rows;
    }

    private static void runSteps(Backend b, List<StepDriver.Step> steps, List<StepDriver.Seq> seqs, List<Object[]> rows) {
        StepDriver.Step st = steps.get(steps.size() - 1);
        Logits lg = b.execute(st.batch());
        for (int r = 0; r < st.rows.size(); r++) {
            rows.add(new Object[] {st.rows.get(r).seq(), st.rows.get(r).position(), lg.row(r), null});
        }
        st.commit();
    }

    private static int[] sub(int[] a, int from, int to) {
        return java.util.Arrays.copyOfRange(a, from, to);
    }

    /**
     * The decode-kernel plans the random models run under on cuda: the tuned one, every part in the
     * decode kernels, none (GEMM path), and two mixes (which exercise the bias hand-over between a
     * GEMM product and the fused norm kernels).
     */
    static final List<Map.Entry<String, DecodePlan>> PLANS = List.of(
            Map.entry("auto", DecodePlan.NONE),
            Map.entry("on", DecodePlan.ALL),
            Map.entry("off", DecodePlan.NONE),
            Map.entry("mix A", new DecodePlan(true, false, true, true, false)),
            Map.entry("mix B", new DecodePlan(false, true, false, false, true)));

    private void randomModel(String name, LoadedModel m) {
        int vocab = m.config().vocabSize();
        ReferenceModel ref = new ReferenceModel(m);
        Map<Integer, double[][]> refLogits = new TreeMap<>();
        List<Object[]> firstRows = null;
        try (Backend cuda = openUnderTest(m, 256, 512)) {
            double tol = CudaBackend.LOGITS_TOLERANCE; // the declared tolerance (cpu-reference, in a dry run, declares 0)
            List<Map.Entry<String, DecodePlan>> plans = cuda instanceof CudaBackend ? PLANS : PLANS.subList(0, 1);
            for (Map.Entry<String, DecodePlan> pe : plans) {
                String label = plans.size() > 1 ? " [decode kernels " + pe.getKey() + "]" : "";
                if (cuda instanceof CudaBackend cb) {
                    switch (pe.getKey()) {
                        case "auto", "on", "off" -> cb.setDecodeMode(pe.getKey());
                        default -> cb.setDecodePlan(pe.getValue());
                    }
                    if (pe.getKey().equals("auto")) {
                        out.println(cb.decodeReport());
                    }
                }
                List<Object[]> gpuRows = scenario(cuda, vocab, 5);
                if (firstRows == null) {
                    firstRows = gpuRows;
                }
                double worst = 0;
                String where = "";
                for (Object[] r : gpuRows) {
                    int si = (Integer) r[0];
                    int pos = (Integer) r[1];
                    double[][] all = refLogits.computeIfAbsent(si, k -> ref.logitsAll((int[]) r[3]));
                    double err = ReferenceModel.relL2((float[]) r[2], 0, all[pos]);
                    if (err > worst) {
                        worst = err;
                        where = "seq " + si + " pos " + pos;
                    }
                }
                record("random " + name + label + ": vs float64 reference", worst <= tol,
                        String.format(Locale.ROOT, "%d rows, max rel L2 %.2e (%s), tolerance %.0e", gpuRows.size(), worst, where, tol));
            }
        }
        Backend cpu = null;
        try {
            cpu = openCpuReference(m, 256, 512);
        } catch (RuntimeException e) {
            out.println("note: cpu-reference could not be opened for " + name + ": " + e.getMessage());
        }
        if (cpu != null) {
            List<Object[]> cpuRows;
            double tol = CudaBackend.LOGITS_TOLERANCE;
            try {
                cpuRows = scenario(cpu, vocab, 5);
            } finally {
                cpu.close();
            }
            double w2 = 0;
            for (int i = 0; i < firstRows.size(); i++) {
                float[] c = (float[]) cpuRows.get(i)[2];
                double[] cd = new double[c.length];
                for (int k = 0; k < c.length; k++) {
                    cd[k] = c[k];
                }
                w2 = Math.max(w2, ReferenceModel.relL2((float[]) firstRows.get(i)[2], 0, cd));
            }
            record("random " + name + ": vs cpu-reference", w2 <= tol,
                    String.format(Locale.ROOT, "%d rows, max rel L2 %.2e, tolerance %.0e", firstRows.size(), w2, tol));
        }
    }
}

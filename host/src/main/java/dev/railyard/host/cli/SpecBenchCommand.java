package dev.railyard.host.cli;

import dev.railyard.host.config.RailyardConfig;
import dev.railyard.host.demo.LatencySummary;
import dev.railyard.host.demo.MixedWorkload;
import dev.railyard.host.engine.EngineObserver;
import dev.railyard.host.engine.GenerationRequest;
import dev.railyard.host.engine.GenerationResult;
import dev.railyard.host.engine.StepRecord;
import dev.railyard.host.loadgen.LatencyStats;
import dev.railyard.host.tokenizer.Tokenizer;
import dev.railyard.host.wiring.RailyardHome;
import dev.railyard.host.wiring.RailyardRuntime;
import dev.railyard.host.wiring.RuntimeFactory;
import dev.railyard.spi.Clock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Benchmarks the schedulers against each other on the CPU backend. */
@Command(name = "sched-bench",
        header = "Benchmarks the scheduler plugins on a real backend, each figure next to its goal.", mixinStandardHelpOptions = true,
        description = {
            "Benchmarks the scheduler plugins on a real backend (default: cpu-reference",
            "with the embedded model), one figure next to its goal:",
            "  1. single-request decode tokens/s: continuous vs speculative with the",
            "     ngram drafter (on a repetitive prompt) and with the draft model (on",
            "     held-out code), with acceptance rates (accepted / drafted tokens);",
            "     goal for the draft model: acceptance >= 50%% at k = 4 and a decode",
            "     speed-up >= 1.2x, measured at k = 4, with drafting stopped after a",
            "     token the draft gives less than --confidence-threshold, and at",
            "     --tuned-k (each prompt runs under continuous, the three speculative",
            "     settings, the same backwards and continuous, after a warm-up; the",
            "     verdict takes the median over prompts of the per-prompt speed-up).",
            "     Held-out code is the training distribution's held-out split: this",
            "     machine's Python files (default: the system",
            "     Python, /usr/lib/python3.N and /usr/lib/python3/dist-packages) chosen",
            "     with train.py's filters and content-hash rule, so none can have been",
            "     trained on, cut into 64-token prompts as train.py's acceptance",
            "     simulation cuts them (the repository's own Python when none is",
            "     found). The repository's own Python is measured too, as an",
            "     out-of-distribution row;",
            "  2. dynamic vs continuous on one Poisson workload: throughput, TTFT and",
            "     TPOT p50/p99."
        })
final class SpecBenchCommand implements Callable<Integer> {

    /** Seed of the prompt offsets (train.py's acceptance simulation uses its seed + 7, 1241). */
    static final long PROMPT_SEED = 1241;

    @Option(names = "--backend", defaultValue = "cpu-reference", description = "backend plugin (default: ${DEFAULT-VALUE})")
    String backend;

    @Option(names = "--prompts", defaultValue = "32", description = "held-out code prompts (default: ${DEFAULT-VALUE})")
    int prompts;

    @Option(names = "--prompt-tokens", defaultValue = "64",
            description = "tokens per held-out code prompt, as in train.py (default: ${DEFAULT-VALUE})")
    int promptTokens;

    @Option(names = "--ood-prompts", defaultValue = "8",
            description = "prompts of the repository's own Python, the out-of-distribution row; 0 skips it (default: ${DEFAULT-VALUE})")
    int oodPrompts;

    @Option(names = "--held-out-root", paramLabel = "DIR",
            description = "folder to choose held-out Python from (repeatable; default: /usr/lib/python3.N and /usr/lib/python3/dist-packages)")
    List<Path> heldOutRoots;

    @Option(names = "--max-tokens", defaultValue = "64", description = "tokens per request (default: ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = "-k", defaultValue = "4", description = "draft tokens per step (default: ${DEFAULT-VALUE})")
    int k;

    @Option(names = "--tuned-k", defaultValue = "2",
            description = "draft tokens per step of the last speculative row, tuned to the backend's step costs: on the"
                    + " cpu-reference backend with the embedded models each verified token adds about a quarter of a"
                    + " decode step and each draft token a sixth, so short drafts pay best (default: ${DEFAULT-VALUE})")
    int tunedK;

    @Option(names = "--confidence-threshold", defaultValue = "0.4",
            description = "the draft model's confidence-threshold for the second speculative row: drafting stops after a"
                    + " token the draft gives less than this (default: ${DEFAULT-VALUE}, as Hugging Face's assisted generation)")
    double confidenceThreshold;

    @Option(names = "--skip-workload", description = "skip part 2")
    boolean skipWorkload;

    @Override
    public Integer call() throws Exception {
        Path model = RailyardHome.resolveModel(null, RailyardHome.DEFAULT_MODEL);
        Tokenizer tokenizer = Tokenizer.load(model.resolve("tokenizer.json"));
        int eos = tokenizer.tokenId("<|endoftext|>").orElse(0);
        List<Path> roots = heldOutRoots == null || heldOutRoots.isEmpty() ? HeldOutCode.defaultRoots() : heldOutRoots;
        HeldOutCode.Scan scan = HeldOutCode.scan(roots);
        List<HeldOutCode.SourceFile> held = scan.heldOut();
        List<HeldOutCode.SourceFile> repo = HeldOutCode.repositoryPython(RailyardHome.home());
        int[] heldStream = HeldOutCode.tokenStream(tokenizer, texts(held), eos);
        List<int[]> heldPrompts = HeldOutCode.windows(heldStream, prompts, promptTokens, PROMPT_SEED);
        int[] repoStream = HeldOutCode.tokenStream(tokenizer, texts(repo), eos);
        String rootList = roots.stream().map(Path::toString).collect(Collectors.joining(", "));
        String scanned = String.format("%,d .py files (%,d kept, %,d duplicates, %,d skipped) under %s", scan.found(),
                scan.unique().size(), scan.found() - scan.skipped() - scan.unique().size(), scan.skipped(),
                rootList.isEmpty() ? "(no folder)" : rootList);
        String heldLabel = "held-out code";
        List<int[]> oodPromptList;
        if (!heldPrompts.isEmpty()) {
            System.out.printf("held-out code: %d files (%.2f MB, %,d tokens) in train.py's held-out split of %s;"
                    + " %d prompts of %d tokens%n", held.size(), HeldOutCode.chars(held) / 1e6, heldStream.length, scanned,
                    heldPrompts.size(), promptTokens);
            oodPromptList = HeldOutCode.windows(repoStream, oodPrompts, promptTokens, PROMPT_SEED);
            if (!oodPromptList.isEmpty()) {
                System.out.printf("out-of-distribution code: the repository's own Python, %d files (%.2f MB, %,d tokens);"
                        + " %d prompts of %d tokens%n", repo.size(), HeldOutCode.chars(repo) / 1e6, repoStream.length,
                        oodPromptList.size(), promptTokens);
            }
        } else {
            heldPrompts = HeldOutCode.windows(repoStream, prompts, promptTokens, PROMPT_SEED);
            if (heldPrompts.isEmpty()) {
                throw new UserException("no held-out Python found (" + scanned + ") and no Python in "
                        + RailyardHome.home() + "; give a folder of Python files with --held-out-root");
            }
            heldLabel = "repo code (OOD)";
            oodPromptList = List.of();
            System.out.printf("held-out code: none in train.py's held-out split of %s;%n  falling back to the repository's"
                    + " own Python (out of distribution): %d files (%.2f MB, %,d tokens); %d prompts of %d tokens%n", scanned,
                    repo.size(), HeldOutCode.chars(repo) / 1e6, repoStream.length, heldPrompts.size(), promptTokens);
        }
        System.out.println();

        List<GenerationRequest> repetitive = List.of(request(GenerationRequest.builder().promptText(
                "values = [1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4,")));
        List<GenerationRequest> heldOut = requests(heldPrompts);
        List<GenerationRequest> ood = requests(oodPromptList);
        Path draft = RailyardHome.resolveModel(null, RailyardHome.DEFAULT_DRAFT_MODEL);
        Map<String, Object> draftSettings = Map.of("num-speculative-tokens", k, "draft-model", draft.toString());
        System.out.println("== 1. Single-request decode (greedy, " + maxTokens + " tokens, k = " + k + ") ==");
        TextTable t = new TextTable("scheduler", "prompts", "decode tok/s", "speed-up", "median", "acceptance", "goal");
        Paired rep = compare(Map.of("num-speculative-tokens", k), repetitive);
        t.row("continuous", "repetitive", f1(rep.baseRate()), "1.00x", "1.00x", "-", "");
        t.row("speculative (ngram)", "repetitive", f1(rep.specRate()), String.format("%.2fx", rep.speedUp()),
                String.format("%.2fx", rep.medianSpeedUp()),
                pct(rep.acceptance()), "");
        Map<String, Object> confidentSettings = Map.of("num-speculative-tokens", k, "draft-model", draft.toString(),
                "drafter-config", Map.of("confidence-threshold", confidenceThreshold));
        Map<String, Object> tunedSettings = Map.of("num-speculative-tokens", tunedK, "draft-model", draft.toString());
        List<Paired> heldOutRuns = compare(List.of(draftSettings, confidentSettings, tunedSettings), heldOut);
        Paired code = heldOutRuns.get(0);
        Paired confident = heldOutRuns.get(1);
        Paired tuned = heldOutRuns.get(2);
        String confidentLabel = String.format("speculative (draft, stop < %.0f%%)", 100 * confidenceThreshold);
        String tunedLabel = "speculative (draft, k = " + tunedK + ")";
        t.row("continuous", heldLabel, f1(code.baseRate()), "1.00x", "1.00x", "-", "");
        t.row("speculative (draft model)", heldLabel, f1(code.specRate()), String.format("%.2fx", code.speedUp()),
                String.format("%.2fx", code.medianSpeedUp()),
                pct(code.acceptance()), ">= 50% accepted, >= 1.20x");
        double draftAcc = code.acceptance();
        t.row(confidentLabel, heldLabel, f1(confident.specRate()), String.format("%.2fx", confident.speedUp()),
                String.format("%.2fx", confident.medianSpeedUp()),
                pct(confident.acceptance()), ">= 1.20x");
        t.row(tunedLabel, heldLabel, f1(tuned.specRate()), String.format("%.2fx", tuned.speedUp()),
                String.format("%.2fx", tuned.medianSpeedUp()),
                pct(tuned.acceptance()), ">= 1.20x");
        if (!ood.isEmpty()) {
            Paired o = compare(draftSettings, ood);
            t.row("continuous", "repo code (OOD)", f1(o.baseRate()), "1.00x", "1.00x", "-", "");
            t.row("speculative (draft model)", "repo code (OOD)", f1(o.specRate()), String.format("%.2fx", o.speedUp()),
                String.format("%.2fx", o.medianSpeedUp()),
                    pct(o.acceptance()), "(out of distribution)");
        }
        System.out.print(t);
        System.out.println("where the time of a decode step goes (timed requests; host = scheduling, with drafting):");
        System.out.println(rep.breakdown("repetitive, ngram"));
        System.out.println(code.breakdown(heldLabel + ", draft model"));
        System.out.println(confident.breakdown(heldLabel + ", draft model with the confidence stop"));
        System.out.println(tuned.breakdown(heldLabel + ", draft model at k = " + tunedK));
        System.out.printf("draft model on %s: acceptance at k = %d %s (goal >= 50%%: %s)%n", heldLabel, k, pct(draftAcc),
                draftAcc >= 0.5 ? "met" : "MISSED");
        System.out.printf("single-request decode speed-up over continuous, median over the prompts of each prompt's"
                        + " speed-up (each prompt timed under continuous, the three speculative settings, the same"
                        + " backwards, continuous; the table's 'speed-up' is of the totals, which a few stalls of this"
                        + " shared machine can swing): %.2fx at k = %d, %.2fx with drafting stopped below"
                        + " %.0f%% draft confidence, %.2fx at k = %d (goal >= 1.20x: %s)%n%n",
                code.medianSpeedUp(), k, confident.medianSpeedUp(), 100 * confidenceThreshold, tuned.medianSpeedUp(), tunedK,
                verdict(code, confident, tuned));
        if (!skipWorkload) {
            workload();
        }
        return 0;
    }

    /** "met at ..." naming the settings whose median speed-up reaches 1.2, or "MISSED". */
    private String verdict(Paired code, Paired confident, Paired tuned) {
        Map<String, Double> speedUps = new LinkedHashMap<>();
        speedUps.put("k = " + k, code.medianSpeedUp());
        speedUps.put("the confidence stop", confident.medianSpeedUp());
        speedUps.put("k = " + tunedK, tuned.medianSpeedUp());
        List<String> met = speedUps.entrySet().stream().filter(e -> e.getValue() >= 1.2).map(Map.Entry::getKey).toList();
        return met.isEmpty() ? "MISSED" : "met at " + String.join(", ", met);
    }

    private static List<String> texts(List<HeldOutCode.SourceFile> files) {
        return files.stream().map(HeldOutCode.SourceFile::text).toList();
    }

    private List<GenerationRequest> requests(List<int[]> prompts) {
        List<GenerationRequest> out = new ArrayList<>();
        for (int[] p : prompts) {
            out.add(request(GenerationRequest.builder().promptTokens(p)));
        }
        return out;
    }

    private void workload() throws InterruptedException {
        MixedWorkload w = MixedWorkload.generate(90, 30, 40, 11);
        System.out.println("== 2. dynamic vs continuous on one Poisson workload (90 interactive + 30 batch, 40 req/s) ==");
        TextTable t = new TextTable("scheduler", "throughput", "TTFT p50", "TTFT p99", "TPOT p50", "TPOT p99");
        WorkloadWarmUp.run(w, config("continuous", Map.of()));
        for (String s : List.of("dynamic", "continuous")) {
            try (RailyardRuntime rt = RuntimeFactory.open(config(s, Map.of()), Clock.system(), line -> { })) {
                ProgressLine p = new ProgressLine(System.err, s, w.arrivals().size());
                long t0 = System.nanoTime();
                List<GenerationResult> results = w.run(rt.engine(), p::update);
                LatencySummary sum = LatencySummary.of(results, (System.nanoTime() - t0) / 1e9);
                t.row(s, String.format("%.1f tok/s", sum.outputTokensPerSecond()), ms(sum.ttftP50Ms()), ms(sum.ttftP99Ms()),
                        ms(sum.tpotP50Ms()), ms(sum.tpotP99Ms()));
            }
        }
        System.out.print(t);
    }

    /** Decode rates of one set of prompts under {@code continuous} and under {@code speculative}, and the acceptance rate. */
    record Paired(double baseRate, double specRate, double acceptance, StepTimes baseSteps, StepTimes specSteps,
                  double medianSpeedUp) {
        double speedUp() {
            return specRate / baseRate;
        }

        /** Where the time of each output token went, for both schedulers. */
        String breakdown(String label) {
            return String.format(Locale.ROOT, "  %s: continuous %s; speculative %s; median over prompts of the"
                    + " per-prompt speed-up %.2fx", label, baseSteps, specSteps, medianSpeedUp);
        }
    }

    /** Sums over the timed engine steps: backend time, host time (scheduling, so drafting too), output tokens. */
    static final class StepTimes implements EngineObserver {
        private volatile boolean on;
        private long steps;
        private long backendNanos;
        private long hostNanos;
        private long emitted;
        private long drafted;

        @Override
        public void onStep(StepRecord r) {
            if (on && r.emittedTokens() > 0 && r.prefillTokens() == 0) {
                steps++;
                backendNanos += r.backendNanos();
                hostNanos += r.hostNanos();
                emitted += r.emittedTokens();
                drafted += r.draftTokens();
            }
        }

        @Override
        public String toString() {
            if (emitted == 0) {
                return "-";
            }
            return String.format(Locale.ROOT, "%.2f tokens/step, per token %.0f us in the backend + %.0f us in the host"
                    + " (scheduling%s)", (double) emitted / steps, backendNanos / 1e3 / emitted, hostNanos / 1e3 / emitted,
                    drafted > 0 ? ", drafting included" : "");
        }
    }

    /** Requests each runtime serves at least before timing starts: the kernels of every step shape get JIT-compiled. */
    static final int WARM_UP_REQUESTS = 12;
    /** Most warm-up requests per runtime while waiting for the JIT compiler to go quiet. */
    static final int MAX_WARM_UP_REQUESTS = 64;
    /** {@link #compare(List, List)} for one speculative setting. */
    private Paired compare(Map<String, Object> specSettings, List<GenerationRequest> requests) throws Exception {
        return compare(List.of(specSettings), requests).getFirst();
    }

    /**
     * Runs every prompt alone under {@code continuous} and under {@code speculative} with each of
     * {@code specSettings}, in a palindrome (continuous, each speculative setting, the same
     * backwards, continuous), all runtimes open side by side and warmed up first: whatever else the
     * machine is doing, and however far the JIT compiler has got, weighs on every rate alike. Rates
     * are decode rates: tokens after the first over the time after the first.
     *
     * @return one comparison per speculative setting, in order, all against the same continuous runs
     */
    private List<Paired> compare(List<Map<String, Object>> specSettings, List<GenerationRequest> requests)
            throws Exception {
        int n = specSettings.size();
        List<RailyardRuntime> open = new ArrayList<>();
        try {
            RailyardRuntime base = RuntimeFactory.open(config("continuous", Map.of()), Clock.system(), line -> { });
            open.add(base);
            List<RailyardRuntime> specs = new ArrayList<>();
            for (Map<String, Object> settings : specSettings) {
                RailyardRuntime rt = RuntimeFactory.open(config("speculative", settings), Clock.system(), line -> { });
                open.add(rt);
                specs.add(rt);
            }
            StepTimes baseSteps = new StepTimes();
            base.engine().core().addObserver(baseSteps);
            List<StepTimes> specSteps = new ArrayList<>();
            for (RailyardRuntime rt : specs) {
                StepTimes st = new StepTimes();
                rt.engine().core().addObserver(st);
                specSteps.add(st);
            }
            warmUp(open, requests);
            long[] baseTime = new long[2];
            long[][] specTime = new long[n][2];
            List<List<Double>> ratios = new ArrayList<>();
            long[] drafted = new long[n];
            long[] accepted = new long[n];
            for (int i = 0; i < n; i++) {
                ratios.add(new ArrayList<>());
            }
            baseSteps.on = true;
            specSteps.forEach(st -> st.on = true);
            ProgressLine p = new ProgressLine(System.err, "continuous | speculative", requests.size());
            int done = 0;
            for (GenerationRequest request : requests) {
                long[] b = new long[2];
                long[][] sp = new long[n][2];
                time(base.engine().submit(request).result().join(), b);
                for (int pass = 0; pass < 2; pass++) {
                    for (int j = 0; j < n; j++) {
                        int i = pass == 0 ? j : n - 1 - j;
                        GenerationResult r = specs.get(i).engine().submit(request).result().join();
                        time(r, sp[i]);
                        drafted[i] += r.draftedTokens();
                        accepted[i] += r.acceptedDraftTokens();
                    }
                }
                time(base.engine().submit(request).result().join(), b);
                baseTime[0] += b[0];
                baseTime[1] += b[1];
                for (int i = 0; i < n; i++) {
                    specTime[i][0] += sp[i][0];
                    specTime[i][1] += sp[i][1];
                    ratios.get(i).add(((double) sp[i][0] / sp[i][1]) / ((double) b[0] / b[1]));
                }
                p.update(++done);
            }
            List<Paired> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(new Paired(baseTime[0] / (baseTime[1] / 1e9), specTime[i][0] / (specTime[i][1] / 1e9),
                        drafted[i] == 0 ? Double.NaN : (double) accepted[i] / drafted[i], baseSteps, specSteps.get(i),
                        LatencyStats.of(ratios.get(i).stream().mapToDouble(Double::doubleValue).toArray()).p50()));
            }
            return out;
        } finally {
            for (RailyardRuntime rt : open.reversed()) {
                rt.close();
            }
        }
    }

    /**
     * Serves requests on every runtime in turn, at least {@link #WARM_UP_REQUESTS} each, until the
     * JIT compiler is quiet ({@link JitWatch}) or {@link #MAX_WARM_UP_REQUESTS} each.
     */
    private static void warmUp(List<RailyardRuntime> runtimes, List<GenerationRequest> requests) {
        int n = runtimes.size();
        ProgressLine p = new ProgressLine(System.err, "warm-up", n * WARM_UP_REQUESTS);
        JitWatch jit = new JitWatch();
        for (int i = 0; i < MAX_WARM_UP_REQUESTS; i++) {
            GenerationRequest r = requests.get(i % requests.size());
            boolean quiet = jit.quietDuring(() -> {
                for (RailyardRuntime rt : runtimes) {
                    rt.engine().submit(r).result().join();
                }
            });
            p.update(Math.min(n * WARM_UP_REQUESTS, n * (i + 1)));
            if (i + 1 >= WARM_UP_REQUESTS && quiet) {
                break;
            }
        }
    }

    /** Adds a result's decode tokens (after the first) and their time to {@code sums}. */
    private static void time(GenerationResult r, long[] sums) {
        sums[0] += r.tokens().length - 1;
        sums[1] += r.timings().endToEndNanos() - r.timings().timeToFirstTokenNanos();
    }

    private GenerationRequest request(GenerationRequest.Builder prompt) {
        return prompt.maxTokens(maxTokens).temperature(0).ignoreEos(true).build();
    }

    private RailyardConfig config(String scheduler, Map<String, Object> settings) {
        RailyardConfig c = RailyardConfig.defaults();
        c.backend.type = backend;
        c.scheduler.type = scheduler;
        c.scheduler.settings.putAll(settings);
        return c;
    }

    private static String f1(double v) {
        return String.format("%.1f", v);
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.0f%%", 100 * v);
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : v < 10 ? String.format("%.1f ms", v) : String.format("%.0f ms", v);
    }
}

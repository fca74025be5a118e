package dev.railyard.host.cli;

import dev.railyard.host.config.RailyardConfig;
import dev.railyard.host.demo.LatencySummary;
import dev.railyard.host.demo.MixedWorkload;
import dev.railyard.host.engine.GenerationRequest;
import dev.railyard.host.engine.GenerationResult;
import dev.railyard.host.tokenizer.Tokenizer;
import dev.railyard.host.wiring.RailyardHome;
import dev.railyard.host.wiring.RailyardRuntime;
import dev.railyard.host.wiring.RuntimeFactory;
import dev.railyard.spi.Clock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Benchmarks the schedulers against each other on the CPU backend. */
@Command(name = "sched-bench", mixinStandardHelpOptions = true,
        description = {
            "Benchmarks the scheduler plugins on a real backend (default: cpu-reference",
            "with the embedded model), one figure next to its goal:",
            "  1. single-request decode tokens/s: continuous vs speculative with the",
            "     ngram drafter (on a repetitive prompt) and with the draft model (on",
            "     held-out code), with acceptance rates (accepted / drafted tokens);",
            "     goal for the draft model: acceptance >= 50%% at k = 4 and a decode",
            "     speed-up >= 1.2x. Held-out code is the training distribution's",
            "     held-out split: this machine's Python files (default: the system",
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
        TextTable t = new TextTable("scheduler", "prompts", "decode tok/s", "speed-up", "acceptance", "goal");
        double[] acc = new double[1];
        double baseRep = decodeRate("continuous", Map.of(), repetitive, null);
        double ngram = decodeRate("speculative", Map.of("num-speculative-tokens", k), repetitive, acc);
        t.row("continuous", "repetitive", f1(baseRep), "1.00x", "-", "");
        t.row("speculative (ngram)", "repetitive", f1(ngram), String.format("%.2fx", ngram / baseRep), pct(acc[0]), "");
        double baseCode = decodeRate("continuous", Map.of(), heldOut, null);
        double draftRate = decodeRate("speculative", draftSettings, heldOut, acc);
        double draftAcc = acc[0];
        t.row("continuous", heldLabel, f1(baseCode), "1.00x", "-", "");
        t.row("speculative (draft model)", heldLabel, f1(draftRate), String.format("%.2fx", draftRate / baseCode), pct(draftAcc),
                ">= 50% accepted, >= 1.20x");
        if (!ood.isEmpty()) {
            double baseOod = decodeRate("continuous", Map.of(), ood, null);
            double oodRate = decodeRate("speculative", draftSettings, ood, acc);
            t.row("continuous", "repo code (OOD)", f1(baseOod), "1.00x", "-", "");
            t.row("speculative (draft model)", "repo code (OOD)", f1(oodRate), String.format("%.2fx", oodRate / baseOod),
                    pct(acc[0]), "(out of distribution)");
        }
        System.out.print(t);
        System.out.printf("draft model on %s: acceptance %s (goal >= 50%%: %s), speed-up %.2fx (goal >= 1.20x: %s)%n%n",
                heldLabel, pct(draftAcc), draftAcc >= 0.5 ? "met" : "MISSED", draftRate / baseCode,
                draftRate / baseCode >= 1.2 ? "met" : "MISSED");
        if (!skipWorkload) {
            workload();
        }
        return 0;
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

    /** Mean decode rate (tokens after the first over the time after the first) of each prompt run alone. */
    private double decodeRate(String scheduler, Map<String, Object> settings, List<GenerationRequest> requests,
            double[] acceptance) throws Exception {
        try (RailyardRuntime rt = RuntimeFactory.open(config(scheduler, settings), Clock.system(), line -> { })) {
            // warm-up: JIT-compile the kernels before timing
            rt.engine().submit(requests.getFirst()).result().join();
            long tokens = 0;
            long nanos = 0;
            long drafted = 0;
            long accepted = 0;
            ProgressLine p = new ProgressLine(System.err, scheduler, requests.size());
            int done = 0;
            for (GenerationRequest request : requests) {
                GenerationResult r = rt.engine().submit(request).result().join();
                tokens += r.tokens().length - 1;
                nanos += r.timings().endToEndNanos() - r.timings().timeToFirstTokenNanos();
                drafted += r.draftedTokens();
                accepted += r.acceptedDraftTokens();
                p.update(++done);
            }
            if (acceptance != null) {
                acceptance[0] = drafted == 0 ? Double.NaN : (double) accepted / drafted;
            }
            return tokens / (nanos / 1e9);
        }
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

package dev.railyard.host.cli;

import dev.railyard.host.config.RailyardConfig;
import dev.railyard.host.demo.LatencySummary;
import dev.railyard.host.demo.MixedWorkload;
import dev.railyard.host.engine.GenerationRequest;
import dev.railyard.host.engine.GenerationResult;
import dev.railyard.host.wiring.RailyardHome;
import dev.railyard.host.wiring.RailyardRuntime;
import dev.railyard.host.wiring.RuntimeFactory;
import dev.railyard.spi.Clock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Benchmarks the schedulers against each other on the CPU backend. */
@Command(name = "sched-bench", mixinStandardHelpOptions = true,
        description = {
            "Benchmarks the scheduler plugins on a real backend (default: cpu-reference with the",
            "embedded model), one figure next to its goal:",
            "  1. single-request decode tokens/s: continuous vs speculative with the ngram drafter",
            "     (on a repetitive prompt) and with the draft model (on held-out code: the repo's own",
            "     Python, which the models never saw), with acceptance rates; goal for the draft",
            "     model: acceptance >= 50% at k = 4 and a decode speed-up >= 1.2x;",
            "  2. dynamic vs continuous on one Poisson workload: throughput, TTFT and TPOT p50/p99."
        })
final class SpecBenchCommand implements Callable<Integer> {

    @Option(names = "--backend", defaultValue = "cpu-reference", description = "backend plugin (default: ${DEFAULT-VALUE})")
    String backend;

    @Option(names = "--prompts", defaultValue = "8", description = "held-out code prompts (default: ${DEFAULT-VALUE})")
    int prompts;

    @Option(names = "--max-tokens", defaultValue = "64", description = "tokens per request (default: ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = "-k", defaultValue = "4", description = "draft tokens per step (default: ${DEFAULT-VALUE})")
    int k;

    @Option(names = "--skip-workload", description = "skip part 2")
    boolean skipWorkload;

    @Override
    public Integer call() throws Exception {
        List<String> heldOut = heldOutPrompts(prompts);
        String repetitive = "values = [1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4,";
        Path draft = RailyardHome.resolveModel(null, RailyardHome.DEFAULT_DRAFT_MODEL);
        System.out.println("== 1. Single-request decode (greedy, " + maxTokens + " tokens, k = " + k + ") ==");
        TextTable t = new TextTable("scheduler", "prompts", "decode tok/s", "speed-up", "acceptance", "goal");
        double baseCode = decodeRate("continuous", Map.of(), heldOut, null);
        double baseRep = decodeRate("continuous", Map.of(), List.of(repetitive), null);
        double[] acc = new double[1];
        double ngram = decodeRate("speculative", Map.of("num-speculative-tokens", k), List.of(repetitive), acc);
        double ngramAcc = acc[0];
        double draftRate = decodeRate("speculative", Map.of("num-speculative-tokens", k, "draft-model", draft.toString()), heldOut, acc);
        double draftAcc = acc[0];
        t.row("continuous", "repetitive", f1(baseRep), "1.00x", "-", "");
        t.row("speculative (ngram)", "repetitive", f1(ngram), String.format("%.2fx", ngram / baseRep), pct(ngramAcc), "");
        t.row("continuous", "held-out code", f1(baseCode), "1.00x", "-", "");
        t.row("speculative (draft model)", "held-out code", f1(draftRate), String.format("%.2fx", draftRate / baseCode), pct(draftAcc),
                ">= 50% accepted, >= 1.20x");
        System.out.print(t);
        System.out.printf("draft model: acceptance %s (goal >= 50%%: %s), speed-up %.2fx (goal >= 1.20x: %s)%n%n", pct(draftAcc),
                draftAcc >= 0.5 ? "met" : "MISSED", draftRate / baseCode, draftRate / baseCode >= 1.2 ? "met" : "MISSED");
        if (!skipWorkload) {
            workload();
        }
        return 0;
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
    private double decodeRate(String scheduler, Map<String, Object> settings, List<String> texts, double[] acceptance)
            throws Exception {
        try (RailyardRuntime rt = RuntimeFactory.open(config(scheduler, settings), Clock.system(), line -> { })) {
            // warm-up: JIT-compile the kernels before timing
            rt.engine().submit(request(texts.getFirst())).result().join();
            long tokens = 0;
            long nanos = 0;
            long drafted = 0;
            long accepted = 0;
            ProgressLine p = new ProgressLine(System.err, scheduler, texts.size());
            int done = 0;
            for (String text : texts) {
                GenerationResult r = rt.engine().submit(request(text)).result().join();
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

    private GenerationRequest request(String text) {
        return GenerationRequest.builder().promptText(text).maxTokens(maxTokens).temperature(0).ignoreEos(true).build();
    }

    private RailyardConfig config(String scheduler, Map<String, Object> settings) {
        RailyardConfig c = RailyardConfig.defaults();
        c.backend.type = backend;
        c.scheduler.type = scheduler;
        c.scheduler.settings.putAll(settings);
        return c;
    }

    /** Prompts cut from Python the models were not trained on: this repository's own scripts. */
    static List<String> heldOutPrompts(int n) throws IOException {
        Path source = RailyardHome.home().resolve("tools/train-default-model/train.py");
        if (!Files.isRegularFile(source)) {
            throw new UserException("held-out code not found at " + source + " (run from a source checkout)");
        }
        List<String> lines = Files.readAllLines(source);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size() && out.size() < n; i++) {
            if (lines.get(i).startsWith("def ") && i > 0) {
                StringBuilder sb = new StringBuilder();
                for (int j = Math.max(0, i - 12); j <= i; j++) {
                    sb.append(lines.get(j)).append('\n');
                }
                out.add(sb.toString());
            }
        }
        if (out.isEmpty()) {
            throw new UserException("no function definitions found in " + source);
        }
        return out;
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

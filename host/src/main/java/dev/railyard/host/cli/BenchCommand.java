package dev.railyard.host.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.host.loadgen.ArrivalProcess;
import dev.railyard.host.loadgen.BenchSummary;
import dev.railyard.host.loadgen.HttpTarget;
import dev.railyard.host.loadgen.InProcessTarget;
import dev.railyard.host.loadgen.LatencyStats;
import dev.railyard.host.loadgen.LengthDistribution;
import dev.railyard.host.loadgen.LoadGenerator;
import dev.railyard.host.loadgen.LoadPlan;
import dev.railyard.host.loadgen.LoadTarget;
import dev.railyard.host.loadgen.ProgressBar;
import dev.railyard.host.loadgen.Slo;
import dev.railyard.host.loadgen.SweepChart;
import dev.railyard.host.loadgen.WorkloadShape;
import dev.railyard.host.wiring.RailyardRuntime;
import dev.railyard.host.wiring.RuntimeFactory;
import dev.railyard.spi.Clock;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Load-tests an OpenAI-compatible server or an in-process engine and reports latency, throughput and goodput. */
@Command(name = "bench",
        header = "Sends a seeded workload to an OpenAI-compatible server and reports latency and throughput.", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Sends a seeded workload to an OpenAI-compatible server (railyard serve, vLLM,",
            "llama.cpp's llama-server, ...) over HTTP with streaming, or straight to an",
            "engine in this process (--in-process, configured like 'railyard generate').",
            "Reports TTFT, TPOT, inter-token and end-to-end latency (mean, p50, p90, p99),",
            "request and token throughput, and goodput under --slo. Arrivals are Poisson",
            "or gamma (--rate, --burstiness) or a fixed --concurrency. --sweep runs",
            "several rates and draws the latency-throughput curve (--chart FILE.png).",
            "",
            "Lengths (--prompt-len, --output-len): fixed:N, uniform:MIN-MAX,",
            "sharegpt[:MEDIAN] (a log-normal long tail) or lognormal:MEDIAN,SIGMA.",
            "Requests ignore EOS, so each one produces its drawn output length.",
            "",
            "Examples:",
            "  railyard bench --url http://127.0.0.1:8000 --rate 4 --requests 200 \\",
            "    --slo ttft=500ms,tpot=50ms",
            "  railyard bench --in-process --concurrency 8 --duration 30s \\",
            "    --prompt-len uniform:32-256 --output-len sharegpt:64",
            "  railyard bench --sweep 1,2,4,8 --requests 100 --chart sweep.png \\",
            "    --json sweep.json"
        })
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:8000",
            description = "base URL of the OpenAI-compatible server (default: ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--in-process", description = "build an engine here (EngineOptions below) and submit to it directly")
    boolean inProcess;

    @Option(names = "--served-model", paramLabel = "NAME", description = "model to ask the server for (default: the first it lists)")
    String servedModel;

    @Option(names = "--endpoint", paramLabel = "NAME", defaultValue = "completions",
            description = "completions or chat (default: ${DEFAULT-VALUE}; chat needs text prompts)")
    String endpoint;

    @Option(names = "--rate", paramLabel = "R", description = "mean arrivals per second (open loop)")
    Double rate;

    @Option(names = "--arrivals", paramLabel = "KIND", defaultValue = "poisson",
            description = "poisson or gamma (default: ${DEFAULT-VALUE})")
    String arrivals;

    @Option(names = "--burstiness", paramLabel = "CV", defaultValue = "1",
            description = "coefficient of variation of the gaps for gamma arrivals: 1 is Poisson, >1 bursty (default: ${DEFAULT-VALUE})")
    double burstiness;

    @Option(names = "--concurrency", paramLabel = "N",
            description = "clients each sending a request when the last ends (closed loop); with --rate, a cap on requests in flight")
    Integer concurrency;

    @Option(names = "--requests", paramLabel = "N", description = "requests per run (default: 100 unless --duration is given)")
    Integer requests;

    @Option(names = "--duration", paramLabel = "TIME", description = "how long each run sends requests, e.g. 30s, 2m, 500ms")
    String duration;

    @Option(names = "--prompt-len", paramLabel = "DIST", defaultValue = "fixed:128", description = "prompt lengths in tokens (default: ${DEFAULT-VALUE})")
    String promptLen;

    @Option(names = "--output-len", paramLabel = "DIST", defaultValue = "fixed:128", description = "output lengths in tokens (default: ${DEFAULT-VALUE})")
    String outputLen;

    @Option(names = "--prompt-kind", paramLabel = "KIND", defaultValue = "auto",
            description = "tokens (random ids, exact lengths), text (random words, about a token each) or auto: tokens in process, text over HTTP")
    String promptKind;

    @Option(names = "--vocab-size", paramLabel = "N", defaultValue = "1000",
            description = "token ids are drawn below N for --prompt-kind tokens over HTTP (default: ${DEFAULT-VALUE})")
    int vocabSize;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "0", description = "sampling temperature (default: ${DEFAULT-VALUE})")
    double temperature;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "seeds the workload and the arrivals (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--slo", paramLabel = "SPEC", description = "objectives for goodput, e.g. ttft=500ms,tpot=50ms,e2e=10s")
    String slo;

    @Option(names = "--sweep", paramLabel = "RATES", split = ",", description = "run at each of these rates (req/s), e.g. 1,2,4,8")
    List<Double> sweep;

    @Option(names = "--chart", paramLabel = "FILE.png", description = "with --sweep: draw p50/p99 TTFT and TPOT against throughput")
    Path chart;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the report as JSON")
    Path json;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "0",
            description = "requests sent one by one before measuring, to warm up the JIT (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--no-jit-warmup",
            description = "with --in-process, skip the concurrent warm-up that otherwise runs until this JVM's JIT compiler"
                    + " is quiet (batches of every size get compiled before measuring)")
    boolean noJitWarmup;

    @Option(names = "--timeout", paramLabel = "TIME", defaultValue = "10m", description = "per-request HTTP timeout (default: ${DEFAULT-VALUE})")
    String timeout;

    @Option(names = "--no-progress", description = "no progress bar on stderr")
    boolean noProgress;

    @Mixin
    EngineOptions engineOptions;

    @Override
    public Integer call() throws Exception {
        System.setProperty("java.awt.headless", "true");
        PrintStream err = System.err;
        Slo objectives = parse(() -> Slo.parse(slo));
        LengthDistribution prompts = parse(() -> LengthDistribution.parse(promptLen));
        LengthDistribution outputs = parse(() -> LengthDistribution.parse(outputLen));
        Duration runFor = duration == null ? null : parseDuration("--duration", duration);
        Duration requestTimeout = parseDuration("--timeout", timeout);
        HttpTarget.Endpoint ep = switch (endpoint.toLowerCase(Locale.ROOT)) {
            case "completions" -> HttpTarget.Endpoint.COMPLETIONS;
            case "chat" -> HttpTarget.Endpoint.CHAT;
            default -> throw new UserException("--endpoint must be completions or chat, was '" + endpoint + "'");
        };
        List<Double> rates = plannedRates();
        if (chart != null && sweep == null) {
            throw new UserException("--chart draws a sweep: give --sweep RATES too");
        }
        int count = requests != null ? requests : runFor == null ? 100 : 0;
        if (count < 0) {
            throw new UserException("--requests must be >= 0");
        }
        if (concurrency != null && concurrency < 1) {
            throw new UserException("--concurrency must be at least 1");
        }

        RailyardRuntime rt = null;
        LoadTarget target;
        if (inProcess) {
            rt = RuntimeFactory.open(engineOptions.toConfig(), Clock.system(), line -> err.println("[railyard] " + line));
            target = new InProcessTarget(rt.engine(), rt.model().name(), temperature);
        } else {
            try {
                target = new HttpTarget(URI.create(url), servedModel, ep, temperature, requestTimeout);
            } catch (IllegalStateException | IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            }
        }
        try {
            WorkloadShape shape = shape(rt, target, prompts, outputs, ep);
            err.println("[bench] target:   " + target.describe());
            err.println("[bench] workload: " + shape.describe());
            for (int i = 0; i < warmup; i++) {
                target.send(shape.item(Integer.MAX_VALUE - i));
            }
            if (inProcess && !noJitWarmup) {
                warmUntilJitQuiet(target, shape, err);
            }
            LoadGenerator gen;
            List<SweepChart.Point> points = new ArrayList<>();
            for (Double r : rates) {
                ArrivalProcess ap = r == null ? null : arrivalsAt(r);
                LoadPlan plan;
                try {
                    plan = new LoadPlan(ap, concurrency == null ? (ap == null ? 8 : 0) : concurrency, count, runFor, seed);
                } catch (IllegalArgumentException e) {
                    throw new UserException(e.getMessage());
                }
                err.println("[bench] load:     " + plan.describe());
                ProgressBar bar = noProgress ? null : new ProgressBar(err, r == null ? "bench" : "rate " + SweepChartFormat.of(r),
                        count, runFor == null ? 0 : runFor.toMillis() / 1000.0);
                gen = new LoadGenerator(target, shape, bar == null ? LoadGenerator.Progress.NONE : bar);
                LoadGenerator.Run run = gen.run(plan);
                if (bar != null) {
                    bar.finish();
                }
                points.add(new SweepChart.Point(r == null ? Double.NaN : r, BenchSummary.of(run, plan, objectives)));
            }
            PrintStream out = System.out;
            out.println();
            out.println("railyard bench: " + target.describe());
            out.println("workload: " + shape.describe());
            if (sweep == null) {
                printOne(out, points.getFirst().summary());
            } else {
                printSweep(out, points, objectives);
            }
            if (json != null) {
                writeJson(target, shape, points);
                out.println("JSON report: " + json);
            }
            if (chart != null) {
                SweepChart.write(points, target.describe() + " | " + shape.describe(), chart);
                out.println("chart: " + chart);
            }
            out.flush();
            boolean anyCompleted = points.stream().anyMatch(p -> p.summary().completed() > 0);
            return anyCompleted ? 0 : 1;
        } finally {
            target.close();
            if (rt != null) {
                rt.close();
            }
        }
    }

    /** Most rounds of {@link #warmUntilJitQuiet}. */
    static final int MAX_JIT_WARM_UP_ROUNDS = 12;

    /**
     * Runs rounds of {@code 2 x c} requests from {@code c} concurrent clients ({@code c}: the
     * --concurrency given, else 8) until a round leaves this JVM's JIT compiler quiet ({@link
     * JitWatch}), so that the kernels of every batch size are compiled before the measurement.
     */
    private void warmUntilJitQuiet(LoadTarget target, WorkloadShape shape, PrintStream err) {
        int c = concurrency == null ? 8 : concurrency;
        JitWatch jit = new JitWatch();
        LoadGenerator gen = new LoadGenerator(target, shape, LoadGenerator.Progress.NONE);
        for (int round = 1; round <= MAX_JIT_WARM_UP_ROUNDS; round++) {
            long roundSeed = seed + 7919L * round;
            if (jit.quietDuring(() -> gen.run(new LoadPlan(null, c, 2 * c, null, roundSeed)))) {
                err.println("[bench] warm-up:  " + round + " round" + (round == 1 ? "" : "s") + " of " + 2 * c
                        + " requests at concurrency " + c + " until the JIT compiler was quiet");
                return;
            }
        }
        err.println("[bench] warm-up:  the JIT compiler was still busy after " + MAX_JIT_WARM_UP_ROUNDS + " rounds; measuring anyway");
    }

    private List<Double> plannedRates() {
        List<Double> rates = new ArrayList<>();
        if (sweep != null) {
            if (rate != null) {
                throw new UserException("give --rate or --sweep, not both");
            }
            if (sweep.isEmpty()) {
                throw new UserException("--sweep needs at least one rate");
            }
            rates.addAll(sweep);
        } else {
            rates.add(rate);
        }
        if (!arrivals.equalsIgnoreCase("poisson") && !arrivals.equalsIgnoreCase("gamma")) {
            throw new UserException("--arrivals must be poisson or gamma, was '" + arrivals + "'");
        }
        if (arrivals.equalsIgnoreCase("poisson") && burstiness != 1) {
            throw new UserException("--burstiness applies to --arrivals gamma (Poisson has a coefficient of variation of 1)");
        }
        for (Double r : rates) {
            if (r != null && !(r > 0)) {
                throw new UserException("rates must be > 0 requests per second, was " + r);
            }
        }
        return rates;
    }

    private ArrivalProcess arrivalsAt(double r) {
        try {
            return arrivals.equalsIgnoreCase("gamma") ? ArrivalProcess.gamma(r, burstiness) : ArrivalProcess.poisson(r);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
    }

    private WorkloadShape shape(RailyardRuntime rt, LoadTarget target, LengthDistribution prompts, LengthDistribution outputs,
                                HttpTarget.Endpoint ep) {
        WorkloadShape.PromptKind kind = switch (promptKind.toLowerCase(Locale.ROOT)) {
            case "auto" -> inProcess ? WorkloadShape.PromptKind.TOKENS : WorkloadShape.PromptKind.TEXT;
            case "tokens" -> WorkloadShape.PromptKind.TOKENS;
            case "text" -> WorkloadShape.PromptKind.TEXT;
            default -> throw new UserException("--prompt-kind must be auto, tokens or text, was '" + promptKind + "'");
        };
        if (kind == WorkloadShape.PromptKind.TOKENS && ep == HttpTarget.Endpoint.CHAT && !inProcess) {
            throw new UserException("--endpoint chat needs text prompts: use --prompt-kind text");
        }
        if (inProcess && kind == WorkloadShape.PromptKind.TEXT && rt.tokenizer().isEmpty()) {
            throw new UserException("the model has no tokenizer: use --prompt-kind tokens");
        }
        int vocab = inProcess ? rt.core().backendInfo().vocabSize() : vocabSize;
        return new WorkloadShape(prompts, outputs, kind, vocab, target.maxContextLength(), seed);
    }

    private void printOne(PrintStream out, BenchSummary s) {
        out.printf(Locale.ROOT, "requests:   %d sent, %d completed, %d failed in %.2f s%n", s.requests(), s.completed(), s.failed(),
                s.seconds());
        out.printf(Locale.ROOT, "throughput: %.2f req/s, %.1f output tok/s, %.1f total tok/s%n", s.requestThroughput(),
                s.outputTokenThroughput(), s.totalTokenThroughput());
        out.printf(Locale.ROOT, "goodput:    %.2f req/s (%.1f%% of requests meet SLO %s)%n", s.goodput(), 100 * s.sloAttainment(),
                s.slo());
        out.println();
        TextTable t = new TextTable("latency (ms)", "mean", "p50", "p90", "p99", "max");
        row(t, "TTFT", s.ttft());
        row(t, "TPOT", s.tpot());
        row(t, "ITL", s.itl());
        row(t, "E2E", s.e2e());
        out.print(t);
        printErrors(out, s);
    }

    private static void row(TextTable t, String name, LatencyStats l) {
        t.row(name, ms(l.mean()), ms(l.p50()), ms(l.p90()), ms(l.p99()), ms(l.max()));
    }

    private void printSweep(PrintStream out, List<SweepChart.Point> points, Slo objectives) {
        out.println("goodput SLO: " + objectives);
        out.println();
        TextTable t = new TextTable("rate req/s", "achieved req/s", "out tok/s", "TTFT p50", "TTFT p99", "TPOT p50", "TPOT p99",
                "E2E p50", "E2E p99", "goodput req/s", "failed");
        for (SweepChart.Point p : points) {
            BenchSummary s = p.summary();
            t.row(SweepChartFormat.of(p.rate()), String.format(Locale.ROOT, "%.2f", s.requestThroughput()),
                    String.format(Locale.ROOT, "%.1f", s.outputTokenThroughput()), ms(s.ttft().p50()), ms(s.ttft().p99()),
                    ms(s.tpot().p50()), ms(s.tpot().p99()), ms(s.e2e().p50()), ms(s.e2e().p99()),
                    String.format(Locale.ROOT, "%.2f", s.goodput()), s.failed());
        }
        out.print(t);
        out.println("(latencies in ms)");
        for (SweepChart.Point p : points) {
            printErrors(out, p.summary());
        }
    }

    private static void printErrors(PrintStream out, BenchSummary s) {
        s.errors().forEach((msg, n) -> out.println("failed x" + n + ": " + msg));
    }

    private void writeJson(LoadTarget target, WorkloadShape shape, List<SweepChart.Point> points) throws IOException {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode();
        root.put("target", target.describe());
        root.put("workload", shape.describe());
        root.put("prompt_len", shape.promptLength().spec());
        root.put("output_len", shape.outputLength().spec());
        root.put("arrivals", arrivals.toLowerCase(Locale.ROOT));
        root.put("burstiness", burstiness);
        root.put("seed", seed);
        ArrayNode runs = root.putArray("runs");
        for (SweepChart.Point p : points) {
            runs.add(p.summary().toJson());
        }
        Path parent = json.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        m.writeValue(json.toFile(), root);
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f", v);
    }

    /** Formats a rate without trailing zeros. */
    private static final class SweepChartFormat {
        static String of(double r) {
            if (Double.isNaN(r)) {
                return "-";
            }
            return r == Math.rint(r) ? Long.toString((long) r) : String.format(Locale.ROOT, "%.3f", r).replaceAll("0+$", "");
        }
    }

    private static <T> T parse(java.util.function.Supplier<T> f) {
        try {
            return f.get();
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
    }

    /** {@code 30s}, {@code 2m}, {@code 500ms}, {@code 1h}, or seconds. */
    static Duration parseDuration(String option, String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
            }
            double scale = 1;
            if (s.endsWith("s")) {
                s = s.substring(0, s.length() - 1);
            } else if (s.endsWith("m")) {
                s = s.substring(0, s.length() - 1);
                scale = 60;
            } else if (s.endsWith("h")) {
                s = s.substring(0, s.length() - 1);
                scale = 3600;
            }
            double secs = Double.parseDouble(s.trim()) * scale;
            if (secs > 0) {
                return Duration.ofMillis((long) (secs * 1000));
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UserException(option + " must be a positive time like 30s, 2m or 500ms, was '" + v + "'");
    }
}

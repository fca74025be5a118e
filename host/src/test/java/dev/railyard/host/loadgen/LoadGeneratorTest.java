package dev.railyard.host.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.host.cli.Main;
import dev.railyard.host.engine.Engine;
import dev.railyard.host.server.ChatTemplate;
import dev.railyard.host.server.CountingBackend;
import dev.railyard.host.server.OpenAiServer;
import dev.railyard.host.server.ServedModel;
import dev.railyard.host.server.ServerSettings;
import dev.railyard.host.server.TestEngines;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The load generator against a server in the test (and an engine in process): numbers, JSON, chart. */
@Timeout(180)
class LoadGeneratorTest {

    private static OpenAiServer server;

    @BeforeAll
    static void start() {
        CountingBackend backend = TestEngines.backend();
        backend.stepDelayMillis = 2;
        Engine engine = TestEngines.engine(backend, 4096);
        server = OpenAiServer.start(ServedModel.of(TestEngines.MODEL, engine, ChatTemplate.defaultTemplate()),
                ServerSettings.defaults().withPort(0));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static WorkloadShape shape(WorkloadShape.PromptKind kind) {
        return new WorkloadShape(LengthDistribution.parse("uniform:8-24"), LengthDistribution.parse("fixed:16"), kind, 100, 0, 3);
    }

    @Test
    void httpRunAtARateGivesSaneNumbers() {
        try (HttpTarget target = new HttpTarget(server.baseUri(), null, HttpTarget.Endpoint.COMPLETIONS, 0, Duration.ofSeconds(30))) {
            assertThat(target.model()).isEqualTo(TestEngines.MODEL);
            assertThat(target.maxContextLength()).isEqualTo(TestEngines.CONTEXT);
            LoadPlan plan = new LoadPlan(ArrivalProcess.poisson(40), 0, 40, null, 1);
            LoadGenerator.Run run = new LoadGenerator(target, shape(WorkloadShape.PromptKind.TOKENS), LoadGenerator.Progress.NONE).run(plan);
            BenchSummary s = BenchSummary.of(run, plan, Slo.parse("ttft=10s,tpot=5s"));
            assertThat(s.requests()).isEqualTo(40);
            assertThat(s.completed()).as(s.errors().toString()).isEqualTo(40);
            for (RequestRecord r : run.records()) {
                assertThat(r.outputTokens()).isEqualTo(16);
                assertThat(r.tokenNanos()).hasSize(16);
                assertThat(r.promptTokens()).isBetween(8, 24);
                assertThat(r.ttftMillis()).isPositive().isLessThan(r.e2eMillis());
            }
            assertThat(s.ttft().p50()).isPositive().isLessThanOrEqualTo(s.ttft().p90());
            assertThat(s.ttft().p90()).isLessThanOrEqualTo(s.ttft().p99());
            assertThat(s.tpot().mean()).as("steps take >= 2 ms").isGreaterThanOrEqualTo(1.5).isLessThan(1000);
            assertThat(s.itl().count()).isEqualTo(40 * 15);
            assertThat(s.e2e().p50()).isGreaterThan(s.ttft().p50());
            assertThat(s.outputTokenThroughput()).isCloseTo(16 * s.requestThroughput(), org.assertj.core.api.Assertions.within(1e-6));
            assertThat(s.requestThroughput()).as("about the offered 40 req/s").isBetween(10.0, 80.0);
            assertThat(s.goodput()).isEqualTo(s.requestThroughput());
            assertThat(s.sloAttainment()).isEqualTo(1.0);
        }
    }

    @Test
    void closedLoopChatRunAndFailuresAreCounted() {
        try (HttpTarget target = new HttpTarget(server.baseUri().resolve("/v1"), TestEngines.MODEL, HttpTarget.Endpoint.CHAT, 0,
                Duration.ofSeconds(30))) {
            LoadPlan plan = new LoadPlan(null, 4, 12, null, 1);
            BenchSummary s = BenchSummary.of(new LoadGenerator(target, shape(WorkloadShape.PromptKind.TEXT), LoadGenerator.Progress.NONE)
                    .run(plan), plan, Slo.NONE);
            assertThat(s.completed()).as(s.errors().toString()).isEqualTo(12);
            assertThat(s.concurrency()).isEqualTo(4);
            assertThat(s.offeredRate()).isNaN();
        }
        try (HttpTarget wrong = new HttpTarget(server.baseUri(), "no-such-model", HttpTarget.Endpoint.COMPLETIONS, 0, Duration.ofSeconds(30))) {
            LoadPlan plan = new LoadPlan(null, 2, 4, null, 1);
            BenchSummary s = BenchSummary.of(new LoadGenerator(wrong, shape(WorkloadShape.PromptKind.TEXT), LoadGenerator.Progress.NONE)
                    .run(plan), plan, Slo.NONE);
            assertThat(s.failed()).isEqualTo(4);
            assertThat(s.errors().keySet()).singleElement().asString().contains("HTTP 404", "no-such-model");
            assertThat(s.goodput()).isZero();
        }
    }

    @Test
    void inProcessTargetTimesTheEngineDirectly() {
        CountingBackend backend = TestEngines.backend();
        backend.stepDelayMillis = 1;
        Engine engine = TestEngines.engine(backend, 4096);
        try (InProcessTarget target = new InProcessTarget(engine, "test", 0)) {
            LoadPlan plan = new LoadPlan(ArrivalProcess.gamma(100, 2.0), 8, 0, Duration.ofMillis(400), 5);
            LoadGenerator.Run run = new LoadGenerator(target, shape(WorkloadShape.PromptKind.TOKENS), LoadGenerator.Progress.NONE).run(plan);
            BenchSummary s = BenchSummary.of(run, plan, Slo.NONE);
            assertThat(s.requests()).isBetween(10, 80);
            assertThat(s.completed()).isEqualTo(s.requests());
            assertThat(run.records()).allSatisfy(r -> assertThat(r.outputTokens()).isEqualTo(16));
            assertThat(s.tpot().p50()).isGreaterThanOrEqualTo(0.9);
        } finally {
            engine.close();
        }
    }

    @Test
    void benchCommandWritesTheJsonReportAndTheSweepChart(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("report/sweep.json");
        Path png = dir.resolve("sweep.png");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream old = System.out;
        int exit;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            exit = Main.run("bench", "--url", server.baseUri().toString(), "--sweep", "10,40,160", "--requests", "24",
                    "--prompt-len", "uniform:8-24", "--output-len", "fixed:16", "--slo", "ttft=2s,tpot=500ms", "--json", json.toString(),
                    "--chart", png.toString(), "--no-progress");
        } finally {
            System.setOut(old);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(out).isZero();
        assertThat(out).contains("rate req/s", "TTFT p50", "TPOT p99", "goodput", "JSON report: ", "chart: ");

        JsonNode report = new ObjectMapper().readTree(json.toFile());
        assertThat(report.get("runs")).hasSize(3);
        for (JsonNode r : report.get("runs")) {
            assertThat(r.get("completed").asInt()).isEqualTo(24);
            assertThat(r.get("failed").asInt()).isZero();
            assertThat(r.get("ttft_ms").get("p50").asDouble()).isPositive();
            assertThat(r.get("tpot_ms").get("p99").asDouble()).isPositive();
            assertThat(r.get("output_token_throughput").asDouble()).isPositive();
            assertThat(r.get("goodput").asDouble()).isPositive();
        }
        assertThat(report.get("runs").get(0).get("offered_rate").asDouble()).isEqualTo(10.0);

        byte[] bytes = Files.readAllBytes(png);
        assertThat(bytes.length).isGreaterThan(5_000);
        assertThat(java.util.Arrays.copyOf(bytes, 8)).containsExactly(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A);
        var image = javax.imageio.ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1400);
        Path keep = Path.of("target/bench-sweep-test.png");
        Files.createDirectories(keep.getParent());
        Files.copy(png, keep, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void benchCommandRefusesBadOptionsClearly() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.run("bench", "--url", server.baseUri().toString(), "--prompt-len", "weird")).isEqualTo(2);
            assertThat(Main.run("bench", "--url", server.baseUri().toString(), "--chart", "x.png")).isEqualTo(2);
            assertThat(Main.run("bench", "--url", "http://127.0.0.1:1", "--requests", "1")).isEqualTo(2);
        } finally {
            System.setErr(old);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("bad length distribution 'weird'", "--chart draws a sweep",
                "cannot reach");
    }
}

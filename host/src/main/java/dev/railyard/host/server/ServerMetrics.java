package dev.railyard.host.server;

import dev.railyard.host.engine.Engine;
import dev.railyard.host.engine.EngineStats;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The server's Prometheus metrics, in their own registry:
 *
 * <ul>
 *   <li>{@code railyard_requests_total{outcome}}: finished requests by finish reason ({@code
 *       stop}, {@code length}, {@code cancelled}, {@code timeout}, {@code rejected}, {@code error})
 *       and requests refused before the engine ({@code invalid_request}, {@code
 *       context_length_exceeded}, {@code model_not_found}, {@code queue_full}, {@code
 *       shutting_down});
 *   <li>histograms {@code railyard_time_to_first_token_seconds}, {@code
 *       railyard_time_per_output_token_seconds}, {@code railyard_inter_token_latency_seconds},
 *       {@code railyard_e2e_request_latency_seconds}, {@code railyard_request_queue_time_seconds},
 *       {@code railyard_tokens_per_step}, {@code railyard_step_duration_seconds};
 *   <li>counters {@code railyard_prompt_tokens_total}, {@code railyard_generation_tokens_total},
 *       {@code railyard_client_disconnects_total}, {@code railyard_spec_decode_draft_tokens_total},
 *       {@code railyard_spec_decode_accepted_tokens_total};
 *   <li>gauges {@code railyard_num_requests_waiting}, {@code railyard_num_requests_running},
 *       {@code railyard_kv_cache_used_blocks}, {@code railyard_kv_cache_total_blocks}, {@code
 *       railyard_kv_cache_usage_ratio}, {@code railyard_spec_decode_acceptance_rate}.
 * </ul>
 *
 * Request and step metrics are fed by a {@link MetricsObserver} on the engine thread; gauges and
 * the speculative counters read the engine's {@link Engine#stats()} snapshot when scraped, so
 * they are current even while the engine is idle (after a cancelled request, for instance).
 */
public final class ServerMetrics {

    private static final double[] TTFT_BUCKETS = {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5,
        5, 7.5, 10, 20, 40, 80};
    private static final double[] TOKEN_GAP_BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3,
        0.4, 0.5, 0.75, 1, 2.5, 5};
    private static final double[] E2E_BUCKETS = {0.05, 0.1, 0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120,
        300};
    private static final double[] STEP_TOKEN_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192};
    private static final double[] STEP_SECONDS_BUCKETS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
        0.1, 0.25, 0.5, 1, 2.5};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    final Counter requests;
    final Counter clientDisconnects;
    final Counter promptTokens;
    final Counter generationTokens;
    final Histogram ttft;
    final Histogram tpot;
    final Histogram interToken;
    final Histogram e2e;
    final Histogram queueTime;
    final Histogram tokensPerStep;
    final Histogram stepDuration;

    /** Registers the metrics and an observer on {@code engine}'s core. */
    public ServerMetrics(Engine engine) {
        requests = Counter.builder().name("railyard_requests").help("Requests by outcome: finish reason, or why they were refused")
                .labelNames("outcome").register(registry);
        clientDisconnects = Counter.builder().name("railyard_client_disconnects")
                .help("Streams whose client went away before the end (the request was cancelled)").register(registry);
        promptTokens = Counter.builder().name("railyard_prompt_tokens").help("Prompt tokens of finished requests").register(registry);
        generationTokens = Counter.builder().name("railyard_generation_tokens").help("Generated tokens of finished requests")
                .register(registry);
        ttft = histogram("railyard_time_to_first_token_seconds", "Time from arrival to the first output token", TTFT_BUCKETS);
        tpot = histogram("railyard_time_per_output_token_seconds", "Mean time between output tokens after the first, per request",
                TOKEN_GAP_BUCKETS);
        interToken = histogram("railyard_inter_token_latency_seconds", "Every gap between consecutive output tokens",
                TOKEN_GAP_BUCKETS);
        e2e = histogram("railyard_e2e_request_latency_seconds", "Time from arrival to the end of a request", E2E_BUCKETS);
        queueTime = histogram("railyard_request_queue_time_seconds", "Time from arrival to the first scheduled step", TTFT_BUCKETS);
        tokensPerStep = histogram("railyard_tokens_per_step", "Tokens computed per engine step (prefill, decode and draft)",
                STEP_TOKEN_BUCKETS);
        stepDuration = histogram("railyard_step_duration_seconds", "Engine step time (backend plus host)", STEP_SECONDS_BUCKETS);

        gauge("railyard_num_requests_waiting", "Requests waiting to be scheduled", engine, s -> s.waiting());
        gauge("railyard_num_requests_running", "Sequences running", engine, s -> s.running());
        gauge("railyard_kv_cache_used_blocks", "KV-cache blocks in use", engine, s -> s.kvUsedBlocks());
        gauge("railyard_kv_cache_total_blocks", "KV-cache blocks in the pool", engine, s -> s.kvTotalBlocks());
        gauge("railyard_kv_cache_usage_ratio", "KV-cache blocks in use over blocks in the pool", engine,
                s -> s.kvTotalBlocks() == 0 ? 0 : (double) s.kvUsedBlocks() / s.kvTotalBlocks());
        gauge("railyard_spec_decode_acceptance_rate", "Accepted over drafted speculative tokens (0 without drafts)", engine,
                s -> s.draftedTokens() == 0 ? 0 : (double) s.acceptedDraftTokens() / s.draftedTokens());
        CounterWithCallback.builder().name("railyard_spec_decode_draft_tokens").help("Speculative draft tokens verified")
                .callback(cb -> cb.call(engine.stats().draftedTokens())).register(registry);
        CounterWithCallback.builder().name("railyard_spec_decode_accepted_tokens").help("Speculative draft tokens accepted")
                .callback(cb -> cb.call(engine.stats().acceptedDraftTokens())).register(registry);

        engine.core().addObserver(new MetricsObserver(this));
    }

    private Histogram histogram(String name, String help, double[] buckets) {
        return Histogram.builder().name(name).help(help).classicOnly().classicUpperBounds(buckets).withoutExemplars()
                .register(registry);
    }

    private void gauge(String name, String help, Engine engine, java.util.function.ToDoubleFunction<EngineStats> f) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(f.applyAsDouble(engine.stats())))
                .register(registry);
    }

    /** Counts a request refused before it reached the engine. */
    void refused(String outcome) {
        requests.labelValues(outcome).inc();
    }

    /** Counts a stream whose client went away. */
    void clientDisconnected() {
        clientDisconnects.inc();
    }

    /** The Content-Type of {@link #write}'s output. */
    public String contentType() {
        return writer.getContentType();
    }

    /** Writes every metric in the Prometheus text format. */
    public void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }

    /** The metrics as text. */
    public String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}

package dev.railyard.host.server;

import dev.railyard.host.engine.EngineObserver;
import dev.railyard.host.engine.GenerationResult;
import dev.railyard.host.engine.RequestTimings;
import dev.railyard.host.engine.StepRecord;
import java.util.Locale;

/**
 * Feeds {@link ServerMetrics} from the engine: each step's size and time, each finished
 * request's outcome, token counts and latencies. Runs on the engine thread; every call only
 * updates lock-free Prometheus counters and histograms.
 */
final class MetricsObserver implements EngineObserver {

    private static final double NANOS = 1e9;

    private final ServerMetrics m;

    MetricsObserver(ServerMetrics metrics) {
        this.m = metrics;
    }

    @Override
    public void onStep(StepRecord step) {
        m.tokensPerStep.observe(step.tokens());
        m.stepDuration.observe((step.backendNanos() + step.hostNanos()) / NANOS);
    }

    @Override
    public void onFinished(GenerationResult r) {
        m.requests.labelValues(r.finishReason().name().toLowerCase(Locale.ROOT)).inc();
        m.promptTokens.inc(r.promptTokens().length);
        m.generationTokens.inc(r.tokens().length);
        RequestTimings t = r.timings();
        if (t.timeToFirstTokenNanos() >= 0) {
            m.ttft.observe(t.timeToFirstTokenNanos() / NANOS);
        }
        if (t.timePerOutputTokenNanos() >= 0) {
            m.tpot.observe(t.timePerOutputTokenNanos() / NANOS);
        }
        for (long gap : t.interTokenNanos()) {
            m.interToken.observe(gap / NANOS);
        }
        m.e2e.observe(t.endToEndNanos() / NANOS);
        m.queueTime.observe(t.queueNanos() / NANOS);
    }
}

package dev.railyard.conformance.driver;

import dev.railyard.conformance.workload.RequestSpec;
import dev.railyard.conformance.workload.Workload;
import dev.railyard.host.clock.VirtualClock;
import dev.railyard.host.engine.EngineCore;
import dev.railyard.host.engine.EngineObserver;
import dev.railyard.host.engine.GenerationHandle;
import dev.railyard.host.engine.GenerationResult;
import dev.railyard.host.engine.InvalidRequestException;
import dev.railyard.host.engine.IterationResult;
import dev.railyard.host.engine.StepRecord;
import dev.railyard.host.engine.TokenListener;
import dev.railyard.spi.Clock;
import dev.railyard.spi.scheduler.FinishReason;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Feeds a workload into an {@link EngineCore} on a {@link VirtualClock}: submits each request when
 * the clock reaches its arrival time, iterates the engine (the backend spends modelled time on the
 * clock), and when no step runs jumps the clock to the next event (an arrival, the scheduler's
 * wake-up time, a time-out). It stops when every request has ended, or when nothing can change
 * any more (the scheduler plans nothing, with no wake-up and no arrival left: stuck), or at a step
 * limit.
 *
 * <p>Single-threaded and deterministic: the same workload, scheduler and backend give the same
 * run, step for step.
 */
public final class SimulationDriver {

    /** Upper bounds that stop a run that would not end. */
    public record Limits(long maxSteps, long maxIdleIterations, long maxWallNanos) {
        /** Generous limits for {@code w}: several times the steps any sane scheduler needs. */
        public static Limits forWorkload(Workload w) {
            long work = w.totalPromptTokens() + w.totalOutputTokens();
            return new Limits(4 * work + 10_000, 100_000, 600_000_000_000L);
        }
    }

    private final EngineCore core;
    private final Clock clock;
    private final LongConsumer advanceTo;
    private final ObservedScheduler observed;
    private final TimedBackend backend;

    /**
     * A driver on a virtual clock: waiting is jumping the clock.
     *
     * @param core an engine on {@code clock} whose scheduler is {@code observed} and whose backend is {@code backend}
     * @param backend may be null when the backend is not wrapped (no wall-time accounting)
     */
    public SimulationDriver(EngineCore core, VirtualClock clock, ObservedScheduler observed, TimedBackend backend) {
        this(core, clock, clock::advanceTo, observed, backend);
    }

    /**
     * A driver on any clock.
     *
     * @param advanceTo waits until the clock reads at least the given time (jumps a virtual clock, sleeps on the wall clock)
     */
    public SimulationDriver(EngineCore core, Clock clock, LongConsumer advanceTo, ObservedScheduler observed, TimedBackend backend) {
        this.core = core;
        this.clock = clock;
        this.advanceTo = advanceTo;
        this.observed = observed;
        this.backend = backend;
    }

    /** Waits on the wall clock until {@code System.nanoTime()} reaches {@code nanos}. */
    public static void sleepUntil(long nanos) {
        long left;
        while ((left = nanos - System.nanoTime()) > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(left);
        }
    }

    /** Runs {@code workload} with {@code cancels} under {@code limits}. */
    public RunResult run(Workload workload, List<Cancellation> cancels, Limits limits) {
        List<RequestSpec> specs = workload.requests();
        List<RequestMetrics> metrics = new ArrayList<>(specs.size());
        for (RequestSpec s : specs) {
            metrics.add(new RequestMetrics(s));
        }
        Map<Long, RequestMetrics> byId = new HashMap<>();
        long[] steps = {0};
        core.addObserver(new EngineObserver() {
            @Override
            public void onStep(StepRecord step) {
                steps[0]++;
            }
        });
        List<Cancellation> pendingCancels = new ArrayList<>(cancels);
        pendingCancels.sort((a, b) -> Long.compare(a.afterSteps(), b.afterSteps()));
        List<CancelObservation> cancelObs = new ArrayList<>();
        long start = clock.nanoTime();
        long wallStart = System.nanoTime();
        int next = 0;
        int idleLeaks = 0;
        long idleIterations = 0;
        String stopReason = null;
        while (true) {
            long now = clock.nanoTime();
            while (next < specs.size() && start + specs.get(next).arrivalNanos() <= now) {
                submit(metrics.get(next++), byId, steps);
            }
            while (!pendingCancels.isEmpty() && pendingCancels.getFirst().afterSteps() <= steps[0]) {
                cancelObs.add(cancel(metrics.get(pendingCancels.removeFirst().requestIndex())));
            }
            if (core.isIdle()) {
                if (core.usedBlocks() != 0) {
                    idleLeaks++;
                }
                if (next >= specs.size()) {
                    break;
                }
                advanceTo.accept(start + specs.get(next).arrivalNanos());
                continue;
            }
            if (steps[0] >= limits.maxSteps()) {
                stopReason = "stopped after " + steps[0] + " steps (the step limit) with " + core.activeCount() + " requests active";
                break;
            }
            if (System.nanoTime() - wallStart > limits.maxWallNanos()) {
                stopReason = "stopped after " + (System.nanoTime() - wallStart) / 1_000_000_000 + " s of wall time";
                break;
            }
            IterationResult r;
            try {
                r = core.iterate();
            } catch (RuntimeException e) {
                stopReason = "the engine failed: " + e;
                break;
            }
            if (r.steppedBackend()) {
                idleIterations = 0;
                continue;
            }
            if (r.idle()) {
                continue;
            }
            long wake = r.wakeAtNanos();
            if (next < specs.size()) {
                wake = Math.min(wake, start + specs.get(next).arrivalNanos());
            }
            wake = Math.min(wake, nextTimeout(metrics));
            if (wake == Long.MAX_VALUE && !pendingCancels.isEmpty()) {
                // no step will run before the cancellation's step count: cancel now
                cancelObs.add(cancel(metrics.get(pendingCancels.removeFirst().requestIndex())));
                continue;
            }
            if (wake == Long.MAX_VALUE) {
                stopReason = "stuck: the scheduler planned no work for " + core.activeCount()
                        + " active requests, with no wake-up time and no arrival left";
                break;
            }
            if (++idleIterations > limits.maxIdleIterations()) {
                stopReason = "stopped after " + idleIterations + " iterations in a row without a step";
                break;
            }
            advanceTo.accept(Math.max(wake, clock.nanoTime() + 1));
        }
        List<PlanBreach> breaches = new ArrayList<>();
        Map<String, PlanBreach> seen = new LinkedHashMap<>();
        List<String> backendErrors = new ArrayList<>();
        List<String> rejections = new ArrayList<>();
        for (RequestMetrics m : metrics) {
            GenerationResult res = m.result;
            if (res == null || res.error() == null) {
                continue;
            }
            if (res.finishReason() == FinishReason.REJECTED) {
                rejections.add(res.error());
                continue;
            }
            PlanBreach b = PlanBreach.fromError(res.error());
            if (b != null) {
                seen.putIfAbsent(b.rule().id(), b);
            } else if (res.finishReason() == FinishReason.ERROR && res.error().startsWith("backend '")) {
                if (backendErrors.size() < 5 && !backendErrors.contains(res.error())) {
                    backendErrors.add(res.error());
                }
            }
        }
        if (observed.thrown() != null && seen.values().stream().noneMatch(b -> b.rule().id().equals("P0"))) {
            seen.put("P0", new PlanBreach(dev.railyard.conformance.Rule.P0_NO_THROW,
                    "scheduler '" + core.schedulerName() + "' threw " + observed.thrown()));
        }
        breaches.addAll(seen.values());
        boolean drained = stopReason == null && core.isIdle();
        return new RunResult(workload, List.copyOf(metrics), steps[0], clock.nanoTime() - start,
                backend == null ? 0 : backend.wallNanos(), core.stats(), drained, stopReason,
                drained ? List.of() : observed.lastIdleSnapshot(), core.usedBlocks(), idleLeaks, List.copyOf(breaches),
                List.copyOf(backendErrors), List.copyOf(cancelObs), observed.draftsProposed(), observed.draftsAccepted(),
                List.copyOf(rejections));
    }

    private void submit(RequestMetrics m, Map<Long, RequestMetrics> byId, long[] steps) {
        m.submittedNanos = clock.nanoTime();
        m.submittedStep = steps[0];
        try {
            GenerationHandle h = core.submit(m.spec().toRequest(), new TokenListener() {
                @Override
                public void onToken(int token, String textDelta) {
                    if (token < 0) {
                        return;
                    }
                    long now = clock.nanoTime();
                    if (m.firstTokenNanos < 0) {
                        m.firstTokenNanos = now;
                        m.firstTokenStep = steps[0] + 1;
                    }
                    m.lastTokenNanos = now;
                    m.streamed.add(token);
                }

                @Override
                public void onComplete(GenerationResult result) {
                    m.completions++;
                    if (m.result == null) {
                        m.result = result;
                        m.endNanos = clock.nanoTime();
                        // a request ending inside a step ends with that step
                        m.endStep = steps[0] + (result.finishReason() == FinishReason.LENGTH
                                || result.finishReason() == FinishReason.STOP ? 1 : 0);
                    }
                }
            });
            m.engineId = h.id();
            byId.put(h.id(), m);
        } catch (InvalidRequestException e) {
            m.submitError = e.getMessage();
        }
    }

    private CancelObservation cancel(RequestMetrics m) {
        boolean active = m.engineId >= 0 && m.result == null;
        boolean admitted = active && observed.isAdmitted(m.engineId);
        int before = core.usedBlocks();
        if (m.engineId >= 0) {
            core.cancel(m.engineId);
        }
        int after = core.usedBlocks();
        return new CancelObservation(m.index(), active, admitted, before, after, m.result == null ? null : m.result.finishReason());
    }

    private static long nextTimeout(List<RequestMetrics> metrics) {
        long min = Long.MAX_VALUE;
        for (RequestMetrics m : metrics) {
            if (m.engineId >= 0 && m.result == null && m.spec().timeoutNanos() > 0) {
                min = Math.min(min, m.submittedNanos + m.spec().timeoutNanos());
            }
        }
        return min;
    }
}

package dev.railyard.conformance.tradeoff;

import dev.railyard.conformance.backend.BackendSetup;
import dev.railyard.conformance.driver.Percentiles;
import dev.railyard.conformance.driver.RequestMetrics;
import dev.railyard.conformance.driver.RunResult;
import dev.railyard.conformance.scheduler.EngineHarness;
import dev.railyard.conformance.scheduler.SchedulerProfile;
import dev.railyard.conformance.workload.ArrivalProcess;
import dev.railyard.conformance.workload.Workload;
import dev.railyard.conformance.workload.WorkloadGenerator;
import dev.railyard.conformance.workload.WorkloadSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The latency/throughput trade-off of several schedulers across offered loads: the same seeded
 * workload arrives as a Poisson process at each load (a fraction of the first scheduler's offline
 * maximum), and each scheduler's TTFT, TPOT and throughput are measured. On the simulated backend
 * in virtual time (exact, fast, thousands of requests); on a real backend in wall time.
 */
public final class TradeoffBenchmark {

    private final List<SchedulerProfile> schedulers;
    private final BackendSetup setup;
    private final WorkloadSpec workload;
    private final double[] loads;
    private final boolean wallClock;

    /**
     * @param schedulers the first one defines load 1.0 by its offline maximum
     * @param setup the backend
     * @param workload the requests (its arrival process is replaced per load)
     * @param loads offered loads, fractions of the base capacity
     * @param wallClock run in wall time (real backends) instead of virtual time
     */
    public TradeoffBenchmark(List<SchedulerProfile> schedulers, BackendSetup setup, WorkloadSpec workload, double[] loads,
                             boolean wallClock) {
        if (schedulers.isEmpty() || loads.length == 0) {
            throw new IllegalArgumentException("need at least one scheduler and one load");
        }
        this.schedulers = List.copyOf(schedulers);
        this.setup = setup;
        this.workload = workload;
        this.loads = loads.clone();
        this.wallClock = wallClock;
    }

    public TradeoffResult run(Consumer<String> progress) {
        SchedulerProfile base = schedulers.getFirst();
        Workload offline = WorkloadGenerator.generate(workload.toBuilder().arrivals(ArrivalProcess.allAtOnce()).build());
        RunResult cap = run(base, offline);
        if (cap.completedCount() == 0) {
            throw new IllegalStateException("scheduler '" + base.name() + "' completed nothing offline: "
                    + (cap.stopReason() != null ? cap.stopReason() : cap.planBreaches()));
        }
        double capacityRps = cap.completedCount() * 1e9 / cap.virtualNanos();
        progress.accept(String.format("base capacity (%s, offline): %.1f requests/s, %.0f output tokens/s", base.name(), capacityRps,
                cap.outputTokensPerSecond()));
        List<TradeoffPoint> points = new ArrayList<>();
        for (SchedulerProfile s : schedulers) {
            for (double load : loads) {
                Workload w = WorkloadGenerator.generate(workload.toBuilder().arrivals(ArrivalProcess.poisson(load * capacityRps)).build());
                RunResult r = run(s, w);
                TradeoffPoint p = point(s.name(), load, load * capacityRps, r);
                points.add(p);
                progress.accept(String.format("%-14s load %4.0f%%: p99 TTFT %8.1f ms, p99 TPOT %6.1f ms, %7.0f tokens/s%s", s.name(),
                        load * 100, p.p99TtftMs(), p.p99TpotMs(), p.throughputTps(),
                        r.planBreaches().isEmpty() ? "" : " (refused plans: " + r.planBreaches().getFirst().rule().id() + ")"));
            }
        }
        String wdesc = workload.requests() + " requests, prompts " + workload.promptLengths() + ", outputs " + workload.outputLengths()
                + ", " + workload.style().name().toLowerCase() + " text";
        return new TradeoffResult(setup.name() + (wallClock ? " (wall time)" : " (virtual time: " + setup.costModel() + ")"), wdesc,
                base.name(), capacityRps, points);
    }

    private RunResult run(SchedulerProfile s, Workload w) {
        try (EngineHarness h = new EngineHarness(setup, 0, s.name(), s::create, wallClock)) {
            return h.run(w, List.of());
        }
    }

    static TradeoffPoint point(String scheduler, double load, double rps, RunResult r) {
        double[] ttft = r.metric(RequestMetrics::completedNormally, RequestMetrics::ttftNanos);
        double[] tpot = r.metric(RequestMetrics::completedNormally, RequestMetrics::tpotNanos);
        double[] ttftSteps = r.metric(RequestMetrics::completedNormally, RequestMetrics::ttftSteps);
        long first = r.requests().stream().mapToLong(RequestMetrics::arrivalNanos).filter(t -> t >= 0).min().orElse(0);
        long last = r.requests().stream().filter(RequestMetrics::ended).mapToLong(m -> m.arrivalNanos() + m.endToEndNanos())
                .max().orElse(first + 1);
        double tps = r.outputTokens() * 1e9 / Math.max(1, last - first);
        double acc = r.draftsProposed() == 0 ? Double.NaN : (double) r.draftsAccepted() / r.draftsProposed();
        return new TradeoffPoint(scheduler, load, rps, r.requests().size(), r.completedCount(), Percentiles.of(ttft, 50) / 1e6,
                Percentiles.of(ttft, 99) / 1e6, Percentiles.of(tpot, 50) / 1e6, Percentiles.of(tpot, 99) / 1e6, tps,
                Percentiles.of(ttftSteps, 99), acc);
    }
}

package dev.railyard.conformance.scheduler;

import dev.railyard.conformance.Rule;
import dev.railyard.conformance.RuleSkipped;
import dev.railyard.conformance.RuleViolation;
import dev.railyard.conformance.driver.Percentiles;
import dev.railyard.conformance.driver.RequestMetrics;
import dev.railyard.conformance.driver.RunResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Rules C1 and C2: each declared {@link SchedulerContract} measured on the simulated backend, in
 * virtual time: the contract workload (ShareGPT-like lengths) arrives as a Poisson process at the
 * declared fraction of the scheduler's own offline maximum.
 */
final class ContractChecks {

    /** What one contract run measured. */
    record Measured(SchedulerContract contract, double p99TtftSteps, double p99TpotSteps, double throughputFraction,
                    double p99TtftMillis, double tokensPerSecond) {
    }

    private final ScenarioRuns runs;
    private final boolean simulated;

    ContractChecks(ScenarioRuns runs, boolean simulated) {
        this.runs = runs;
        this.simulated = simulated;
    }

    private List<SchedulerContract> contracts(Rule rule) {
        List<SchedulerContract> cs = runs.profile().contracts();
        if (cs.isEmpty()) {
            throw new RuleSkipped(rule, "the scheduler declares no contracts (declaredContracts())");
        }
        if (!simulated) {
            throw new RuleSkipped(rule, "contracts are measured in virtual time on the simulated backend; on real backends "
                    + "run the same workloads in wall time with 'railyard simulate'");
        }
        if (runs.settings().scale().contract() <= 0) {
            throw new RuleSkipped(rule, "the kit's scale runs no contract workload");
        }
        return cs;
    }

    /** Measures contract {@code i}. */
    Measured measure(Rule rule, int i) {
        SchedulerContract c = runs.profile().contracts().get(i);
        RunResult offline = runs.usable(rule, ScenarioCatalog.CONTRACT_OFFLINE);
        double capacityTps = offline.outputTokens() * 1e9 / Math.max(1, offline.virtualNanos());
        RunResult r;
        try {
            r = runs.usable(rule, "contract-" + (i + 1));
        } catch (IllegalStateException e) {
            throw new RuleSkipped(rule, "the scheduler's " + e.getMessage());
        }
        double[] ttft = r.metric(m -> true, RequestMetrics::ttftSteps);
        double[] ttftNs = r.metric(m -> true, RequestMetrics::ttftNanos);
        double[] tpot = r.metric(m -> true, RequestMetrics::tpotSteps);
        long first = r.requests().stream().mapToLong(RequestMetrics::arrivalNanos).min().orElse(0);
        long last = r.requests().stream().mapToLong(m -> m.arrivalNanos() + Math.max(0, m.endToEndNanos())).max().orElse(first + 1);
        double tps = r.outputTokens() * 1e9 / Math.max(1, last - first);
        double expected = Math.min(c.offeredLoad(), 1.0) * capacityTps;
        return new Measured(c, Percentiles.of(ttft, 99), Percentiles.of(tpot, 99), tps / expected, Percentiles.of(ttftNs, 99) / 1e6, tps);
    }

    String c1Latency() {
        List<SchedulerContract> cs = contracts(Rule.C1_CONTRACT_LATENCY);
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < cs.size(); i++) {
            SchedulerContract c = cs.get(i);
            if (!c.claimsLatency()) {
                continue;
            }
            Measured m = measure(Rule.C1_CONTRACT_LATENCY, i);
            if (c.maxP99TtftSteps() > 0) {
                RuleViolation.require(m.p99TtftSteps() <= c.maxP99TtftSteps(), Rule.C1_CONTRACT_LATENCY, String.format(Locale.ROOT,
                        "p99 TTFT of %.0f steps (%.1f ms virtual) against the contract \"%s\"", m.p99TtftSteps(), m.p99TtftMillis(),
                        c.describe()), "how long new requests wait for admission at this load (token budget, batch formation "
                        + "waits), or declare the contract the scheduler really meets");
            }
            if (c.maxP99TpotSteps() > 0) {
                RuleViolation.require(m.p99TpotSteps() <= c.maxP99TpotSteps(), Rule.C1_CONTRACT_LATENCY, String.format(Locale.ROOT,
                        "p99 TPOT of %.2f steps against the contract \"%s\"", m.p99TpotSteps(), c.describe()),
                        "whether running requests skip steps (prefills crowding out decodes, preemptions)");
            }
            notes.add(String.format(Locale.ROOT, "at %.0f%%: p99 TTFT %.0f steps, p99 TPOT %.2f steps", c.offeredLoad() * 100,
                    m.p99TtftSteps(), m.p99TpotSteps()));
        }
        if (notes.isEmpty()) {
            throw new RuleSkipped(Rule.C1_CONTRACT_LATENCY, "no declared contract bounds TTFT or TPOT");
        }
        return String.join("; ", notes);
    }

    String c2Throughput() {
        List<SchedulerContract> cs = contracts(Rule.C2_CONTRACT_THROUGHPUT);
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < cs.size(); i++) {
            SchedulerContract c = cs.get(i);
            if (!c.claimsThroughput()) {
                continue;
            }
            Measured m = measure(Rule.C2_CONTRACT_THROUGHPUT, i);
            RuleViolation.require(m.throughputFraction() >= c.minThroughputFraction(), Rule.C2_CONTRACT_THROUGHPUT,
                    String.format(Locale.ROOT, "throughput of %.0f output tokens/s, %.0f%% of min(offered, offline maximum), against "
                            + "the contract \"%s\"", m.tokensPerSecond(), m.throughputFraction() * 100, c.describe()),
                    "how full the steps are at this load (batch size, token budget, idle waits), or declare the contract the "
                            + "scheduler really meets");
            notes.add(String.format(Locale.ROOT, "at %.0f%%: %.0f%% of %s", c.offeredLoad() * 100, m.throughputFraction() * 100,
                    c.offeredLoad() < 1 ? "offered" : "offline maximum"));
        }
        if (notes.isEmpty()) {
            throw new RuleSkipped(Rule.C2_CONTRACT_THROUGHPUT, "no declared contract bounds throughput");
        }
        return String.join("; ", notes);
    }
}

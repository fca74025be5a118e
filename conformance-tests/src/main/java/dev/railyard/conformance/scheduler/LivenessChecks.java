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
import java.util.TreeMap;

/** Rules L1..L4: bounded overtaking, long prompts served, priorities, fair service. */
final class LivenessChecks {

    private final ScenarioRuns runs;
    private final KitSettings settings;

    LivenessChecks(ScenarioRuns runs) {
        this.runs = runs;
        this.settings = runs.settings();
    }

    private RunResult load(Rule rule, String scenario) {
        if (!runs.sustainedLoad()) {
            throw new RuleSkipped(rule, "sustained load needs at least " + ScenarioRuns.MIN_SUSTAINED_LOAD + " requests, and this "
                    + "backend's scale offers " + settings.scale().load() + " (real backends run small workloads); liveness and "
                    + "fairness are judged on the simulated backend");
        }
        try {
            return runs.usable(rule, scenario);
        } catch (IllegalStateException e) {
            throw new RuleSkipped(rule, "the scheduler's " + e.getMessage());
        }
    }

    String l1NoStarvation() {
        RunResult r = load(Rule.L1_NO_STARVATION, ScenarioCatalog.OVERLOAD);
        Overtaking o = Overtaking.of(r, (a, b) -> a.spec().priority() == b.spec().priority());
        int k = settings.overtakingBound();
        RuleViolation.require(o.count() <= k, Rule.L1_NO_STARVATION, "under overload, " + o.describe() + "; K is " + k,
                "the order in which waiting requests are admitted: a request must not be passed over again and again "
                        + "while later equal requests are served (LIFO or random admission starves)");
        return "at most " + o.count() + " overtakes (K = " + k + ") among " + r.where(RequestMetrics::hasFirstToken).size()
                + " requests at 150% of capacity";
    }

    String l2LongPrompts() {
        RunResult r = load(Rule.L2_LONG_PROMPTS_SERVED, ScenarioCatalog.LONG_PROMPTS);
        int longLen = runs.geometry().longPrompt();
        List<RequestMetrics> longs = r.where(m -> m.spec().promptLength() == longLen && m.hasFirstToken());
        double[] shortTtft = r.metric(m -> m.spec().promptLength() != longLen, m -> m.ttftSteps());
        if (longs.isEmpty() || shortTtft.length == 0) {
            throw new RuleSkipped(Rule.L2_LONG_PROMPTS_SERVED, "no long prompt got a first token (rules S4/S5 judge that)");
        }
        double p90 = Percentiles.of(shortTtft, 90);
        int prefillSteps = Math.ceilDiv(longLen, runs.geometry().maxTokensPerStep());
        double bound = settings.longPromptFactor() * p90 + 2.0 * prefillSteps + 8;
        RequestMetrics worst = longs.stream().max((a, b) -> Long.compare(a.ttftSteps(), b.ttftSteps())).orElseThrow();
        RuleViolation.require(worst.ttftSteps() <= bound, Rule.L2_LONG_PROMPTS_SERVED, String.format(Locale.ROOT,
                "%s got its first token %d steps after arriving, while the short requests' p90 TTFT was %.0f steps "
                        + "(bound %.0f × %.0f + 2 × %d prefill steps + 8 = %.0f)", worst.spec(), worst.ttftSteps(), p90,
                settings.longPromptFactor(), p90, prefillSteps, bound),
                "that long prompts are admitted (in chunks if need be) while short requests keep arriving, instead of "
                        + "waiting for the engine to fall idle");
        return String.format(Locale.ROOT, "long prompts' worst TTFT %d steps within %.0f (short p90 %.0f steps)", worst.ttftSteps(),
                bound, p90);
    }

    String l3Priorities() {
        if (!runs.profile().has(SchedulerCapability.PRIORITIES)) {
            throw new RuleSkipped(Rule.L3_PRIORITIES_HONOURED, "the scheduler does not declare PRIORITIES");
        }
        RunResult r = load(Rule.L3_PRIORITIES_HONOURED, ScenarioCatalog.PRIORITIES);
        Overtaking o = Overtaking.of(r, (a, b) -> b.spec().priority() > a.spec().priority());
        int k = settings.overtakingBound();
        RuleViolation.require(o.count() <= k, Rule.L3_PRIORITIES_HONOURED, "under overload, " + o.describe()
                + " of lower priority; K is " + k, "that waiting requests are admitted in priority order (smaller value first)");
        TreeMap<Integer, Double> medians = new TreeMap<>();
        for (int p : new int[] {1, 2, 3}) {
            double[] t = r.metric(m -> m.spec().priority() == p, m -> m.ttftSteps());
            if (t.length > 0) {
                medians.put(p, Percentiles.of(t, 50));
            }
        }
        List<Double> values = new ArrayList<>(medians.values());
        for (int i = 1; i < values.size(); i++) {
            RuleViolation.require(values.get(i) > values.get(i - 1), Rule.L3_PRIORITIES_HONOURED, "median TTFT (steps) by priority "
                    + medians + ": a lower priority was not served later", "the priority order of admission and preemption");
        }
        return "at most " + o.count() + " overtakes by lower priorities; median TTFT (steps) by priority " + medians;
    }

    String l4Fairness() {
        if (!runs.profile().has(SchedulerCapability.FAIRNESS)) {
            throw new RuleSkipped(Rule.L4_FAIR_SERVICE, "the scheduler does not declare FAIRNESS");
        }
        RunResult r = load(Rule.L4_FAIR_SERVICE, ScenarioCatalog.FAIR_LOAD);
        double[] e2e = r.metric(RequestMetrics::completedNormally, m -> m.endToEndNanos());
        if (e2e.length == 0) {
            throw new RuleSkipped(Rule.L4_FAIR_SERVICE, "no request completed");
        }
        double median = Percentiles.of(e2e, 50);
        double p99 = Percentiles.of(e2e, 99);
        RuleViolation.require(p99 <= settings.fairnessRatio() * median, Rule.L4_FAIR_SERVICE, String.format(Locale.ROOT,
                "at 70%% of capacity the p99 end-to-end time of equal requests is %.1f ms, %.1f times the median %.1f ms",
                p99 / 1e6, p99 / median, median / 1e6), "what makes a few equal requests wait much longer than the rest "
                + "(batches that wait to fill, admission that skips requests), or stop declaring FAIRNESS");
        return String.format(Locale.ROOT, "p99/median end-to-end %.2f (≤ %.1f)", p99 / median, settings.fairnessRatio());
    }
}

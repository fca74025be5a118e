package dev.railyard.conformance.scheduler;

import dev.railyard.conformance.Rule;
import dev.railyard.conformance.RuleViolation;
import dev.railyard.conformance.driver.RequestMetrics;
import dev.railyard.conformance.driver.RunResult;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** Compares the outputs of a run with the reference path, request by request. */
final class OutputCheck {

    private OutputCheck() {
    }

    /**
     * Checks every request of {@code run} that ended normally and matches {@code which}.
     *
     * @return how many were compared
     * @throws RuleViolation of {@code rule} at the first mismatch
     */
    static int compare(Rule rule, String scenario, RunResult run, ReferenceOutputs reference, Predicate<RequestMetrics> which) {
        List<RequestMetrics> compared = run.where(m -> m.completedNormally() && which.test(m));
        if (compared.isEmpty()) {
            // comparing nothing proves nothing: a scheduler that completes none of them must not pass
            List<RequestMetrics> candidates = run.where(which);
            Map<String, Long> endings = new TreeMap<>(candidates.stream().collect(Collectors.groupingBy(
                    m -> m.finishReason() == null ? "never ended" : m.finishReason().name(), Collectors.counting())));
            throw new RuleViolation(rule, "no request it compares completed normally in scenario '" + scenario + "' ("
                    + candidates.size() + " such requests; endings " + endings + "), so no output could be checked",
                    "that the scheduler serves the kit's workload to completion: every request of it fits the engine, "
                            + "so none needs to be rejected, cancelled or left waiting");
        }
        reference.ensure(compared.stream().map(RequestMetrics::spec).toList());
        for (RequestMetrics m : compared) {
            int[] expected = reference.of(m.spec());
            int[] actual = m.tokens();
            if (!Arrays.equals(actual, expected)) {
                int at = 0;
                while (at < Math.min(actual.length, expected.length) && actual[at] == expected[at]) {
                    at++;
                }
                throw new RuleViolation(rule, m.spec() + " in scenario '" + scenario + "' produced " + actual.length + " tokens "
                        + head(actual) + " but alone through the reference path " + expected.length + " tokens " + head(expected)
                        + " (first difference at output token " + at + "; preempted " + m.result().preemptions() + " times, "
                        + m.result().draftedTokens() + " draft tokens)",
                        "what the plans did to this request (chunks, preemptions, drafts), and whether the backend is really "
                                + "batch-invariant (rule B2)");
            }
        }
        return compared.size();
    }

    private static String head(int[] t) {
        int n = Math.min(8, t.length);
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ", ").append(t[i]);
        }
        return sb.append(t.length > n ? ", ...]" : "]").toString();
    }
}

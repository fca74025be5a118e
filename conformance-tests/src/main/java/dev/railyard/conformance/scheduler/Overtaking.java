package dev.railyard.conformance.scheduler;

import dev.railyard.conformance.driver.RequestMetrics;
import dev.railyard.conformance.driver.RunResult;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * How far requests were overtaken: for each request, the later arrivals (related to it by {@code
 * counts}) that got their first token in an earlier step. Requests that never got a token are left
 * out (rules S4/S5 judge those).
 *
 * @param worst the most overtaken request, or null
 * @param count how many overtook it
 * @param example one of those
 */
record Overtaking(RequestMetrics worst, int count, RequestMetrics example) {

    /** @param counts (victim, later arrival) → whether overtaking by it counts */
    static Overtaking of(RunResult run, BiPredicate<RequestMetrics, RequestMetrics> counts) {
        List<RequestMetrics> served = run.where(RequestMetrics::hasFirstToken);
        RequestMetrics worst = null;
        RequestMetrics example = null;
        int max = 0;
        for (RequestMetrics a : served) {
            int n = 0;
            RequestMetrics ex = null;
            for (RequestMetrics b : served) {
                boolean later = b.spec().arrivalNanos() > a.spec().arrivalNanos()
                        || (b.spec().arrivalNanos() == a.spec().arrivalNanos() && b.index() > a.index());
                if (later && b.firstTokenStep() < a.firstTokenStep() && counts.test(a, b)) {
                    n++;
                    ex = ex == null ? b : ex;
                }
            }
            if (n > max) {
                max = n;
                worst = a;
                example = ex;
            }
        }
        return new Overtaking(worst, max, example);
    }

    String describe() {
        return worst == null ? "no request was overtaken"
                : worst.spec() + " got its first token at step " + worst.firstTokenStep() + " (arrived at step " + worst.arrivalStep()
                        + "), after " + count + " requests that arrived later (e.g. " + example.spec() + ", first token at step "
                        + example.firstTokenStep() + ")";
    }
}

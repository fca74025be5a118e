package dev.railyard.conformance;

import java.util.Objects;

/**
 * How one rule came out for one plugin (or combination).
 *
 * @param rule the rule
 * @param status pass, fail or skip
 * @param message for a failure the {@link RuleViolation} message, for a skip the {@link RuleSkipped}
 *     message, for a pass a short note on what was checked
 * @param millis wall time spent on the rule itself (scenarios run for an earlier rule are shared)
 */
public record RuleOutcome(Rule rule, RuleStatus status, String message, long millis) {

    public RuleOutcome {
        Objects.requireNonNull(rule);
        Objects.requireNonNull(status);
        Objects.requireNonNull(message);
    }

    public static RuleOutcome pass(Rule rule, String note, long millis) {
        return new RuleOutcome(rule, RuleStatus.PASS, note, millis);
    }

    public static RuleOutcome fail(Rule rule, String message, long millis) {
        return new RuleOutcome(rule, RuleStatus.FAIL, message, millis);
    }

    public static RuleOutcome skip(Rule rule, String message, long millis) {
        return new RuleOutcome(rule, RuleStatus.SKIP, message, millis);
    }

    public boolean passed() {
        return status == RuleStatus.PASS;
    }

    public boolean failed() {
        return status == RuleStatus.FAIL;
    }

    public boolean skipped() {
        return status == RuleStatus.SKIP;
    }

    /**
     * Turns the outcome into JUnit's language: returns on a pass, throws the failure as an {@link
     * AssertionError}, aborts the test with {@code Assumptions.abort} on a skip.
     */
    public void assertInJUnit() {
        switch (status) {
            case PASS -> { }
            case FAIL -> throw new AssertionError(message);
            case SKIP -> org.junit.jupiter.api.Assumptions.abort(message);
        }
    }
}

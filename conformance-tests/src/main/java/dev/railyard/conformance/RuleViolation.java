package dev.railyard.conformance;

import java.util.Objects;

/**
 * A rule is broken. The message always reads {@code rule <id> (<statement>): observed <what was
 * seen>; check <what to look at>}, so that a plugin author knows the rule, the evidence and where
 * to start.
 */
public final class RuleViolation extends AssertionError {

    private final Rule rule;
    private final String observed;
    private final String check;

    public RuleViolation(Rule rule, String observed, String check) {
        super(rule.describe() + ": observed " + observed + "; check " + check);
        this.rule = Objects.requireNonNull(rule);
        this.observed = observed;
        this.check = check;
    }

    /** Throws a violation of {@code rule} unless {@code condition} holds. */
    public static void require(boolean condition, Rule rule, String observed, String check) {
        if (!condition) {
            throw new RuleViolation(rule, observed, check);
        }
    }

    public Rule rule() {
        return rule;
    }

    /** What was seen. */
    public String observed() {
        return observed;
    }

    /** What to check. */
    public String check() {
        return check;
    }
}

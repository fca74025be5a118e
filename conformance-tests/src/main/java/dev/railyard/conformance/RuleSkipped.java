package dev.railyard.conformance;

/**
 * A rule does not apply, or cannot be judged: the plugin does not declare the capability it
 * needs, the backend is not there, or a rule it depends on already failed. The message reads
 * {@code rule <id> skipped: <reason>}; a skip is never silent.
 */
public final class RuleSkipped extends RuntimeException {

    private final Rule rule;
    private final String reason;

    public RuleSkipped(Rule rule, String reason) {
        super("rule " + rule.id() + " skipped: " + reason, null, false, false);
        this.rule = rule;
        this.reason = reason;
    }

    public Rule rule() {
        return rule;
    }

    /** Why, without the {@code rule X skipped:} prefix. */
    public String reason() {
        return reason;
    }
}

package dev.railyard.spi.scheduler;

import java.util.Objects;

/**
 * The host refused a scheduler's plan. The message names the scheduler, the rule and what was
 * observed, e.g. {@code "scheduler 'my-sched' broke rule P4 (the plan's tokens ... fit the
 * engine's max tokens per step): plan computes 4100 tokens, limit is 4096"}.
 */
public class InvalidPlanException extends RuntimeException {

    private final String schedulerName;
    private final PlanRule rule;
    private final String detail;

    public InvalidPlanException(String schedulerName, PlanRule rule, String detail) {
        super("scheduler '" + schedulerName + "' broke rule " + rule.id() + " (" + rule.statement() + "): " + detail);
        this.schedulerName = Objects.requireNonNull(schedulerName);
        this.rule = Objects.requireNonNull(rule);
        this.detail = Objects.requireNonNull(detail);
    }

    public String schedulerName() {
        return schedulerName;
    }

    public PlanRule rule() {
        return rule;
    }

    public String detail() {
        return detail;
    }
}

package dev.railyard.conformance.driver;

import dev.railyard.conformance.Rule;
import dev.railyard.spi.scheduler.PlanRule;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host refused a plan (or the scheduler threw): the plan rule it broke and the host's message.
 *
 * @param rule {@link Rule#P0_NO_THROW} or the kit rule mirroring the host's plan rule
 * @param message the host's message
 */
public record PlanBreach(Rule rule, String message) {

    private static final Pattern BROKE = Pattern.compile("broke rule (P\\d+) ");

    /**
     * Reads the error of a request the engine failed: a refused plan names its rule; a scheduler
     * that threw, or returned null, breaks P0. Returns null for other errors.
     */
    public static PlanBreach fromError(String error) {
        if (error == null) {
            return null;
        }
        if (error.contains("schedule() returned null")) {
            return new PlanBreach(Rule.P0_NO_THROW, error);
        }
        Matcher m = BROKE.matcher(error);
        if (error.startsWith("engine refused the scheduler's plan") && m.find()) {
            for (PlanRule p : PlanRule.values()) {
                if (p.id().equals(m.group(1))) {
                    return new PlanBreach(Rule.of(p), error);
                }
            }
        }
        if (error.startsWith("scheduler '") && error.contains("' failed")) {
            return new PlanBreach(Rule.P0_NO_THROW, error);
        }
        return null;
    }
}

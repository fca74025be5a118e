package dev.railyard.conformance.scheduler;

import dev.railyard.conformance.Rule;
import dev.railyard.conformance.RuleViolation;
import dev.railyard.conformance.driver.PlanBreach;
import java.util.EnumMap;
import java.util.Map;

/**
 * The plan rules P0..P11: every applicable scenario is run (the battery) and every plan the host
 * refused, or exception the scheduler threw, is charged to the rule it names.
 */
final class PlanChecks {

    private final ScenarioRuns runs;
    private Map<Rule, String> breaches;
    private int scenarios;

    PlanChecks(ScenarioRuns runs) {
        this.runs = runs;
    }

    private synchronized Map<Rule, String> breaches() {
        if (breaches == null) {
            breaches = new EnumMap<>(Rule.class);
            for (ScenarioRuns.Outcome o : runs.runAll()) {
                scenarios++;
                String name = o.scenario() == null ? "?" : o.scenario().name();
                if (o.failure() != null && o.failure().startsWith("the engine could not be built")) {
                    breaches.putIfAbsent(Rule.P0_NO_THROW, "in scenario '" + name + "', " + o.failure());
                }
                if (o.result() != null) {
                    for (PlanBreach b : o.result().planBreaches()) {
                        breaches.putIfAbsent(b.rule(), "in scenario '" + name + "': " + b.message());
                    }
                }
            }
        }
        return breaches;
    }

    String check(Rule rule) {
        String seen = breaches().get(rule);
        if (seen != null) {
            throw new RuleViolation(rule, "the host refusing a plan " + seen, hint(rule));
        }
        return "no plan broke it in " + scenarios + " scenarios";
    }

    private static String hint(Rule rule) {
        return switch (rule) {
            case P0_NO_THROW -> "the exception's stack trace in the log; return StepPlan.idle() rather than null";
            case P1_KNOWN_SEQUENCE -> "that the scheduler forgets a sequence in onFinished and only names sequences of the current view";
            case P2_NO_DUPLICATE -> "that each sequence is put into the plan once (scheduled, preempted or rejected)";
            case P3_TOKEN_COUNT -> "that each sequence computes between 1 and pendingTokens() tokens (1 + draft length with a draft)";
            case P4_TOKEN_BUDGET -> "that the plan's tokens, drafts included, stay within view.limits().maxTokensPerStep()";
            case P5_SEQUENCE_BUDGET -> "that the plan holds at most view.limits().maxSequencesPerStep() sequences";
            case P6_KV_CAPACITY -> "the blocks the plan needs (kvCache().blocksNeeded) against freeBlocks() plus what it preempts";
            case P7_PREEMPT_RUNNING_ONLY -> "that only sequences of view.running() are preempted";
            case P8_REJECT_WAITING_ONLY -> "that only never-admitted (WAITING) sequences are rejected";
            case P9_WHOLE_PREFILL -> "view.limits().chunkedPrefill(): without it a prefill is scheduled whole";
            case P10_DRAFT_ON_DECODE -> "that drafts go only to decoding sequences (pendingTokens() == 1), with tokens in the "
                    + "vocabulary, and only when view.limits().multiPositionLogits()";
            case P11_CONTEXT_LENGTH -> "computedLength() + tokens against view.limits().maxContextLength()";
            default -> "the plan";
        };
    }
}

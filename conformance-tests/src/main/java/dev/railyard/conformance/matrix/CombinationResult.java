package dev.railyard.conformance.matrix;

import dev.railyard.conformance.Rule;
import dev.railyard.conformance.RuleGroup;
import dev.railyard.conformance.RuleOutcome;
import dev.railyard.conformance.RuleStatus;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every rule's outcome for one scheduler × backend combination.
 *
 * @param scheduler the scheduler profile's name
 * @param backend the backend profile's name
 * @param outcomes scheduler rules then backend rules
 * @param millis wall time the combination took
 */
public record CombinationResult(String scheduler, String backend, List<RuleOutcome> outcomes, long millis) {

    public CombinationResult {
        outcomes = List.copyOf(outcomes);
    }

    /** The cell of each group, in column order. */
    public List<GroupCell> cells() {
        return Arrays.stream(RuleGroup.values()).map(g -> GroupCell.of(g, outcomes)).toList();
    }

    public GroupCell cell(RuleGroup g) {
        return GroupCell.of(g, outcomes);
    }

    /** The outcome of {@code rule}. */
    public RuleOutcome outcome(Rule rule) {
        return outcomes.stream().filter(o -> o.rule() == rule).findFirst().orElseThrow();
    }

    /** Rules that failed. */
    public Set<Rule> failedRules() {
        return outcomes.stream().filter(RuleOutcome::failed).map(RuleOutcome::rule).collect(Collectors.toSet());
    }

    /** {@code true} when no rule failed. */
    public boolean passed() {
        return outcomes.stream().noneMatch(o -> o.status() == RuleStatus.FAIL);
    }
}

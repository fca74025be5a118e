package dev.railyard.conformance.matrix;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of a matrix run.
 *
 * @param generatedAt when it ran
 * @param combinations one per scheduler × backend
 * @param millis wall time of the whole run
 */
public record MatrixResult(Instant generatedAt, List<CombinationResult> combinations, long millis) {

    public MatrixResult {
        combinations = List.copyOf(combinations);
    }

    /** {@code true} when no rule failed anywhere. */
    public boolean allPassed() {
        return combinations.stream().allMatch(CombinationResult::passed);
    }

    /** The combination of this scheduler and backend. */
    public Optional<CombinationResult> find(String scheduler, String backend) {
        return combinations.stream().filter(c -> c.scheduler().equals(scheduler) && c.backend().equals(backend)).findFirst();
    }
}

package dev.railyard.schedulers.testkit;

import dev.railyard.spi.scheduler.FinishReason;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Runs a property test's random scenarios, seeds {@code 0 .. count-1}, naming the seed of the one
 * that fails, and tallies what they exercised (requests, preemptions, rejections) so the test can
 * show that its scenarios reach the interesting cases.
 */
public final class ScenarioTally {

    private long requests;
    private long preemptions;
    private long rejections;

    private ScenarioTally() {
    }

    /** Runs {@code scenario(seed, tally)} for every seed, in order; a failure is rethrown with its seed. */
    public static ScenarioTally run(int count, BiConsumer<Long, ScenarioTally> scenario) {
        ScenarioTally tally = new ScenarioTally();
        for (long seed = 0; seed < count; seed++) {
            try {
                scenario.accept(seed, tally);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("scenario seed " + seed + " failed: " + e.getMessage(), e);
            }
        }
        return tally;
    }

    /** Counts a finished scenario's sequences. */
    public void count(List<FakeSequence> seqs) {
        requests += seqs.size();
        preemptions += seqs.stream().mapToLong(FakeSequence::preemptions).sum();
        rejections += seqs.stream().filter(s -> s.finishReason() == FinishReason.REJECTED).count();
    }

    public long preemptions() {
        return preemptions;
    }

    public long rejections() {
        return rejections;
    }

    @Override
    public String toString() {
        return requests + " requests, " + preemptions + " preemptions, " + rejections + " rejections";
    }
}

package dev.railyard.examples.slo;

import dev.railyard.spi.scheduler.SequenceView;
import java.util.Comparator;

/**
 * When each sequence needs its next token: a sequence still waiting for its first token by its
 * TTFT deadline (arrival plus TTFT SLO); one that is decoding by its last token's time plus its
 * TPOT target. A sequence without the SLO has no deadline and comes after every one that has,
 * in arrival order, so without SLOs the scheduler is plain FCFS.
 */
final class Deadlines {

    /** Earliest deadline first; then arrival; then id. */
    static final Comparator<SequenceView> URGENCY = Comparator.comparingLong(Deadlines::of)
            .thenComparingLong(SequenceView::arrivalNanos).thenComparingLong(SequenceView::id);

    private Deadlines() {
    }

    /** The time by which {@code s} needs its next token, or {@link Long#MAX_VALUE} for none. */
    static long of(SequenceView s) {
        if (s.firstTokenNanos().isEmpty()) {
            return s.firstTokenDeadlineNanos().orElse(Long.MAX_VALUE);
        }
        if (s.timePerTokenTargetNanos().isPresent() && s.lastTokenNanos().isPresent()) {
            return s.lastTokenNanos().getAsLong() + s.timePerTokenTargetNanos().getAsLong();
        }
        return Long.MAX_VALUE;
    }
}

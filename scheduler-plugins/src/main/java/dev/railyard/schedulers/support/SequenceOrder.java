package dev.railyard.schedulers.support;

import dev.railyard.spi.scheduler.SequenceView;
import java.util.Comparator;
import java.util.List;

/** Orders in which schedulers serve sequences. */
public final class SequenceOrder {

    /** Arrival (then id): first come, first served. */
    public static final Comparator<SequenceView> FCFS = (a, b) -> {
        int c = Long.compare(a.arrivalNanos(), b.arrivalNanos());
        return c != 0 ? c : Long.compare(a.id(), b.id());
    };

    /** Smaller priority value first, then arrival, then id. */
    public static final Comparator<SequenceView> PRIORITY = (a, b) -> {
        int c = Integer.compare(a.priority(), b.priority());
        return c != 0 ? c : FCFS.compare(a, b);
    };

    private SequenceOrder() {
    }

    /** The sequences of {@code list} in {@code order}; sorts a copy only when needed. */
    public static SequenceView[] sorted(List<SequenceView> list, Comparator<SequenceView> order) {
        SequenceView[] a = list.toArray(new SequenceView[0]);
        for (int i = 1; i < a.length; i++) {
            if (order.compare(a[i - 1], a[i]) > 0) {
                java.util.Arrays.sort(a, order);
                break;
            }
        }
        return a;
    }
}

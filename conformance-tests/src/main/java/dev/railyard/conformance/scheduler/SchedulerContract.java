package dev.railyard.conformance.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A latency/throughput promise a scheduler makes, checked by rules C1 and C2 on the simulated
 * backend in virtual time: "at an offered load of X of my capacity, p99 TTFT is at most N steps,
 * p99 TPOT at most M steps, and throughput at least Y of min(offered load, offline maximum)".
 *
 * <p>Capacity is the scheduler's own offline maximum: its output tokens per virtual second when the
 * whole workload is submitted at once. A bound of 0 is not claimed.
 *
 * @param offeredLoad arrival rate as a fraction of capacity (0.5 is half; above 1 is overload)
 * @param maxP99TtftSteps p99 time to first token, in engine steps, or 0
 * @param maxP99TpotSteps p99 time per output token, in engine steps, or 0
 * @param minThroughputFraction throughput at least this fraction of min(offered, 1) × capacity, or 0
 */
public record SchedulerContract(double offeredLoad, double maxP99TtftSteps, double maxP99TpotSteps, double minThroughputFraction) {

    public SchedulerContract {
        if (!(offeredLoad > 0)) {
            throw new IllegalArgumentException("offered load must be positive, was " + offeredLoad);
        }
        if (maxP99TtftSteps < 0 || maxP99TpotSteps < 0 || minThroughputFraction < 0 || minThroughputFraction > 1) {
            throw new IllegalArgumentException("bounds must be non-negative and the throughput fraction at most 1");
        }
    }

    /** A contract at {@code load} × capacity that claims nothing yet; add bounds with the {@code with} methods. */
    public static SchedulerContract atLoad(double load) {
        return new SchedulerContract(load, 0, 0, 0);
    }

    public SchedulerContract withP99TtftSteps(double steps) {
        return new SchedulerContract(offeredLoad, steps, maxP99TpotSteps, minThroughputFraction);
    }

    public SchedulerContract withP99TpotSteps(double steps) {
        return new SchedulerContract(offeredLoad, maxP99TtftSteps, steps, minThroughputFraction);
    }

    public SchedulerContract withThroughputFraction(double fraction) {
        return new SchedulerContract(offeredLoad, maxP99TtftSteps, maxP99TpotSteps, fraction);
    }

    /** {@code true} when it bounds TTFT or TPOT. */
    public boolean claimsLatency() {
        return maxP99TtftSteps > 0 || maxP99TpotSteps > 0;
    }

    /** {@code true} when it bounds throughput. */
    public boolean claimsThroughput() {
        return minThroughputFraction > 0;
    }

    /** E.g. {@code "at 50% of capacity: p99 TTFT <= 6 steps, throughput >= 90% of offered"}. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (maxP99TtftSteps > 0) {
            parts.add(String.format(Locale.ROOT, "p99 TTFT <= %.4g steps", maxP99TtftSteps));
        }
        if (maxP99TpotSteps > 0) {
            parts.add(String.format(Locale.ROOT, "p99 TPOT <= %.4g steps", maxP99TpotSteps));
        }
        if (minThroughputFraction > 0) {
            parts.add(String.format(Locale.ROOT, "throughput >= %.0f%% of %s", minThroughputFraction * 100,
                    offeredLoad < 1 ? "offered" : "the offline maximum"));
        }
        return String.format(Locale.ROOT, "at %.0f%% of capacity: %s", offeredLoad * 100,
                parts.isEmpty() ? "nothing claimed" : String.join(", ", parts));
    }
}

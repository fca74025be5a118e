package dev.railyard.conformance.declarations;

import dev.railyard.conformance.scheduler.SchedulerContract;
import java.util.List;

/**
 * The contracts of the in-repo schedulers on the simulated backend's default cost model
 * (ShareGPT-like requests, Poisson arrivals at a fraction of each scheduler's own offline maximum).
 * Measured (virtual time, so exactly reproducible) and declared with about a factor of two of
 * margin:
 *
 * <table>
 * <caption>Measured</caption>
 * <tr><th>scheduler</th><th>load</th><th>p99 TTFT</th><th>p99 TPOT</th><th>throughput</th></tr>
 * <tr><td>continuous</td><td>50%</td><td>2 steps</td><td>1.00 steps</td><td>96% of offered</td></tr>
 * <tr><td>continuous</td><td>80%</td><td>3 steps</td><td>1.00 steps</td><td>94% of offered</td></tr>
 * <tr><td>continuous</td><td>120%</td><td>47 steps</td><td>1.00 steps</td><td>101% of the offline maximum</td></tr>
 * <tr><td>dynamic</td><td>50%</td><td>252 steps</td><td>1.00 steps</td><td>99% of offered</td></tr>
 * <tr><td>dynamic</td><td>120%</td><td>8419 steps</td><td>1.00 steps</td><td>101% of the offline maximum</td></tr>
 * <tr><td>speculative</td><td>50%</td><td>2 steps</td><td>1.00 steps</td><td>98% of offered</td></tr>
 * <tr><td>speculative</td><td>80%</td><td>4 steps</td><td>1.00 steps</td><td>96% of offered</td></tr>
 * <tr><td>speculative</td><td>120%</td><td>199 steps</td><td>1.00 steps</td><td>99% of the offline maximum</td></tr>
 * </table>
 */
final class InRepoContracts {

    /** Continuous batching: low TTFT up to high load, no decode starvation, full throughput at saturation. */
    static final List<SchedulerContract> CONTINUOUS = List.of(
            SchedulerContract.atLoad(0.5).withP99TtftSteps(4).withP99TpotSteps(1.5).withThroughputFraction(0.9),
            SchedulerContract.atLoad(0.8).withP99TtftSteps(8).withP99TpotSteps(1.5).withThroughputFraction(0.88),
            SchedulerContract.atLoad(1.2).withP99TpotSteps(1.5).withThroughputFraction(0.95));

    /** Static batching: TTFT includes gathering and the running batch's tail, throughput holds. */
    static final List<SchedulerContract> DYNAMIC = List.of(
            SchedulerContract.atLoad(0.5).withP99TtftSteps(600).withP99TpotSteps(1.5).withThroughputFraction(0.9),
            SchedulerContract.atLoad(1.2).withThroughputFraction(0.95));

    /** Speculative decoding on continuous batching: like continuous, with drafts in the budget. */
    static final List<SchedulerContract> SPECULATIVE = List.of(
            SchedulerContract.atLoad(0.5).withP99TtftSteps(4).withP99TpotSteps(1.5).withThroughputFraction(0.9),
            SchedulerContract.atLoad(0.8).withP99TtftSteps(10).withP99TpotSteps(1.5).withThroughputFraction(0.88),
            SchedulerContract.atLoad(1.2).withThroughputFraction(0.95));

    private InRepoContracts() {
    }
}

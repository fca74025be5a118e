package dev.railyard.conformance.driver;

import dev.railyard.conformance.workload.Workload;
import dev.railyard.host.engine.EngineStats;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * Everything one simulated run produced.
 *
 * @param workload what was offered
 * @param requests per-request metrics, by workload index
 * @param steps engine steps run
 * @param virtualNanos virtual time from the start of the run (time 0) to its end
 * @param backendWallNanos wall time spent in the backend
 * @param stats the engine's counters at the end
 * @param drained every request ended and the engine went idle
 * @param stopReason why the run stopped when it did not drain (stuck, step limit, engine failure), else null
 * @param leftovers what was left waiting or running when the scheduler last planned no work, if the run did not drain
 * @param usedBlocksAtEnd KV blocks in use when the run stopped
 * @param idleLeaks times the engine was idle with blocks still in use (0 when right)
 * @param planBreaches refused plans and scheduler exceptions, first per rule
 * @param backendErrors backend failures seen in results
 * @param cancels what each cancellation did
 * @param draftsProposed draft tokens the scheduler planned
 * @param draftsAccepted draft tokens the host accepted
 * @param rejectionReasons the reasons of every rejection
 */
public record RunResult(Workload workload, List<RequestMetrics> requests, long steps, long virtualNanos, long backendWallNanos,
                        EngineStats stats, boolean drained, String stopReason, List<ObservedScheduler.Leftover> leftovers,
                        int usedBlocksAtEnd, int idleLeaks, List<PlanBreach> planBreaches, List<String> backendErrors,
                        List<CancelObservation> cancels, long draftsProposed, long draftsAccepted, List<String> rejectionReasons) {

    /** Requests matching {@code filter}. */
    public List<RequestMetrics> where(Predicate<RequestMetrics> filter) {
        return requests.stream().filter(filter).toList();
    }

    /** A metric of the requests matching {@code filter} that have it (value >= 0). */
    public double[] metric(Predicate<RequestMetrics> filter, ToDoubleFunction<RequestMetrics> metric) {
        return requests.stream().filter(filter).mapToDouble(metric).filter(v -> v >= 0).toArray();
    }

    /** Output tokens produced in total. */
    public long outputTokens() {
        return requests.stream().mapToLong(r -> r.streamed().size()).sum();
    }

    /** Output tokens per virtual second over the whole run. */
    public double outputTokensPerSecond() {
        return virtualNanos == 0 ? 0 : outputTokens() * 1e9 / virtualNanos;
    }

    /** Requests that ended normally. */
    public long completedCount() {
        return requests.stream().filter(RequestMetrics::completedNormally).count();
    }

    /** {@code true} when the host refused no plan and the scheduler threw nothing. */
    public boolean plansValid() {
        return planBreaches.isEmpty();
    }
}

package dev.railyard.conformance.scheduler;

import dev.railyard.conformance.driver.Cancellation;
import dev.railyard.conformance.workload.Workload;
import java.util.List;

/**
 * One run the rules look at: a workload, cancellations, and the KV pool to run it in.
 *
 * @param name short name used in messages (e.g. {@code tiny-pool})
 * @param purpose one line on what it exercises
 * @param workload the requests
 * @param cancels cancellations
 * @param numBlocks KV pool size, 0 for the backend's default
 */
public record Scenario(String name, String purpose, Workload workload, List<Cancellation> cancels, int numBlocks) {
}

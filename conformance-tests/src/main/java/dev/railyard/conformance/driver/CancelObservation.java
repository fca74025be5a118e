package dev.railyard.conformance.driver;

import dev.railyard.spi.scheduler.FinishReason;

/**
 * What happened when the driver cancelled a request.
 *
 * @param requestIndex the request
 * @param wasActive it had not ended before the cancel
 * @param wasAdmitted it held KV blocks (scheduled and not preempted since)
 * @param usedBlocksBefore blocks in use just before the cancel
 * @param usedBlocksAfter blocks in use just after
 * @param reasonRightAfter how the request had ended right after the cancel returned (null: not ended)
 */
public record CancelObservation(int requestIndex, boolean wasActive, boolean wasAdmitted, int usedBlocksBefore,
                                int usedBlocksAfter, FinishReason reasonRightAfter) {
}

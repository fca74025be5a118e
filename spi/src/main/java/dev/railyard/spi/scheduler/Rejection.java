package dev.railyard.spi.scheduler;

import java.util.Objects;

/**
 * The scheduler refuses a waiting request (queue full, waited too long). The host completes it
 * with an error carrying {@code reason}.
 *
 * @param sequenceId a waiting sequence
 * @param reason what the user is told, e.g. {@code "queue full: 64 requests waiting (max-queue-size 64)"}; never null
 */
public record Rejection(long sequenceId, String reason) {

    public Rejection {
        Objects.requireNonNull(reason, "reason");
    }
}

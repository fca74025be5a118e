/**
 * The {@code dynamic} scheduler: request-level (static) batching with the gathering rules of
 * Triton's dynamic batcher and DJL Serving. See {@link
 * dev.railyard.schedulers.dynamic.DynamicBatchScheduler}.
 */
package dev.railyard.schedulers.dynamic;

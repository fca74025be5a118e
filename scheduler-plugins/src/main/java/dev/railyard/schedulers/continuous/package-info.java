/**
 * The {@code continuous} scheduler: iteration-level batching as in vLLM. See {@link
 * dev.railyard.schedulers.continuous.ContinuousScheduler}.
 */
package dev.railyard.schedulers.continuous;

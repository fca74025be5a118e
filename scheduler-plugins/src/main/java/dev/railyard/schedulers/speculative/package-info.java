/**
 * The {@code speculative} scheduler: a base policy plus draft tokens from a drafter. See {@link
 * dev.railyard.schedulers.speculative.SpeculativeScheduler}.
 */
package dev.railyard.schedulers.speculative;

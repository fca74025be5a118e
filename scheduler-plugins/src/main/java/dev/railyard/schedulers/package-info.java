/**
 * Railyard's scheduler plugins, found with {@link java.util.ServiceLoader}:
 * <ul>
 *   <li>{@code continuous} ({@link dev.railyard.schedulers.continuous}): iteration-level
 *       (continuous) batching with chunked prefill, FCFS or priority admission and preemption by
 *       recompute, as in vLLM;</li>
 *   <li>{@code dynamic} ({@link dev.railyard.schedulers.dynamic}): request-level (static)
 *       batching with a dynamic batcher's gathering rules, as in Triton and DJL Serving;</li>
 *   <li>{@code speculative} ({@link dev.railyard.schedulers.speculative}): wraps a base policy
 *       and adds draft tokens from a drafter to decoding sequences;</li>
 *   <li>drafters {@code ngram} and {@code draft-model} ({@link dev.railyard.schedulers.drafters}).</li>
 * </ul>
 * The plugins depend on {@code railyard-spi} only. Shared helpers live in {@link
 * dev.railyard.schedulers.support}.
 */
package dev.railyard.schedulers;

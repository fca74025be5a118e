/**
 * The Railyard plugin SPI: the small, stable API that scheduler and backend plugins compile
 * against. It depends on the JDK only.
 *
 * <p>Sub-packages:
 * <ul>
 *   <li>{@link dev.railyard.spi.scheduler}: schedulers decide, each engine iteration, which
 *       sequences run and how many tokens each computes;</li>
 *   <li>{@link dev.railyard.spi.backend}: backends execute one flat batch of tokens against a
 *       model and a paged KV cache;</li>
 *   <li>{@link dev.railyard.spi.model}: the model description (hyper-parameters and named weight
 *       tensors) that the host hands to backends;</li>
 *   <li>{@link dev.railyard.spi.config}: how plugins declare their typed configuration.</li>
 * </ul>
 *
 * <p>General rules for every SPI type: no method returns {@code null} unless its javadoc says so
 * (optional values are {@link java.util.Optional} or documented sentinels); collections handed
 * to a plugin are read-only; the host calls a plugin instance from one thread at a time (the
 * engine-loop thread) unless a method says otherwise.
 */
package dev.railyard.spi;

/**
 * The drafter SPI for speculative decoding. A {@link dev.railyard.spi.speculative.Drafter}
 * proposes draft tokens for decoding sequences; a speculative scheduler puts them into its plan
 * ({@link dev.railyard.spi.scheduler.ScheduledWork#withDraft}) and the host verifies them exactly
 * against the target model. Drafters are found with {@link java.util.ServiceLoader} under {@code
 * META-INF/services/dev.railyard.spi.speculative.DrafterProvider}.
 */
package dev.railyard.spi.speculative;

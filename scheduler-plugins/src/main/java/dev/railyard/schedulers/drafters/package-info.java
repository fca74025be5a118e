/**
 * Drafters for speculative decoding, behind the SPI's {@link dev.railyard.spi.scheduler.Drafter}:
 * {@code ngram} (prompt lookup, no model; {@link dev.railyard.schedulers.drafters.NgramDrafter})
 * and {@code draft-model} (a smaller model on its own KV pool; {@link
 * dev.railyard.schedulers.drafters.DraftModelDrafter}).
 */
package dev.railyard.schedulers.drafters;

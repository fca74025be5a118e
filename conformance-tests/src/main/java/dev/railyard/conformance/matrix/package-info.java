/**
 * The matrix runner behind {@code railyard conformance}: every scheduler × backend combination,
 * reported in Markdown ({@link dev.railyard.conformance.matrix.MarkdownReport}) and JSON ({@link
 * dev.railyard.conformance.matrix.JsonReport}).
 */
package dev.railyard.conformance.matrix;

/**
 * The backend SPI. A {@link dev.railyard.spi.backend.BackendProvider} opens a {@link
 * dev.railyard.spi.backend.Backend} for a model; the backend owns KV-cache memory (a pool of
 * fixed-size blocks) and executes one {@link dev.railyard.spi.backend.StepBatch} at a time,
 * returning {@link dev.railyard.spi.backend.Logits} for the positions the host asked for. The
 * host's block manager owns block allocation: it tells the backend, through each sequence's
 * block table, where that sequence's keys and values live.
 */
package dev.railyard.spi.backend;

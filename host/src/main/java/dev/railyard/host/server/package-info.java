/**
 * The OpenAI-compatible HTTP API ({@code railyard serve}): {@link dev.railyard.host.server.OpenAiServer}
 * serves one {@link dev.railyard.host.server.ServedModel} (an engine under a model name, with its
 * chat template) on a Helidon SE web server whose handlers run on virtual threads.
 *
 * <p>Endpoints: {@code POST /v1/completions}, {@code POST /v1/chat/completions} (both stream with
 * server-sent events when {@code stream} is true), {@code GET /v1/models}, {@code GET /health},
 * {@code GET /ready} and {@code GET /metrics} (Prometheus text format, fed by an engine observer).
 * Errors have OpenAI's shape, {@code {"error": {"message", "type", "param", "code"}}}.
 */
package dev.railyard.host.server;

/**
 * Backend conformance: {@link dev.railyard.conformance.backend.AbstractBackendConformanceTest} for
 * authors, {@link dev.railyard.conformance.backend.BackendConformanceKit} behind it (rules B1..B7),
 * and the direct backend driver {@link dev.railyard.conformance.backend.TraceRunner}.
 */
package dev.railyard.conformance.backend;

package dev.railyard.host.cli;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * Tells whether the JIT compiler was quiet while some work ran in this JVM: a benchmark that
 * measures before it is quiet measures the compiler too (on two cores a compiler thread busy in
 * the background takes a core from the engine; in one run the first of two identical measurements
 * was 25% slower than the second because of it, and 120-request runs of identical plans differed
 * by 20%).
 */
final class JitWatch {

    /** Quiet: the work added less compilation time than this share of its wall time. */
    static final double QUIET_SHARE = 0.02;

    private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    private final boolean available = jit != null && jit.isCompilationTimeMonitoringSupported();

    /** Whether this JVM reports compilation time (if not, {@link #quietDuring} always says yes). */
    boolean available() {
        return available;
    }

    /** Runs {@code work} and returns whether the JIT compiler was quiet meanwhile. */
    boolean quietDuring(Runnable work) {
        long compiledBefore = available ? jit.getTotalCompilationTime() : 0;
        long t0 = System.nanoTime();
        work.run();
        double wallMs = (System.nanoTime() - t0) / 1e6;
        double jitMs = available ? jit.getTotalCompilationTime() - compiledBefore : 0;
        return jitMs <= QUIET_SHARE * wallMs;
    }
}

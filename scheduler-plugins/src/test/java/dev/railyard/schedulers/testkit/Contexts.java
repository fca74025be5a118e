package dev.railyard.schedulers.testkit;

import dev.railyard.spi.Clock;
import dev.railyard.spi.scheduler.Drafter;
import dev.railyard.spi.scheduler.Drafters;
import dev.railyard.spi.scheduler.EngineLimits;
import dev.railyard.spi.scheduler.SchedulerContext;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/** Builds scheduler contexts for tests. */
public final class Contexts {

    private Contexts() {
    }

    /** A virtual clock that reads whatever {@code now} the supplier says. */
    public static Clock clock(java.util.function.LongSupplier now) {
        return new Clock() {
            @Override
            public long nanoTime() {
                return now.getAsLong();
            }

            @Override
            public boolean isVirtual() {
                return true;
            }
        };
    }

    public static EngineLimits limits(int maxTokensPerStep, int maxSequencesPerStep, int maxContextLength, boolean chunked,
                                      boolean multiPosition) {
        return new EngineLimits(maxTokensPerStep, maxSequencesPerStep, maxContextLength, chunked, multiPosition);
    }

    public static SchedulerContext context(EngineLimits limits, int blockSize, int totalBlocks) {
        return context(limits, blockSize, totalBlocks, (name, cfg) -> {
            throw new IllegalArgumentException("no drafter named '" + name + "'");
        });
    }

    public static SchedulerContext context(EngineLimits limits, int blockSize, int totalBlocks,
                                           BiFunction<String, Map<String, Object>, Drafter> drafters) {
        Drafters d = new Drafters() {
            @Override
            public Drafter open(String name, Map<String, Object> config) {
                return drafters.apply(name, config);
            }

            @Override
            public List<String> names() {
                return List.of("ngram", "draft-model");
            }
        };
        return new SchedulerContext("test", clock(() -> 0L), limits, blockSize, totalBlocks, d);
    }

    /** {@code n} tokens {@code 1, 2, ...} (mod 997, never 0). */
    public static int[] prompt(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = 1 + i % 997;
        }
        return p;
    }
}

package dev.railyard.schedulers;

import java.util.List;

/** What the tests expect to find registered. */
final class Schedulers {
    static final List<String> NAMES = List.of("continuous", "dynamic", "speculative");

    private Schedulers() {
    }
}

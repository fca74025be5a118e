package dev.railyard.spi.scheduler;

import java.util.Map;

/** Lets a scheduler open a drafter by name; offered in the scheduler's context. */
public interface Drafters {

    /**
     * Opens the drafter named {@code name}, binding {@code config} (kebab-case keys) onto its
     * configuration type.
     *
     * @throws IllegalArgumentException when no drafter has that name (the message lists the
     *     names found) or the config has unknown keys (the message lists the valid ones)
     */
    Drafter open(String name, Map<String, Object> config);

    /** Names of the drafters found. */
    java.util.List<String> names();
}

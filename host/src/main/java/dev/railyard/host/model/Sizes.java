package dev.railyard.host.model;

import java.util.Locale;

/** Human-readable byte counts for progress messages. */
final class Sizes {

    private Sizes() {
    }

    /** E.g. {@code 512 B}, {@code 2.5 MB}, {@code 2.20 GB} (decimal units). */
    static String bytes(long n) {
        if (n < 1000) {
            return n + " B";
        }
        if (n < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f kB", n / 1e3);
        }
        if (n < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.1f MB", n / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f GB", n / 1e9);
    }
}

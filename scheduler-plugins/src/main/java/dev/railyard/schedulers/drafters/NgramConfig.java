package dev.railyard.schedulers.drafters;

import dev.railyard.spi.config.InvalidConfigException;
import dev.railyard.spi.config.PluginConfig;

/**
 * Configuration of the {@code ngram} drafter (YAML keys in kebab-case).
 *
 * <ul>
 *   <li>{@code max-ngram}: the longest suffix looked up (3);</li>
 *   <li>{@code min-ngram}: the shortest suffix looked up (1);</li>
 *   <li>{@code max-candidates}: earlier occurrences examined per lookup, newest first (256),
 *       which bounds the work per step on long sequences.</li>
 * </ul>
 */
public class NgramConfig implements PluginConfig {

    /** The longest suffix looked up. */
    public int maxNgram = 3;
    /** The shortest suffix looked up. */
    public int minNgram = 1;
    /** Earlier occurrences examined per lookup. */
    public int maxCandidates = 256;

    /** Defaults everywhere. */
    public NgramConfig() {
    }

    @Override
    public void validate() {
        InvalidConfigException.check(minNgram >= 1, "min-ngram must be at least 1, was " + minNgram);
        InvalidConfigException.check(maxNgram >= minNgram, "max-ngram (" + maxNgram + ") must be at least min-ngram (" + minNgram + ")");
        InvalidConfigException.check(maxNgram <= 64, "max-ngram must be at most 64, was " + maxNgram);
        InvalidConfigException.check(maxCandidates >= 1, "max-candidates must be at least 1, was " + maxCandidates);
    }
}

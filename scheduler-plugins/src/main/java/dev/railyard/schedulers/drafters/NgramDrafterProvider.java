package dev.railyard.schedulers.drafters;

import dev.railyard.spi.scheduler.Drafter;
import dev.railyard.spi.scheduler.DrafterContext;
import dev.railyard.spi.scheduler.DrafterProvider;

/** Provides the {@code ngram} drafter (prompt lookup decoding; no model). */
public final class NgramDrafterProvider implements DrafterProvider<NgramConfig> {

    /** The name users select it by. */
    public static final String NAME = "ngram";

    /** For {@link java.util.ServiceLoader}. */
    public NgramDrafterProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "prompt lookup: proposes what followed the longest earlier match of the sequence's last tokens; no model";
    }

    @Override
    public Class<NgramConfig> configType() {
        return NgramConfig.class;
    }

    @Override
    public Drafter create(NgramConfig config, DrafterContext context) {
        config.validate();
        return new NgramDrafter(config);
    }
}

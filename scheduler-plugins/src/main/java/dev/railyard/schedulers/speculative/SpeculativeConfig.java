package dev.railyard.schedulers.speculative;

import dev.railyard.schedulers.continuous.ContinuousConfig;
import dev.railyard.schedulers.dynamic.DynamicConfig;
import dev.railyard.schedulers.support.MapBinder;
import dev.railyard.spi.config.InvalidConfigException;
import dev.railyard.spi.config.PluginConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Configuration of the {@code speculative} scheduler (YAML keys in kebab-case).
 *
 * <ul>
 *   <li>{@code base}: the policy that decides who runs, {@code continuous} (default) or {@code
 *       dynamic};</li>
 *   <li>{@code base-config}: that policy's own keys, e.g. {@code {max-num-seqs: 64}};</li>
 *   <li>{@code drafter}: the drafter's name; by default {@code draft-model} when {@code
 *       draft-model} is set, else {@code ngram};</li>
 *   <li>{@code drafter-config}: the drafter's own keys, e.g. {@code {max-ngram: 4}};</li>
 *   <li>{@code draft-model}: the draft model's directory (set by {@code --draft-model}); passed to
 *       the {@code draft-model} drafter as its {@code model};</li>
 *   <li>{@code num-speculative-tokens}: draft tokens per sequence and step, k (4);</li>
 *   <li>{@code adaptive}: adapt each sequence's k to its running acceptance rate, within [1, k]
 *       (false);</li>
 *   <li>{@code disable-by-batch-size}: run a step without drafts while more than this many
 *       sequences are running or waiting, as vLLM's {@code speculative_disable_by_batch_size}: a
 *       large batch already keeps the backend busy, and verifying drafts for all of it costs more
 *       than they save; 0 never disables (0).</li>
 * </ul>
 */
public class SpeculativeConfig implements PluginConfig {

    /** {@code continuous} or {@code dynamic}. */
    public String base = "continuous";
    /** The base policy's configuration. */
    public Map<String, Object> baseConfig = new LinkedHashMap<>();
    /** The drafter's name; null picks {@code draft-model} or {@code ngram}. */
    public String drafter;
    /** The drafter's configuration. */
    public Map<String, Object> drafterConfig = new LinkedHashMap<>();
    /** The draft model's directory, or null. */
    public String draftModel;
    /** Draft tokens per sequence and step. */
    public int numSpeculativeTokens = 4;
    /** Adapt k per sequence to its acceptance rate. */
    public boolean adaptive = false;
    /** Steps run without drafts while more than this many sequences are running or waiting; 0: never. */
    public int disableByBatchSize = 0;

    /** Defaults everywhere. */
    public SpeculativeConfig() {
    }

    @Override
    public void validate() {
        InvalidConfigException.check("continuous".equals(base) || "dynamic".equals(base),
                "base must be 'continuous' or 'dynamic', was '" + base + "'");
        bindBase(); // checks base-config's keys and values
        InvalidConfigException.check(numSpeculativeTokens >= 1 && numSpeculativeTokens <= 64,
                "num-speculative-tokens must be in [1, 64], was " + numSpeculativeTokens);
        InvalidConfigException.check(drafter == null || !drafter.isBlank(), "drafter must not be blank");
        InvalidConfigException.check(draftModel == null || !draftModel.isBlank(), "draft-model must not be blank");
        InvalidConfigException.check(draftModel == null || drafter == null || "draft-model".equals(drafter),
                "draft-model is set, but drafter is '" + drafter + "': a draft model needs drafter 'draft-model'");
        InvalidConfigException.check(drafterConfig != null, "drafter-config must be a map");
        InvalidConfigException.check(disableByBatchSize >= 0,
                "disable-by-batch-size must be 0 (never) or a number of sequences, was " + disableByBatchSize);
    }

    /** The drafter to open. */
    public String drafterName() {
        if (drafter != null) {
            return drafter;
        }
        return draftModel != null ? "draft-model" : "ngram";
    }

    /** The drafter's configuration, with {@code model} from {@code draft-model}. */
    public Map<String, Object> drafterSettings() {
        Map<String, Object> m = new LinkedHashMap<>(drafterConfig == null ? Map.of() : drafterConfig);
        if (draftModel != null) {
            m.putIfAbsent("model", draftModel);
        }
        return m;
    }

    /** The base policy's configuration, bound and validated. */
    Object bindBase() {
        return "dynamic".equals(base) ? MapBinder.bind(DynamicConfig.class, baseConfig, "base-config")
                : MapBinder.bind(ContinuousConfig.class, baseConfig, "base-config");
    }
}

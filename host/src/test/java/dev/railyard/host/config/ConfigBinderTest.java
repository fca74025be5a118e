package dev.railyard.host.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.railyard.spi.config.InvalidConfigException;
import dev.railyard.spi.config.PluginConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigBinderTest {

    /** A plugin-style config class. */
    public static final class SampleConfig implements PluginConfig {
        public int maxNumSeqs = 256;
        public String policy = "fcfs";
        public List<Integer> preferredBatchSizes = List.of();

        @Override
        public void validate() {
            InvalidConfigException.check(maxNumSeqs >= 1, "max-num-seqs must be at least 1, was " + maxNumSeqs);
        }
    }

    @TempDir
    Path tmp;

    @Test
    void bindsKebabCaseKeysOntoFields() {
        SampleConfig c = ConfigBinder.bind(SampleConfig.class,
                Map.of("max-num-seqs", 8, "policy", "priority", "preferred-batch-sizes", List.of(2, 4)), "scheduler 's'");
        assertThat(c.maxNumSeqs).isEqualTo(8);
        assertThat(c.policy).isEqualTo("priority");
        assertThat(c.preferredBatchSizes).containsExactly(2, 4);
    }

    @Test
    void unknownKeysAreRefusedListingTheValidOnes() {
        assertThatThrownBy(() -> ConfigBinder.bind(SampleConfig.class, Map.of("max-num-seq", 8), "scheduler 'continuous'"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("scheduler 'continuous': unknown key 'max-num-seq'; valid keys: max-num-seqs, policy, preferred-batch-sizes");
    }

    @Test
    void wrongTypesAndFailedValidationNameTheKey() {
        assertThatThrownBy(() -> ConfigBinder.bind(SampleConfig.class, Map.of("max-num-seqs", "many"), "scheduler 's'"))
                .hasMessageContaining("key 'max-num-seqs'");
        assertThatThrownBy(() -> ConfigBinder.bind(SampleConfig.class, Map.of("max-num-seqs", 0), "scheduler 's'"))
                .hasMessage("scheduler 's': max-num-seqs must be at least 1, was 0");
    }

    @Test
    void defaultsListEveryKey() {
        assertThat(ConfigBinder.defaults(SampleConfig.class)).containsEntry("max-num-seqs", 256).containsEntry("policy", "fcfs");
    }

    @Test
    void yamlFileSectionsAndOverrides() throws Exception {
        Path f = tmp.resolve("railyard.yaml");
        Files.writeString(f, """
                model: /models/x
                backend: { type: cpu-reference, threads: 2 }
                scheduler:
                  type: dynamic
                  max-batch-size: 8
                kv: { block-size: 32 }
                """);
        RailyardConfig c = RailyardConfig.load(f);
        assertThat(c.model).isEqualTo("/models/x");
        assertThat(c.backend.type).isEqualTo("cpu-reference");
        assertThat(c.backend.settings).containsEntry("threads", 2);
        assertThat(c.scheduler.type).isEqualTo("dynamic");
        assertThat(c.blockSize).isEqualTo(32);
        c.applyOverrides(List.of("scheduler.max-batch-size=4", "backend.threads=1"));
        assertThat(c.scheduler.settings).containsEntry("max-batch-size", 4L);
    }

    @Test
    void yamlErrorsNameTheFileAndTheKey() throws Exception {
        Path f = tmp.resolve("bad.yaml");
        Files.writeString(f, "modle: x\n");
        assertThatThrownBy(() -> RailyardConfig.load(f)).hasMessageContaining("bad.yaml: unknown key 'modle'; valid keys: ");
        Files.writeString(f, "kv: { block-size: big }\n");
        assertThatThrownBy(() -> RailyardConfig.load(f)).hasMessageContaining("'block-size' must be an integer, was 'big'");
        assertThatThrownBy(() -> RailyardConfig.load(tmp.resolve("missing.yaml"))).hasMessageContaining("does not exist");
    }
}

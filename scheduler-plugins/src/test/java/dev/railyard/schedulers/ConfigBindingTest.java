package dev.railyard.schedulers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.railyard.schedulers.continuous.ContinuousConfig;
import dev.railyard.schedulers.drafters.DraftModelConfig;
import dev.railyard.schedulers.drafters.NgramConfig;
import dev.railyard.schedulers.dynamic.DynamicConfig;
import dev.railyard.schedulers.speculative.SpeculativeConfig;
import java.util.List;
import java.util.Map;
import dev.railyard.spi.config.PluginConfig;
import org.junit.jupiter.api.Test;

/** The config classes bind from kebab-case YAML the way the host binds them (Jackson). */
class ConfigBindingTest {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    static <C> C bind(String yaml, Class<C> type) throws Exception {
        C c = YAML.readValue(yaml, type);
        if (c instanceof PluginConfig pc) {
            pc.validate();
        }
        return c;
    }

    @Test
    void continuous() throws Exception {
        ContinuousConfig c = bind("""
                policy: priority
                max-batched-tokens: 512
                max-num-seqs: 32
                enable-chunked-prefill: false
                long-prefill-token-threshold: 64
                """, ContinuousConfig.class);
        assertThat(c.policy).isEqualTo("priority");
        assertThat(c.maxBatchedTokens).isEqualTo(512);
        assertThat(c.maxNumSeqs).isEqualTo(32);
        assertThat(c.enableChunkedPrefill).isFalse();
        assertThat(c.longPrefillTokenThreshold).isEqualTo(64);
        ContinuousConfig d = bind("{}", ContinuousConfig.class);
        assertThat(d.maxBatchedTokens).isEqualTo(2048);
        assertThat(d.maxNumSeqs).isEqualTo(256);
        assertThat(d.policy).isEqualTo("fcfs");
    }

    @Test
    void dynamic() throws Exception {
        DynamicConfig c = bind("""
                max-batch-size: 16
                preferred-batch-sizes: [4, 8]
                max-queue-delay-ms: 0
                priority-levels: 3
                default-priority-level: 2
                max-queue-size: 32
                default-timeout-ms: 1500
                timeout-action: delay
                """, DynamicConfig.class);
        assertThat(c.maxBatchSize).isEqualTo(16);
        assertThat(c.preferredBatchSizes).containsExactly(4, 8);
        assertThat(c.maxQueueDelayMs).isZero();
        assertThat(c.priorityLevels).isEqualTo(3);
        assertThat(c.defaultPriorityLevel).isEqualTo(2);
        assertThat(c.maxQueueSize).isEqualTo(32);
        assertThat(c.defaultTimeoutMs).isEqualTo(1500);
        assertThat(c.timeoutAction).isEqualTo("delay");
        DynamicConfig d = bind("{}", DynamicConfig.class);
        assertThat(d.maxBatchSize).isEqualTo(8);
        assertThat(d.preferredBatchSizes).isEmpty();
    }

    @Test
    void speculative() throws Exception {
        SpeculativeConfig c = bind("""
                base: dynamic
                base-config:
                  max-batch-size: 4
                  preferred-batch-sizes: [2, 4]
                drafter-config:
                  kv-blocks: 256
                draft-model: /models/draft
                num-speculative-tokens: 6
                adaptive: true
                disable-by-batch-size: 8
                """, SpeculativeConfig.class);
        assertThat(c.base).isEqualTo("dynamic");
        assertThat(c.baseConfig).containsEntry("max-batch-size", 4).containsEntry("preferred-batch-sizes", List.of(2, 4));
        assertThat(c.drafterName()).isEqualTo("draft-model");
        assertThat(c.drafterSettings()).isEqualTo(Map.of("kv-blocks", 256, "model", "/models/draft"));
        assertThat(c.numSpeculativeTokens).isEqualTo(6);
        assertThat(c.adaptive).isTrue();
        assertThat(c.disableByBatchSize).isEqualTo(8);
        SpeculativeConfig d = bind("{}", SpeculativeConfig.class);
        assertThat(d.base).isEqualTo("continuous");
        assertThat(d.drafterName()).isEqualTo("ngram");
        assertThat(d.numSpeculativeTokens).isEqualTo(4);
        // the host lists each class's keys from a default instance: only the documented ones appear
        assertThat(YAML.valueToTree(new SpeculativeConfig()).fieldNames()).toIterable().containsExactlyInAnyOrder(
                "base", "base-config", "drafter", "drafter-config", "draft-model", "num-speculative-tokens", "adaptive",
                "disable-by-batch-size");
        assertThat(YAML.valueToTree(new ContinuousConfig()).fieldNames()).toIterable().containsExactlyInAnyOrder(
                "policy", "max-batched-tokens", "max-num-seqs", "enable-chunked-prefill", "long-prefill-token-threshold");
    }

    @Test
    void drafters() throws Exception {
        NgramConfig n = bind("max-ngram: 5\nmin-ngram: 2\nmax-candidates: 64\n", NgramConfig.class);
        assertThat(n.maxNgram).isEqualTo(5);
        assertThat(n.minNgram).isEqualTo(2);
        assertThat(n.maxCandidates).isEqualTo(64);
        DraftModelConfig m = bind("model: /m\nkv-blocks: 64\nblock-size: 8\n", DraftModelConfig.class);
        assertThat(m.model).isEqualTo("/m");
        assertThat(m.kvBlocks).isEqualTo(64);
        assertThat(m.blockSize).isEqualTo(8);
    }
}

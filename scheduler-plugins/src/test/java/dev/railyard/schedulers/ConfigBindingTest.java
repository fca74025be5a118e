package dev.railyard.schedulers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.railyard.schedulers.continuous.ContinuousConfig;
import dev.railyard.schedulers.dynamic.DynamicConfig;
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
}

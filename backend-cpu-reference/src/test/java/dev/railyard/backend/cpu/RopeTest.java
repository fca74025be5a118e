package dev.railyard.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.railyard.spi.model.ModelFormatException;
import dev.railyard.spi.model.RopeScaling;
import org.junit.jupiter.api.Test;

/** RoPE frequencies against the float64 transcription of transformers' initialisers. */
class RopeTest {

    @Test
    void llama31FrequenciesFollowTheThreeBands() {
        RopeScaling s = new RopeScaling("llama3", 8, 1, 4, 8192);
        float[] ours = Rope.inverseFrequencies(128, 500000, s);
        double[] ref = ReferenceTransformer.inverseFrequencies(128, 500000, s);
        double[] plain = ReferenceTransformer.inverseFrequencies(128, 500000, RopeScaling.NONE);
        int high = 0;
        int low = 0;
        int medium = 0;
        for (int i = 0; i < ref.length; i++) {
            assertThat((double) ours[i]).isCloseTo(ref[i], within(ref[i] * 1e-6));
            double wavelen = 2 * Math.PI / plain[i];
            if (wavelen < 8192 / 4.0) {
                high++;
                assertThat(ref[i]).isEqualTo(plain[i]);
            } else if (wavelen > 8192) {
                low++;
                assertThat(ref[i]).isCloseTo(plain[i] / 8, within(1e-18));
            } else {
                medium++;
                assertThat(ref[i]).isBetween(plain[i] / 8, plain[i]);
            }
        }
        assertThat(high).isPositive();
        assertThat(low).isPositive();
        assertThat(medium).isPositive();
    }

    @Test
    void linearScalingDividesEveryFrequency() {
        float[] ours = Rope.inverseFrequencies(64, 10000, new RopeScaling("linear", 4, 0, 0, 0));
        double[] plain = ReferenceTransformer.inverseFrequencies(64, 10000, RopeScaling.NONE);
        for (int i = 0; i < ours.length; i++) {
            assertThat((double) ours[i]).isCloseTo(plain[i] / 4, within(plain[i] * 1e-6));
        }
    }

    @Test
    void unknownScalingIsRefused() {
        assertThatThrownBy(() -> Rope.inverseFrequencies(64, 10000, new RopeScaling("yarn", 4, 0, 0, 0)))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("yarn");
    }
}

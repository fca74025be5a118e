package dev.railyard.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.railyard.conformance.sim.CostModel;
import dev.railyard.conformance.sim.CostSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CostModelTest {

    @Test
    void leastSquaresRecoversTheCoefficientsFromNoisySamples() {
        CostModel truth = new CostModel(3_000_000, 25_000, 4);
        Random rng = new Random(1);
        List<CostSample> samples = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int tokens = 1 + rng.nextInt(512);
            long reads = (long) rng.nextInt(200_000);
            double seconds = truth.stepNanos(tokens, reads) / 1e9 * (1 + 0.01 * rng.nextGaussian());
            samples.add(new CostSample(tokens, reads, seconds));
        }
        CostModel fit = CostModel.calibrate(samples);
        assertThat(fit.fixedNanos()).isCloseTo(3_000_000, within(150_000.0));
        assertThat(fit.perTokenNanos()).isCloseTo(25_000, within(1_000.0));
        assertThat(fit.perKvReadNanos()).isCloseTo(4, within(0.3));
        assertThat(fit.rSquared(samples)).isGreaterThan(0.99);
    }

    @Test
    void aTermTheSamplesCannotSupportIsDroppedNotNegative() {
        List<CostSample> samples = new ArrayList<>();
        for (int t = 1; t <= 20; t++) {
            samples.add(new CostSample(t, 0, (1_000_000 + 10_000.0 * t) / 1e9));
        }
        CostModel fit = CostModel.calibrate(samples);
        assertThat(fit.perKvReadNanos()).isZero();
        assertThat(fit.perTokenNanos()).isCloseTo(10_000, within(1.0));
        assertThat(fit.fixedNanos()).isCloseTo(1_000_000, within(10.0));
    }

    @Test
    void kvReadsCountEveryAttendedPosition() {
        assertThat(CostSample.kvReads(10, 1)).isEqualTo(11);
        assertThat(CostSample.kvReads(0, 4)).isEqualTo(1 + 2 + 3 + 4);
    }
}

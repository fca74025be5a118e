package dev.railyard.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.railyard.conformance.workload.ArrivalProcess;
import dev.railyard.conformance.workload.LengthDistribution;
import dev.railyard.conformance.workload.PriorityMix;
import dev.railyard.conformance.workload.RequestSpec;
import dev.railyard.conformance.workload.Workload;
import dev.railyard.conformance.workload.WorkloadGenerator;
import dev.railyard.conformance.workload.WorkloadSpec;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WorkloadGeneratorTest {

    private static WorkloadSpec.Builder spec() {
        return WorkloadSpec.builder("t").requests(4000).arrivals(ArrivalProcess.poisson(100))
                .promptLengths(LengthDistribution.shareGptPrompt(1, 4096)).outputLengths(LengthDistribution.uniform(4, 12))
                .priorities(PriorityMix.uniform(0, 1)).sampled(0.5, 0.7).seed(3);
    }

    @Test
    void theSameSeedGivesTheSameWorkload() {
        Workload a = WorkloadGenerator.generate(spec().build());
        Workload b = WorkloadGenerator.generate(spec().build());
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i).prompt()).isEqualTo(b.get(i).prompt());
            assertThat(a.get(i).arrivalNanos()).isEqualTo(b.get(i).arrivalNanos());
            assertThat(a.get(i).seed()).isEqualTo(b.get(i).seed());
        }
        assertThat(WorkloadGenerator.generate(spec().seed(4).build()).get(0).prompt()).isNotEqualTo(a.get(0).prompt());
    }

    @Test
    void poissonArrivalsHaveTheirRateAndExponentialGaps() {
        Workload w = WorkloadGenerator.generate(spec().build());
        double seconds = w.get(w.size() - 1).arrivalNanos() / 1e9;
        assertThat(w.size() / seconds).isCloseTo(100, within(6.0));
        assertThat(cvOfGaps(w)).isCloseTo(1.0, within(0.08));
    }

    @Test
    void gammaArrivalsWithShapeBelowOneAreBurstier() {
        Workload w = WorkloadGenerator.generate(spec().arrivals(ArrivalProcess.gamma(100, 0.25)).build());
        assertThat(w.size() / (w.get(w.size() - 1).arrivalNanos() / 1e9)).isCloseTo(100, within(10.0));
        assertThat(cvOfGaps(w)).isCloseTo(2.0, within(0.3));
    }

    @Test
    void shareGptLikePromptsAreLongTailed() {
        Workload w = WorkloadGenerator.generate(spec().build());
        int[] lengths = w.requests().stream().mapToInt(RequestSpec::promptLength).sorted().toArray();
        double median = lengths[lengths.length / 2];
        double mean = Arrays.stream(lengths).average().orElseThrow();
        assertThat(median).isCloseTo(100, within(10.0));
        assertThat(mean).isGreaterThan(1.5 * median);
        assertThat(lengths[lengths.length * 99 / 100]).isGreaterThan(1000);
    }

    @Test
    void prioritiesSamplingAndLengthsFollowTheSpec() {
        Workload w = WorkloadGenerator.generate(spec().build());
        long sampled = w.requests().stream().filter(r -> !r.isGreedy()).count();
        long high = w.requests().stream().filter(r -> r.priority() == 0).count();
        assertThat(sampled / (double) w.size()).isCloseTo(0.5, within(0.05));
        assertThat(high / (double) w.size()).isCloseTo(0.5, within(0.05));
        assertThat(w.requests()).allSatisfy(r -> assertThat(r.maxTokens()).isBetween(4, 12));
        assertThat(WorkloadGenerator.generate(spec().arrivals(ArrivalProcess.allAtOnce()).build()).requests())
                .allSatisfy(r -> assertThat(r.arrivalNanos()).isZero());
    }

    private static double cvOfGaps(Workload w) {
        double[] gaps = new double[w.size() - 1];
        for (int i = 1; i < w.size(); i++) {
            gaps[i - 1] = w.get(i).arrivalNanos() - w.get(i - 1).arrivalNanos();
        }
        double mean = Arrays.stream(gaps).average().orElseThrow();
        double var = Arrays.stream(gaps).map(g -> (g - mean) * (g - mean)).average().orElseThrow();
        return Math.sqrt(var) / mean;
    }
}

package dev.railyard.host.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Length distributions, arrivals, workload items, SLOs and percentiles. */
class WorkloadShapeTest {

    @Test
    void lengthDistributionsParseAndSample() {
        SplittableRandom r = new SplittableRandom(1);
        assertThat(LengthDistribution.parse("fixed:128").sample(r)).isEqualTo(128);
        assertThat(LengthDistribution.parse("64").sample(r)).isEqualTo(64);
        LengthDistribution u = LengthDistribution.parse("uniform:32-256");
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int i = 0; i < 10_000; i++) {
            int v = u.sample(r);
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertThat(min).isEqualTo(32);
        assertThat(max).isEqualTo(256);
        LengthDistribution tail = LengthDistribution.parse("sharegpt:100");
        double[] v = new double[20_000];
        for (int i = 0; i < v.length; i++) {
            v[i] = tail.sample(r);
        }
        LatencyStats s = LatencyStats.of(v);
        assertThat(s.p50()).isCloseTo(100, within(8.0));
        assertThat(s.mean()).as("a long tail: mean above median").isGreaterThan(s.p50() * 1.3);
        assertThat(s.p99()).isGreaterThan(s.p50() * 5);
        assertThat(s.max()).isLessThanOrEqualTo(1600);
        assertThat(LengthDistribution.parse("sharegpt").spec()).isEqualTo("sharegpt:128");
        for (String bad : new String[] {"uniform:9-3", "fixed:0", "poisson:3", "uniform:5", "lognormal:10"}) {
            assertThatThrownBy(() -> LengthDistribution.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad).hasMessageContaining("uniform:MIN-MAX");
        }
    }

    @Test
    void poissonAndGammaArrivalsHaveTheRequestedRateAndBurstiness() {
        for (double cv : new double[] {1.0, 0.5, 3.0}) {
            ArrivalProcess a = ArrivalProcess.gamma(4, cv);
            SplittableRandom r = new SplittableRandom(7);
            int n = 100_000;
            double sum = 0;
            double sq = 0;
            for (int i = 0; i < n; i++) {
                double g = a.nextGapSeconds(r);
                assertThat(g).isGreaterThanOrEqualTo(0);
                sum += g;
                sq += g * g;
            }
            double mean = sum / n;
            double sd = Math.sqrt(sq / n - mean * mean);
            assertThat(mean).as("mean gap at cv " + cv).isCloseTo(0.25, within(0.25 * 0.05));
            assertThat(sd / mean).as("coefficient of variation").isCloseTo(cv, within(cv * 0.08));
        }
        assertThatThrownBy(() -> ArrivalProcess.poisson(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void itemsAreSeededAndRespectTheContext() {
        WorkloadShape tokens = new WorkloadShape(LengthDistribution.parse("uniform:10-20"), LengthDistribution.parse("fixed:8"),
                WorkloadShape.PromptKind.TOKENS, 50, 0, 42);
        WorkItem a = tokens.item(3);
        WorkItem b = tokens.item(3);
        assertThat(a.promptTokens()).isEqualTo(b.promptTokens()).hasSizeBetween(10, 20);
        assertThat(java.util.Arrays.stream(a.promptTokens()).allMatch(t -> t >= 0 && t < 50)).isTrue();
        assertThat(a.maxTokens()).isEqualTo(8);
        assertThat(tokens.item(4).promptTokens()).isNotEqualTo(a.promptTokens());

        WorkloadShape text = new WorkloadShape(LengthDistribution.parse("fixed:300"), LengthDistribution.parse("fixed:100"),
                WorkloadShape.PromptKind.TEXT, 0, 256, 1);
        WorkItem t = text.item(0);
        assertThat(t.promptText().split(" ")).hasSize(254);
        assertThat(t.maxTokens()).isEqualTo(1);
        assertThat(text.item(0).promptText()).isEqualTo(t.promptText());
    }

    @Test
    void slosAndPercentiles() {
        Slo slo = Slo.parse("ttft=500ms,tpot=0.05s");
        assertThat(slo.limitsMillis()).containsEntry("ttft", 500.0).containsEntry("tpot", 50.0);
        assertThat(slo).hasToString("ttft=500ms,tpot=50ms");
        long ms = 1_000_000;
        RequestRecord fast = new RequestRecord(0, true, null, 0, 100 * ms, 1100 * ms, 10, 21, new long[0]);
        RequestRecord slowStart = new RequestRecord(1, true, null, 0, 600 * ms, 700 * ms, 10, 3, new long[0]);
        RequestRecord failed = RequestRecord.failed(2, 0, "boom");
        assertThat(fast.tpotMillis()).isEqualTo(50.0);
        assertThat(slo.isMetBy(fast)).isTrue();
        assertThat(slo.isMetBy(slowStart)).isFalse();
        assertThat(slo.isMetBy(failed)).isFalse();
        assertThat(Slo.NONE.isMetBy(slowStart)).isTrue();
        assertThatThrownBy(() -> Slo.parse("latency=5ms")).hasMessageContaining("ttft=500ms");
        assertThatThrownBy(() -> Slo.parse("ttft=-5ms")).hasMessageContaining("positive");

        LatencyStats s = LatencyStats.of(new double[] {4, 1, 3, 2, Double.NaN, 5});
        assertThat(s.count()).isEqualTo(5);
        assertThat(s.mean()).isEqualTo(3.0);
        assertThat(s.p50()).isEqualTo(3.0);
        assertThat(s.p90()).isCloseTo(4.6, within(1e-9));
        assertThat(s.max()).isEqualTo(5.0);
        assertThat(LatencyStats.of(new double[0]).p99()).isNaN();
    }
}

package dev.railyard.conformance.scheduler;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Total-variation distance between two empirical token distributions, with the bound sampling
 * noise alone stays under: three times the expected distance between two samples of {@code n}
 * independent draws each from the pooled distribution ({@code 0.5 * sqrt(4 / (pi n)) * sum
 * sqrt(p (1 - p))}), plus 0.02.
 *
 * @param totalVariation half the L1 distance of the two normalised histograms
 * @param bound the sampling bound
 */
record DistributionDistance(double totalVariation, double bound) {

    static DistributionDistance of(Map<Integer, Integer> a, Map<Integer, Integer> b) {
        double na = a.values().stream().mapToInt(Integer::intValue).sum();
        double nb = b.values().stream().mapToInt(Integer::intValue).sum();
        Set<Integer> keys = new HashSet<>(a.keySet());
        keys.addAll(b.keySet());
        double tv = 0;
        double spread = 0;
        for (int k : keys) {
            double pa = a.getOrDefault(k, 0) / na;
            double pb = b.getOrDefault(k, 0) / nb;
            tv += Math.abs(pa - pb);
            double p = (pa + pb) / 2;
            spread += Math.sqrt(p * (1 - p));
        }
        double n = Math.min(na, nb);
        double expected = 0.5 * Math.sqrt(4 / (Math.PI * n)) * spread;
        return new DistributionDistance(tv / 2, 3 * expected + 0.02);
    }
}

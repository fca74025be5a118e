package dev.railyard.host.loadgen;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Service-level objectives a request must meet to count toward goodput, written like {@code
 * ttft=500ms,tpot=50ms} (metrics {@code ttft}, {@code tpot}, {@code e2e}; units {@code ms} or
 * {@code s}, ms when absent). A limit that does not apply to a request (TPOT of a one-token
 * answer) is met.
 *
 * @param limitsMillis metric name to its limit in ms, in the order given
 */
public record Slo(Map<String, Double> limitsMillis) {

    /** No objectives: every successful request counts. */
    public static final Slo NONE = new Slo(Map.of());

    public Slo {
        limitsMillis = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(limitsMillis));
    }

    /**
     * Parses {@code ttft=500ms,tpot=50ms,e2e=2s}.
     *
     * @throws IllegalArgumentException naming the bad part
     */
    public static Slo parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return NONE;
        }
        Map<String, Double> m = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            String[] kv = part.trim().split("=", 2);
            String key = kv[0].trim().toLowerCase(Locale.ROOT);
            if (kv.length != 2 || !(key.equals("ttft") || key.equals("tpot") || key.equals("e2e"))) {
                throw new IllegalArgumentException("bad SLO '" + part.trim() + "': use ttft=500ms, tpot=50ms or e2e=2s, comma-separated");
            }
            m.put(key, millis(kv[1].trim(), part.trim()));
        }
        return new Slo(m);
    }

    private static double millis(String v, String part) {
        String s = v.toLowerCase(Locale.ROOT);
        double scale = 1;
        if (s.endsWith("ms")) {
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("s")) {
            s = s.substring(0, s.length() - 1);
            scale = 1000;
        }
        try {
            double d = Double.parseDouble(s.trim()) * scale;
            if (d > 0) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("bad SLO value in '" + part + "': give a positive time like 500ms or 2s");
    }

    /** Whether {@code r} succeeded and meets every objective. */
    public boolean isMetBy(RequestRecord r) {
        if (!r.ok()) {
            return false;
        }
        for (Map.Entry<String, Double> e : limitsMillis.entrySet()) {
            double v = switch (e.getKey()) {
                case "ttft" -> r.ttftMillis();
                case "tpot" -> r.tpotMillis();
                default -> r.e2eMillis();
            };
            if (!Double.isNaN(v) && v > e.getValue()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        if (limitsMillis.isEmpty()) {
            return "none";
        }
        StringBuilder sb = new StringBuilder();
        limitsMillis.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ",").append(k).append('=').append(fmt(v)).append("ms"));
        return sb.toString();
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}

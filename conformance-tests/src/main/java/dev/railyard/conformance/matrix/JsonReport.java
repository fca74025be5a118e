package dev.railyard.conformance.matrix;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.railyard.conformance.Rule;
import dev.railyard.conformance.RuleOutcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The matrix as JSON:
 * <pre>{@code
 * { "generatedAt": "...", "millis": 81234, "allPassed": true,
 *   "rules": [ {"id": "S4", "group": "CORRECTNESS", "statement": "..."}, ... ],
 *   "combinations": [ { "scheduler": "continuous", "backend": "simulated", "passed": true, "millis": 5120,
 *       "groups": { "PLAN": {"status": "PASS", "passed": 12, "failed": 0, "skipped": 0, "message": "..."}, ... },
 *       "rules": [ {"id": "P0", "status": "PASS", "message": "...", "millis": 812}, ... ] } ] }
 * }</pre>
 */
public final class JsonReport {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    public static String render(MatrixResult m) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("generatedAt", m.generatedAt().toString());
        root.put("millis", m.millis());
        root.put("allPassed", m.allPassed());
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Rule r : Rule.values()) {
            rules.add(Map.of("id", r.id(), "group", r.group().name(), "statement", r.statement()));
        }
        root.put("rules", rules);
        List<Map<String, Object>> combos = new ArrayList<>();
        for (CombinationResult c : m.combinations()) {
            Map<String, Object> cm = new LinkedHashMap<>();
            cm.put("scheduler", c.scheduler());
            cm.put("backend", c.backend());
            cm.put("passed", c.passed());
            cm.put("millis", c.millis());
            Map<String, Object> groups = new LinkedHashMap<>();
            for (GroupCell g : c.cells()) {
                Map<String, Object> gm = new LinkedHashMap<>();
                gm.put("status", g.status().name());
                gm.put("passed", g.passed());
                gm.put("failed", g.failed());
                gm.put("skipped", g.skipped());
                gm.put("message", g.message());
                groups.put(g.group().name(), gm);
            }
            cm.put("groups", groups);
            List<Map<String, Object>> rs = new ArrayList<>();
            for (RuleOutcome o : c.outcomes()) {
                Map<String, Object> om = new LinkedHashMap<>();
                om.put("id", o.rule().id());
                om.put("status", o.status().name());
                om.put("message", o.message());
                om.put("millis", o.millis());
                rs.add(om);
            }
            cm.put("rules", rs);
            combos.add(cm);
        }
        root.put("combinations", combos);
        try {
            return MAPPER.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

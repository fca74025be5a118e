package dev.railyard.host.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.spi.model.ModelFormatException;
import dev.railyard.spi.model.RopeScaling;

/**
 * Reads RoPE settings from a {@code config.json} of either dialect: transformers 4.x ({@code
 * rope_theta} and {@code rope_scaling} at the top level; the type under {@code type} or {@code
 * rope_type}) and 5.x ({@code rope_parameters} with {@code rope_theta}, {@code rope_type} and the
 * scaling fields).
 */
final class RopeParser {

    /** Transformers' default base frequency. */
    static final double DEFAULT_THETA = 10000.0;

    /** The RoPE types Railyard supports. */
    static final String SUPPORTED = "default, linear, llama3";

    /**
     * RoPE base frequency and scaling.
     *
     * @param theta the base frequency
     * @param scaling the scaling, {@link RopeScaling#NONE} when none
     */
    record Rope(double theta, RopeScaling scaling) {
    }

    private RopeParser() {
    }

    static Rope parse(JsonNode config, String where) {
        JsonNode params = config.get("rope_parameters");
        double theta;
        JsonNode scaling;
        if (params != null && params.isObject()) {
            theta = number(params, "rope_theta", where, number(config, "rope_theta", where, DEFAULT_THETA));
            scaling = params;
        } else {
            theta = number(config, "rope_theta", where, DEFAULT_THETA);
            scaling = config.get("rope_scaling");
        }
        if (!(theta > 0)) {
            throw new ModelFormatException("rope_theta must be positive in " + where + ", was " + theta);
        }
        return new Rope(theta, scaling(scaling, where));
    }

    private static RopeScaling scaling(JsonNode node, String where) {
        if (node == null || node.isNull()) {
            return RopeScaling.NONE;
        }
        if (!node.isObject()) {
            throw new ModelFormatException("rope_scaling in " + where + " must be an object or null, was " + node);
        }
        String type = Json.has(node, "rope_type") ? node.get("rope_type").asText()
                : Json.has(node, "type") ? node.get("type").asText() : "default";
        return switch (type) {
            case "default" -> RopeScaling.NONE;
            case "linear" -> new RopeScaling("linear", required(node, "factor", type, where), 0, 0, 0);
            case "llama3" -> new RopeScaling("llama3",
                    required(node, "factor", type, where),
                    required(node, "low_freq_factor", type, where),
                    required(node, "high_freq_factor", type, where),
                    (int) required(node, "original_max_position_embeddings", type, where));
            default -> throw new ModelFormatException("unsupported RoPE type '" + type + "' in " + where
                    + "; supported: " + SUPPORTED);
        };
    }

    private static double required(JsonNode node, String field, String type, String where) {
        if (!Json.has(node, field) || !node.get(field).isNumber()) {
            throw new ModelFormatException("RoPE type '" + type + "' in " + where + " needs a number '" + field
                    + "', found " + (node.has(field) ? node.get(field) : "none"));
        }
        return node.get(field).asDouble();
    }

    private static double number(JsonNode node, String field, String where, double fallback) {
        if (!Json.has(node, field)) {
            return fallback;
        }
        if (!node.get(field).isNumber()) {
            throw new ModelFormatException("'" + field + "' in " + where + " must be a number, was " + node.get(field));
        }
        return node.get(field).asDouble();
    }
}

package dev.railyard.host.server;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A request body as a JSON object, with typed accessors that refuse a wrong type or range with
 * an {@link ApiError} naming the parameter. A JSON {@code null} counts as absent.
 */
final class JsonBody {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private final ObjectNode node;

    private JsonBody(ObjectNode node) {
        this.node = node;
    }

    /** Parses a body; 400 when it is not a JSON object. */
    static JsonBody parse(byte[] bytes) {
        if (bytes.length == 0) {
            throw ApiError.malformedJson("the request body is empty; send a JSON object");
        }
        JsonNode n;
        try {
            n = MAPPER.readTree(bytes);
        } catch (JacksonException e) {
            throw ApiError.malformedJson("We could not parse the JSON body of your request: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw ApiError.malformedJson("could not read the request body: " + e.getMessage());
        }
        if (n == null || !n.isObject()) {
            throw ApiError.malformedJson("the request body must be a JSON object");
        }
        return new JsonBody((ObjectNode) n);
    }

    /** Whether {@code name} is present and not null. */
    boolean has(String name) {
        JsonNode v = node.get(name);
        return v != null && !v.isNull();
    }

    /** The raw value, or null when absent. */
    JsonNode raw(String name) {
        return has(name) ? node.get(name) : null;
    }

    String string(String name) {
        JsonNode v = raw(name);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiError.invalid(name, "invalid_type", "'" + name + "' must be a string, was " + v);
        }
        return v.asText();
    }

    Boolean bool(String name) {
        JsonNode v = raw(name);
        if (v == null) {
            return null;
        }
        if (!v.isBoolean()) {
            throw ApiError.invalid(name, "invalid_type", "'" + name + "' must be a boolean, was " + v);
        }
        return v.asBoolean();
    }

    Double number(String name) {
        JsonNode v = raw(name);
        if (v == null) {
            return null;
        }
        if (!v.isNumber()) {
            throw ApiError.invalid(name, "invalid_type", "'" + name + "' must be a number, was " + v);
        }
        return v.asDouble();
    }

    Long integer(String name) {
        JsonNode v = raw(name);
        if (v == null) {
            return null;
        }
        return integerValue(name, v);
    }

    /** An integer that fits an int, at least {@code min}. */
    Integer intAtLeast(String name, int min) {
        Long v = integer(name);
        if (v == null) {
            return null;
        }
        if (v < min || v > Integer.MAX_VALUE) {
            throw ApiError.invalid(name, "invalid_value", "'" + name + "' must be an integer >= " + min + ", was " + v);
        }
        return v.intValue();
    }

    /** A number in {@code [min, max]} (inclusive), or null. */
    Double numberIn(String name, double min, double max) {
        Double v = number(name);
        if (v != null && (!(v >= min) || !(v <= max))) {
            throw ApiError.invalid(name, "invalid_value", "'" + name + "' must be between " + fmt(min) + " and "
                    + fmt(max) + ", was " + fmt(v));
        }
        return v;
    }

    /** A string or an array of strings, as a list (empty when absent). */
    List<String> stringOrStrings(String name) {
        JsonNode v = raw(name);
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (v.isTextual()) {
            out.add(v.asText());
        } else if (v.isArray()) {
            for (JsonNode e : v) {
                if (!e.isTextual()) {
                    throw ApiError.invalid(name, "invalid_type", "'" + name + "' must be a string or an array of strings");
                }
                out.add(e.asText());
            }
        } else {
            throw ApiError.invalid(name, "invalid_type", "'" + name + "' must be a string or an array of strings, was " + v);
        }
        return out;
    }

    static long integerValue(String name, JsonNode v) {
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.asLong();
        }
        if (v.isNumber() && v.asDouble() == Math.rint(v.asDouble()) && Math.abs(v.asDouble()) < 0x1p53) {
            return (long) v.asDouble();
        }
        throw ApiError.invalid(name, "invalid_type", "'" + name + "' must be an integer, was " + v);
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}

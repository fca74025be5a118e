package dev.railyard.host.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.railyard.spi.config.PluginConfig;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Binds a plugin's configuration section (a map with kebab-case keys) onto its config class,
 * rejecting unknown keys with a message that lists the valid ones, then calls {@link
 * PluginConfig#validate()}.
 */
public final class ConfigBinder {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
            .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false);

    private ConfigBinder() {
    }

    /**
     * @param what names the section in messages, e.g. {@code "scheduler 'continuous'"}
     * @throws ConfigException naming {@code what}, the key and the problem
     */
    public static <C> C bind(Class<C> type, Map<String, ?> values, String what) {
        C config;
        try {
            config = MAPPER.convertValue(values == null ? Map.of() : values, type);
        } catch (IllegalArgumentException e) {
            throw translate(e, type, what);
        }
        if (config instanceof PluginConfig pc) {
            try {
                pc.validate();
            } catch (IllegalArgumentException e) {
                throw new ConfigException(what + ": " + e.getMessage(), e);
            }
        }
        return config;
    }

    /** The keys of a config class with their default values, in declaration order. */
    public static Map<String, Object> defaults(Class<?> type) {
        try {
            Object instance = type.getDeclaredConstructor().newInstance();
            JsonNode tree = MAPPER.valueToTree(instance);
            Map<String, Object> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.put(e.getKey(), MAPPER.treeToValue(e.getValue(), Object.class));
            }
            return out;
        } catch (ReflectiveOperationException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConfigException("config class " + type.getName() + " needs a public no-argument constructor: " + e, e);
        }
    }

    /** Valid keys of a config class. */
    public static List<String> keys(Class<?> type) {
        return new ArrayList<>(defaults(type).keySet());
    }

    private static ConfigException translate(IllegalArgumentException e, Class<?> type, String what) {
        Throwable cause = e.getCause();
        if (cause instanceof UnrecognizedPropertyException u) {
            return new ConfigException(what + ": unknown key '" + u.getPropertyName() + "'; valid keys: "
                    + String.join(", ", new TreeSet<>(keys(type))), e);
        }
        if (cause instanceof InvalidFormatException f) {
            return new ConfigException(what + ": key '" + path(f) + "' has value '" + f.getValue() + "', expected "
                    + f.getTargetType().getSimpleName(), e);
        }
        if (cause instanceof MismatchedInputException m) {
            return new ConfigException(what + ": key '" + path(m) + "' has the wrong type, expected "
                    + (m.getTargetType() == null ? "another type" : m.getTargetType().getSimpleName()), e);
        }
        return new ConfigException(what + ": " + e.getMessage(), e);
    }

    private static String path(MismatchedInputException e) {
        StringBuilder sb = new StringBuilder();
        e.getPath().forEach(ref -> {
            if (!sb.isEmpty()) {
                sb.append('.');
            }
            sb.append(ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]");
        });
        return sb.toString();
    }
}

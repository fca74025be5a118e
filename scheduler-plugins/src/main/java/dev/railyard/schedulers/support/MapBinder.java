package dev.railyard.schedulers.support;

import dev.railyard.spi.config.InvalidConfigException;
import dev.railyard.spi.config.PluginConfig;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Binds a map with kebab-case keys (a nested section of a plugin's YAML, such as the
 * speculative scheduler's {@code base-config}) onto one of this module's config classes: public
 * non-static fields named in camelCase, of type int, long, double, boolean (or their boxes),
 * String, {@code List<Integer>} or {@code Map<String, Object>}. It follows the host's rules:
 * unknown keys are refused with the list of valid ones, then {@link PluginConfig#validate()} runs.
 */
public final class MapBinder {

    private MapBinder() {
    }

    /**
     * @param what names the section in messages, e.g. {@code "base-config"}
     * @throws InvalidConfigException naming the section, the key and the problem
     */
    public static <C> C bind(Class<C> type, Map<String, ?> values, String what) {
        C config;
        try {
            config = type.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(type.getName() + " needs a public no-argument constructor", e);
        }
        if (values != null) {
            for (Map.Entry<String, ?> e : values.entrySet()) {
                Field f = field(type, e.getKey());
                if (f == null) {
                    throw new InvalidConfigException(what + ": unknown key '" + e.getKey() + "'; valid keys: "
                            + String.join(", ", new TreeSet<>(keys(type))));
                }
                try {
                    f.set(config, convert(e.getValue(), f.getType(), f.getGenericType(), what + "." + e.getKey()));
                } catch (IllegalAccessException ex) {
                    throw new IllegalStateException(ex);
                }
            }
        }
        if (config instanceof PluginConfig pc) {
            try {
                pc.validate();
            } catch (InvalidConfigException ex) {
                throw new InvalidConfigException(what + ": " + ex.getMessage());
            }
        }
        return config;
    }

    /** The kebab-case keys of a config class. */
    public static List<String> keys(Class<?> type) {
        List<String> out = new ArrayList<>();
        for (Field f : type.getFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
                out.add(kebab(f.getName()));
            }
        }
        return out;
    }

    private static Field field(Class<?> type, String key) {
        for (Field f : type.getFields()) {
            if (!Modifier.isStatic(f.getModifiers()) && kebab(f.getName()).equals(key)) {
                return f;
            }
        }
        return null;
    }

    static String kebab(String camel) {
        StringBuilder sb = new StringBuilder();
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                sb.append('-').append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static Object convert(Object v, Class<?> t, Type generic, String key) {
        if (v == null) {
            if (t.isPrimitive()) {
                throw new InvalidConfigException(key + " must not be null");
            }
            return null;
        }
        try {
            if (t == int.class || t == Integer.class) {
                return v instanceof Number n ? Math.toIntExact(exact(n, key)) : Integer.parseInt(v.toString().trim());
            }
            if (t == long.class || t == Long.class) {
                return v instanceof Number n ? exact(n, key) : Long.parseLong(v.toString().trim());
            }
            if (t == double.class || t == Double.class) {
                return v instanceof Number n ? n.doubleValue() : Double.parseDouble(v.toString().trim());
            }
            if (t == boolean.class || t == Boolean.class) {
                if (v instanceof Boolean b) {
                    return b;
                }
                String s = v.toString().trim();
                if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
                    return Boolean.parseBoolean(s);
                }
                throw new InvalidConfigException(key + " must be true or false, was '" + v + "'");
            }
            if (t == String.class) {
                return v.toString();
            }
            if (List.class.isAssignableFrom(t) && v instanceof List<?> list) {
                Type element = generic instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
                List<Object> out = new ArrayList<>();
                for (Object o : list) {
                    out.add(element == Integer.class ? convert(o, Integer.class, Integer.class, key) : o);
                }
                return out;
            }
            if (Map.class.isAssignableFrom(t) && v instanceof Map<?, ?> m) {
                Map<String, Object> out = new LinkedHashMap<>();
                m.forEach((k, x) -> out.put(String.valueOf(k), x));
                return out;
            }
        } catch (NumberFormatException | ArithmeticException e) {
            throw new InvalidConfigException(key + " has value '" + v + "', expected " + t.getSimpleName());
        }
        throw new InvalidConfigException(key + " has value '" + v + "', expected " + t.getSimpleName());
    }

    private static long exact(Number n, String key) {
        double d = n.doubleValue();
        if (d != Math.rint(d)) {
            throw new InvalidConfigException(key + " must be a whole number, was " + n);
        }
        return n.longValue();
    }
}

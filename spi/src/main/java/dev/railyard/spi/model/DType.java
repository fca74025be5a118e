package dev.railyard.spi.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Element types of weight tensors, with the names that safetensors files use. */
public enum DType {
    F64("F64", 8),
    F32("F32", 4),
    F16("F16", 2),
    BF16("BF16", 2),
    I64("I64", 8),
    I32("I32", 4),
    I16("I16", 2),
    I8("I8", 1),
    U8("U8", 1),
    BOOL("BOOL", 1);

    private final String safetensorsName;
    private final int bytes;

    DType(String safetensorsName, int bytes) {
        this.safetensorsName = safetensorsName;
        this.bytes = bytes;
    }

    /** Size of one element in bytes. */
    public int bytes() {
        return bytes;
    }

    /** The dtype's name in a safetensors header, e.g. {@code "BF16"}. */
    public String safetensorsName() {
        return safetensorsName;
    }

    /** {@code true} for F32, F16 and BF16: the types backends accept for weights. */
    public boolean isFloatingWeightType() {
        return this == F32 || this == F16 || this == BF16;
    }

    /**
     * Parses a safetensors dtype name or a user-facing name ({@code float32}, {@code float16},
     * {@code bfloat16}, {@code f32}, ...), case-insensitively.
     *
     * @throws IllegalArgumentException naming the value and listing the accepted names
     */
    public static DType parse(String name) {
        String n = name.trim().toLowerCase(java.util.Locale.ROOT);
        switch (n) {
            case "float32", "fp32", "f32" -> { return F32; }
            case "float16", "fp16", "f16", "half" -> { return F16; }
            case "bfloat16", "bf16" -> { return BF16; }
            case "float64", "fp64", "f64", "double" -> { return F64; }
            default -> { }
        }
        for (DType t : values()) {
            if (t.safetensorsName.equalsIgnoreCase(n)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown dtype '" + name + "'; expected one of float32, float16, bfloat16 or "
                + Arrays.stream(values()).map(DType::safetensorsName).collect(Collectors.joining(", ")));
    }
}

package dev.railyard.host.model;

/** Conversions between {@code float} and the 16-bit weight formats, as raw bits. */
public final class FloatFormats {

    private FloatFormats() {
    }

    /** IEEE half precision, rounded to nearest even ({@link Float#floatToFloat16}). */
    public static short toFloat16(float f) {
        return Float.floatToFloat16(f);
    }

    /** The float an IEEE half holds. */
    public static float float16ToFloat(short bits) {
        return Float.float16ToFloat(bits);
    }

    /**
     * bfloat16 (the top 16 bits of a float), rounded to nearest, ties to even; NaN stays a (quiet)
     * NaN and infinities stay infinite.
     */
    public static short toBFloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7FFF_FFFF) > 0x7F80_0000) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7FFF + lsb) >>> 16);
    }

    /** The float a bfloat16 holds (exact). */
    public static float bfloat16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }
}

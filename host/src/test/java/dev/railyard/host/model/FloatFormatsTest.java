package dev.railyard.host.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FloatFormatsTest {

    /**
     * Reference bf16 rounding, written independently: take the two bf16 neighbours of {@code f},
     * compare exact distances with BigDecimal, break ties towards the even mantissa.
     */
    static short referenceBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int down = bits & 0xFFFF0000; // towards zero
        if (down == bits) {
            return (short) (bits >>> 16);
        }
        int up = down + 0x10000; // away from zero (may become infinity: 2^128 in magnitude)
        BigDecimal x = new BigDecimal(f).abs();
        BigDecimal lo = new BigDecimal(Math.abs(Float.intBitsToFloat(down)));
        BigDecimal hi = (up & 0x7FFFFFFF) == 0x7F800000 ? new BigDecimal(2).pow(128)
                : new BigDecimal(Math.abs(Float.intBitsToFloat(up)));
        int cmp = x.subtract(lo).compareTo(hi.subtract(x));
        if (cmp < 0) {
            return (short) (down >>> 16);
        }
        if (cmp > 0) {
            return (short) (up >>> 16);
        }
        return ((down >>> 16) & 1) == 0 ? (short) (down >>> 16) : (short) (up >>> 16);
    }

    @Test
    void bf16RoundsToNearestEvenLikeTheReference() {
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 200_000; i++) {
            float f = Float.intBitsToFloat(r.nextInt());
            if (Float.isNaN(f) || Float.isInfinite(f)) {
                continue;
            }
            assertThat(FloatFormats.toBFloat16(f)).as("bits %08x", Float.floatToRawIntBits(f))
                    .isEqualTo(referenceBf16(f));
            float g = (float) r.nextGaussian();
            assertThat(FloatFormats.toBFloat16(g)).isEqualTo(referenceBf16(g));
        }
    }

    @Test
    void bf16TiesGoToEven() {
        // 1 + 2^-8 lies exactly between bf16 1.0 (even) and 1.0078125 (odd): rounds down
        assertThat(FloatFormats.toBFloat16(Float.intBitsToFloat(0x3F808000))).isEqualTo((short) 0x3F80);
        // 1.0078125 + 2^-8 lies between 0x3F81 (odd) and 0x3F82 (even): rounds up
        assertThat(FloatFormats.toBFloat16(Float.intBitsToFloat(0x3F818000))).isEqualTo((short) 0x3F82);
        // just above the tie rounds up, just below rounds down
        assertThat(FloatFormats.toBFloat16(Float.intBitsToFloat(0x3F808001))).isEqualTo((short) 0x3F81);
        assertThat(FloatFormats.toBFloat16(Float.intBitsToFloat(0x3F817FFF))).isEqualTo((short) 0x3F81);
        assertThat(FloatFormats.toBFloat16(-1.0f)).isEqualTo((short) 0xBF80);
        assertThat(FloatFormats.bfloat16ToFloat((short) 0x3F80)).isEqualTo(1.0f);
    }

    @Test
    void bf16SpecialValues() {
        assertThat(FloatFormats.toBFloat16(Float.POSITIVE_INFINITY)).isEqualTo((short) 0x7F80);
        assertThat(FloatFormats.toBFloat16(Float.NEGATIVE_INFINITY)).isEqualTo((short) 0xFF80);
        assertThat(Float.isNaN(FloatFormats.bfloat16ToFloat(FloatFormats.toBFloat16(Float.NaN)))).isTrue();
        // a NaN whose payload is only in the low bits must stay NaN, not become infinity
        assertThat(Float.isNaN(FloatFormats.bfloat16ToFloat(FloatFormats.toBFloat16(Float.intBitsToFloat(0x7F800001)))))
                .isTrue();
        assertThat(FloatFormats.toBFloat16(Float.MAX_VALUE)).as("overflows to infinity").isEqualTo((short) 0x7F80);
        assertThat(FloatFormats.toBFloat16(-0.0f)).isEqualTo((short) 0x8000);
        assertThat(FloatFormats.toBFloat16(Float.MIN_VALUE)).isEqualTo((short) 0);
    }

    @Test
    void f16UsesIeeeRounding() {
        assertThat(FloatFormats.toFloat16(1.0f)).isEqualTo((short) 0x3C00);
        assertThat(FloatFormats.float16ToFloat(FloatFormats.toFloat16(0.1f))).isEqualTo(0.099975586f);
        assertThat(FloatFormats.toFloat16(70000f)).as("overflow").isEqualTo((short) 0x7C00);
    }
}

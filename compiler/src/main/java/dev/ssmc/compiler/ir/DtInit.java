package dev.ssmc.compiler.ir;

import dev.ssmc.runtime.model.BlockMode;
import dev.ssmc.runtime.train.Init;
import dev.ssmc.runtime.train.ModeBand;
import java.math.BigDecimal;

/**
 * How an SSM layer's {@code log_dt} starts, which sets where its modes sit in frequency when
 * training starts (see {@link ModeBand}): the reference's rule, the same rule over another range,
 * or a spread over the band the layer's sample rate allows. Only a fresh network reads it; a
 * checkpoint brings its own {@code log_dt}.
 */
public sealed interface DtInit {
    /** The reference's rule: dt geometric from 1e-3 to 1e-1 over the layer's channels or blocks. */
    Geometric REFERENCE = new Geometric(Init.REFERENCE_DT_LOW, Init.REFERENCE_DT_HIGH);
    /** Every mode spread over the band the layer's rate allows. */
    Band BAND = new Band();

    /**
     * Fills a layer's {@code log_dt}, in its layout ({@code [C, N]} for dws and full, {@code [J N]}
     * for s5, {@code [J]} for neck).
     *
     * @param rateHz the rate the layer runs at, in Hz; read by {@link Band} only, which needs one
     */
    void fill(float[] logDt, SsmMode mode, int states, double rateHz);

    /** As the language writes it, after {@code dt}: {@code 1e-3..1e-1}, {@code 0.01}, {@code band}. */
    String spelling();

    /** The reference's rule over {@code low..high}: geometric over channels or blocks, one dt for all states of one. */
    record Geometric(double low, double high) implements DtInit {
        public Geometric {
            if (!(low > 0 && low <= high && Double.isFinite(high))) {
                throw new IllegalArgumentException("a dt range is finite, positive and increasing: " + low + ".." + high);
            }
        }

        @Override
        public void fill(float[] logDt, SsmMode mode, int states, double rateHz) {
            Init.logDt(logDt, blockMode(mode), states, low, high);
        }

        @Override
        public String spelling() {
            return low == high ? plain(low) : plain(low) + ".." + plain(high);
        }

        private static String plain(double v) {
            return BigDecimal.valueOf(v).stripTrailingZeros().toString();
        }
    }

    /**
     * {@link ModeBand#spreadLogDt} with its defaults: the modes spread from
     * {@value ModeBand#DEFAULT_LOWEST_HZ} Hz up to {@value ModeBand#DEFAULT_HIGHEST_FRACTION} of the
     * layer's Nyquist frequency, so a layer needs a rate whose band holds that lowest frequency.
     */
    record Band() implements DtInit {
        /** The lowest rate, in Hz, whose band reaches above the spread's lowest frequency. */
        public static double lowestRate() {
            return 2 * ModeBand.DEFAULT_LOWEST_HZ / ModeBand.DEFAULT_HIGHEST_FRACTION;
        }

        @Override
        public void fill(float[] logDt, SsmMode mode, int states, double rateHz) {
            ModeBand.spreadLogDt(logDt, blockMode(mode), states, rateHz, ModeBand.DEFAULT_LOWEST_HZ,
                    ModeBand.DEFAULT_HIGHEST_FRACTION);
        }

        @Override
        public String spelling() {
            return "band";
        }
    }

    /** The runtime's name for a mode. */
    private static BlockMode blockMode(SsmMode mode) {
        return BlockMode.of(mode.spelling());
    }
}

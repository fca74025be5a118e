package dev.railyard.conformance.tradeoff;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * Draws the trade-off as a PNG with java.awt (headless): three panels against offered load, p99
 * time to first token (log scale), p99 time per output token, and throughput; one line per
 * scheduler.
 */
public final class TradeoffChart {

    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
        new Color(0xff7f0e), new Color(0x8c564b)};
    private static final int PANEL_W = 420;
    private static final int PANEL_H = 340;
    private static final int MARGIN_L = 70;
    private static final int MARGIN_R = 20;
    private static final int MARGIN_T = 60;
    private static final int MARGIN_B = 55;

    private TradeoffChart() {
    }

    /** Writes the chart to {@code file}. */
    public static void write(TradeoffResult r, Path file) {
        System.setProperty("java.awt.headless", "true");
        int w = 3 * PANEL_W;
        int h = PANEL_H + 82;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString("Scheduler trade-off on " + r.backend(), 15, 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawString(r.workload() + "; load 100% = " + r.baseScheduler() + " offline maximum ("
                + String.format(Locale.ROOT, "%.1f", r.baseCapacityRps()) + " req/s)", 15, 40);
        panel(g, r, 0, "p99 time to first token (ms, log)", TradeoffPoint::p99TtftMs, true);
        panel(g, r, PANEL_W, "p99 time per output token (ms)", TradeoffPoint::p99TpotMs, false);
        panel(g, r, 2 * PANEL_W, "throughput (output tokens/s)", TradeoffPoint::throughputTps, false);
        legend(g, r, h - 12);
        g.dispose();
        try {
            ImageIO.write(img, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void panel(Graphics2D g, TradeoffResult r, int x0, String title, ToDoubleFunction<TradeoffPoint> metric, boolean log) {
        int left = x0 + MARGIN_L;
        int right = x0 + PANEL_W - MARGIN_R;
        int top = MARGIN_T;
        int bottom = PANEL_H - MARGIN_B + MARGIN_T;
        double xMax = r.points().stream().mapToDouble(TradeoffPoint::offeredLoad).max().orElse(1) * 1.05;
        double yMin = Double.MAX_VALUE;
        double yMax = 0;
        for (TradeoffPoint p : r.points()) {
            double v = metric.applyAsDouble(p);
            if (Double.isFinite(v) && v > 0) {
                yMin = Math.min(yMin, v);
                yMax = Math.max(yMax, v);
            }
        }
        if (yMax == 0) {
            yMax = 1;
            yMin = 0.1;
        }
        double lo = log ? Math.pow(10, Math.floor(Math.log10(yMin))) : 0;
        double hi = log ? Math.pow(10, Math.ceil(Math.log10(yMax))) : niceCeil(yMax * 1.1);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        g.drawString(title, left, top - 8);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        FontMetrics fm = g.getFontMetrics();
        // grid and y labels
        int ticks = log ? (int) Math.round(Math.log10(hi / lo)) : 5;
        for (int i = 0; i <= ticks; i++) {
            double v = log ? lo * Math.pow(10, i) : hi * i / ticks;
            int y = (int) Math.round(yOf(v, lo, hi, log, top, bottom));
            g.setColor(new Color(0xE5E5E5));
            g.drawLine(left, y, right, y);
            g.setColor(Color.DARK_GRAY);
            String s = format(v);
            g.drawString(s, left - 6 - fm.stringWidth(s), y + 4);
        }
        double step = xMax > 2 ? 0.5 : 0.25;
        for (double v = 0; v <= xMax + 1e-9; v += step) {
            int x = (int) Math.round(left + (right - left) * v / xMax);
            g.setColor(new Color(0xE5E5E5));
            g.drawLine(x, top, x, bottom);
            g.setColor(Color.DARK_GRAY);
            String s = Math.round(v * 100) + "%";
            g.drawString(s, x - fm.stringWidth(s) / 2, bottom + 14);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, right - left, bottom - top);
        g.drawString("offered load (fraction of base capacity)", left + 40, bottom + 32);
        List<String> names = r.schedulers();
        for (int si = 0; si < names.size(); si++) {
            g.setColor(COLORS[si % COLORS.length]);
            g.setStroke(new BasicStroke(2f));
            int px = -1;
            int py = -1;
            for (TradeoffPoint p : r.of(names.get(si))) {
                double v = metric.applyAsDouble(p);
                if (!Double.isFinite(v) || (log && v <= 0)) {
                    px = -1;
                    continue;
                }
                int x = (int) Math.round(left + (right - left) * p.offeredLoad() / xMax);
                int y = (int) Math.round(yOf(Math.max(v, lo), lo, hi, log, top, bottom));
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                g.fillOval(x - 3, y - 3, 7, 7);
                px = x;
                py = y;
            }
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static double yOf(double v, double lo, double hi, boolean log, int top, int bottom) {
        double f = log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo);
        return bottom - f * (bottom - top);
    }

    private static void legend(Graphics2D g, TradeoffResult r, int y) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int x = MARGIN_L;
        List<String> names = r.schedulers();
        for (int i = 0; i < names.size(); i++) {
            g.setColor(COLORS[i % COLORS.length]);
            g.fillRect(x, y - 9, 18, 10);
            g.setColor(Color.BLACK);
            g.drawString(names.get(i), x + 24, y);
            x += 40 + g.getFontMetrics().stringWidth(names.get(i));
        }
    }

    private static double niceCeil(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String format(double v) {
        if (v >= 1000) {
            return String.format(Locale.ROOT, "%.0fk", v / 1000);
        }
        if (v >= 10 || v == 0) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, "%.1f", v);
    }
}

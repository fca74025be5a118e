package dev.railyard.host.loadgen;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws the latency-throughput curve of a rate sweep as a PNG with java.awt (headless): two
 * panels, TTFT and TPOT (ms) against achieved output throughput (tokens/s), each with its p50 and
 * p99 line, every point labelled with its offered rate, axes with ticks, grid and a legend.
 */
public final class SweepChart {

    private static final int W = 1400;
    private static final int H = 620;
    private static final Color P50 = new Color(0x1f77b4);
    private static final Color P99 = new Color(0xd62728);
    private static final Color GRID = new Color(0xe6e6e6);
    private static final Color INK = new Color(0x222222);
    private static final Color MUTED = new Color(0x777777);

    private SweepChart() {
    }

    /** One sweep point: the offered rate and its summary. */
    public record Point(double rate, BenchSummary summary) {
    }

    /** Writes the chart of {@code points} (in sweep order) to {@code png}. */
    public static void write(List<Point> points, String subtitle, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, W, H);
            g.setColor(INK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
            g.drawString("railyard bench: latency vs throughput", 40, 36);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            g.setColor(MUTED);
            g.drawString(subtitle, 40, 58);
            double[] x = new double[points.size()];
            double[][] ttft = new double[2][points.size()];
            double[][] tpot = new double[2][points.size()];
            String[] labels = new String[points.size()];
            for (int i = 0; i < points.size(); i++) {
                BenchSummary s = points.get(i).summary();
                x[i] = s.outputTokenThroughput();
                ttft[0][i] = s.ttft().p50();
                ttft[1][i] = s.ttft().p99();
                tpot[0][i] = s.tpot().p50();
                tpot[1][i] = s.tpot().p99();
                labels[i] = fmt(points.get(i).rate()) + " req/s";
            }
            panel(g, 40, 80, W / 2 - 60, H - 110, "Time to first token", "TTFT (ms)", x, ttft, labels);
            panel(g, W / 2 + 20, 80, W / 2 - 60, H - 110, "Time per output token", "TPOT (ms)", x, tpot, labels);
        } finally {
            g.dispose();
        }
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(img, "png", png.toFile())) {
            throw new IOException("no PNG writer available");
        }
    }

    private static void panel(Graphics2D g, int left, int top, int width, int height, String title, String yLabel, double[] x,
                              double[][] series, String[] labels) {
        int plotL = left + 70;
        int plotT = top + 30;
        int plotW = width - 90;
        int plotH = height - 90;
        double xMax = niceCeil(max(x));
        double yMax = niceCeil(Math.max(max(series[0]), max(series[1])));
        double[] xTicks = ticks(xMax);
        double[] yTicks = ticks(yMax);
        xMax = xTicks[xTicks.length - 1];
        yMax = yTicks[yTicks.length - 1];

        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.setColor(INK);
        g.drawString(title, plotL, top + 16);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        for (double t : yTicks) {
            int py = plotT + plotH - (int) Math.round(t / yMax * plotH);
            g.setColor(GRID);
            g.drawLine(plotL, py, plotL + plotW, py);
            g.setColor(INK);
            g.drawLine(plotL - 5, py, plotL, py);
            String s = fmt(t);
            g.drawString(s, plotL - 8 - fm.stringWidth(s), py + fm.getAscent() / 2 - 1);
        }
        for (double t : xTicks) {
            int px = plotL + (int) Math.round(t / xMax * plotW);
            g.setColor(GRID);
            g.drawLine(px, plotT, px, plotT + plotH);
            g.setColor(INK);
            g.drawLine(px, plotT + plotH, px, plotT + plotH + 5);
            String s = fmt(t);
            g.drawString(s, px - fm.stringWidth(s) / 2, plotT + plotH + 8 + fm.getAscent());
        }
        g.setColor(INK);
        g.setStroke(new BasicStroke(1.5f));
        g.drawLine(plotL, plotT, plotL, plotT + plotH);
        g.drawLine(plotL, plotT + plotH, plotL + plotW, plotT + plotH);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        fm = g.getFontMetrics();
        String xLabel = "achieved output throughput (tokens/s)";
        g.drawString(xLabel, plotL + plotW / 2 - fm.stringWidth(xLabel) / 2, plotT + plotH + 42);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString(yLabel, -(plotT + plotH / 2 + fm.stringWidth(yLabel) / 2), left + 16);
        rotated.dispose();

        Stroke solid = new BasicStroke(2.2f);
        Stroke dashed = new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {8f, 5f}, 0f);
        line(g, plotL, plotT, plotW, plotH, xMax, yMax, x, series[1], P99, dashed, true);
        line(g, plotL, plotT, plotW, plotH, xMax, yMax, x, series[0], P50, solid, false);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.setColor(MUTED);
        for (int i = 0; i < x.length; i++) {
            if (Double.isNaN(series[1][i]) || Double.isNaN(x[i])) {
                continue;
            }
            int px = plotL + (int) Math.round(x[i] / xMax * plotW);
            int py = plotT + plotH - (int) Math.round(series[1][i] / yMax * plotH);
            g.drawString(labels[i], px + 6, py - 8);
        }
        legend(g, plotL + plotW - 150, top, solid, dashed);
    }

    private static void line(Graphics2D g, int plotL, int plotT, int plotW, int plotH, double xMax, double yMax, double[] x,
                             double[] y, Color color, Stroke stroke, boolean squares) {
        g.setColor(color);
        int prevX = -1;
        int prevY = -1;
        for (int i = 0; i < x.length; i++) {
            if (Double.isNaN(x[i]) || Double.isNaN(y[i])) {
                continue;
            }
            int px = plotL + (int) Math.round(x[i] / xMax * plotW);
            int py = plotT + plotH - (int) Math.round(y[i] / yMax * plotH);
            if (prevX >= 0) {
                g.setStroke(stroke);
                g.drawLine(prevX, prevY, px, py);
            }
            marker(g, px, py, squares);
            prevX = px;
            prevY = py;
        }
    }

    private static void marker(Graphics2D g, int px, int py, boolean square) {
        g.setStroke(new BasicStroke(1.5f));
        if (square) {
            g.fillRect(px - 4, py - 4, 9, 9);
        } else {
            g.fillOval(px - 5, py - 5, 10, 10);
        }
    }

    /** A one-line legend above the plot's top-right corner: the p50 and p99 line styles. */
    private static void legend(Graphics2D g, int x, int y, Stroke solid, Stroke dashed) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(P50);
        g.setStroke(solid);
        g.drawLine(x, y + 12, x + 30, y + 12);
        marker(g, x + 15, y + 12, false);
        g.setColor(INK);
        g.drawString("p50", x + 36, y + 16);
        g.setColor(P99);
        g.setStroke(dashed);
        g.drawLine(x + 75, y + 12, x + 105, y + 12);
        marker(g, x + 90, y + 12, true);
        g.setColor(INK);
        g.drawString("p99", x + 111, y + 16);
    }

    private static double max(double[] v) {
        double m = 0;
        for (double d : v) {
            if (!Double.isNaN(d) && d > m) {
                m = d;
            }
        }
        return m;
    }

    /** 1, 2 or 5 times a power of ten at or above {@code v} (1 for nothing). */
    static double niceCeil(double v) {
        if (!(v > 0)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v * 1.02) {
                return m * p;
            }
        }
        return 10 * p;
    }

    /** About five evenly spaced round ticks from 0 covering {@code max}. */
    static double[] ticks(double max) {
        double raw = max / 5;
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = p;
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= raw) {
                step = m * p;
                break;
            }
        }
        int n = (int) Math.ceil(max / step - 1e-9);
        double[] t = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            t[i] = i * step;
        }
        return t;
    }

    static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e12) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.1f" : "%.2f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}

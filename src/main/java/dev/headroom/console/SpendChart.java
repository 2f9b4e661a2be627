package dev.headroom.console;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongFunction;

/**
 * A stacked bar chart of cost per day, one colour per series (a product or a model), drawn as SVG
 * on the server (EX-3): nothing is loaded from elsewhere and no script runs. Series names come from
 * usage reports, so every text is escaped.
 */
final class SpendChart {
    private static final String[] COLOURS = {
        "#3b6fd8", "#e07a2f", "#2e9e6a", "#c2417a", "#7a5bd1", "#b59a1f", "#2a9bb5", "#8c5a3c"
    };
    // Geometry in tenths of a pixel, so every coordinate is an exact integer (no floating point).
    private static final int WIDTH = 9000;
    private static final int HEIGHT = 2800;
    private static final int LEFT = 800;
    private static final int RIGHT = 2000;
    private static final int TOP = 120;
    private static final int BOTTOM = 340;

    private SpendChart() {}

    /** One bar segment's value. */
    record Point(LocalDate day, String series, long nanos) {}

    static String draw(
            String title,
            LocalDate from,
            LocalDate to,
            List<Point> points,
            LongFunction<String> money) {
        Map<String, Integer> colour = new LinkedHashMap<>();
        Map<LocalDate, Map<String, Long>> byDay = new TreeMap<>();
        for (Point p : points) {
            colour.putIfAbsent(p.series(), colour.size());
            byDay.computeIfAbsent(p.day(), d -> new LinkedHashMap<>())
                    .merge(p.series(), p.nanos(), Long::sum);
        }
        List<LocalDate> days = new ArrayList<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            days.add(d);
        }
        long max = 0;
        for (Map<String, Long> day : byDay.values()) {
            max = Math.max(max, day.values().stream().mapToLong(Long::longValue).sum());
        }
        long scale = niceCeiling(max);
        int plotWidth = WIDTH - LEFT - RIGHT;
        int plotHeight = HEIGHT - TOP - BOTTOM;
        int slot = plotWidth / days.size();
        int bar = Math.max(10, slot * 7 / 10);

        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\"")
                .append(" viewBox=\"0 0 ")
                .append(WIDTH)
                .append(' ')
                .append(HEIGHT)
                .append("\" aria-label=\"")
                .append(escape(title))
                .append("\"><title>")
                .append(escape(title))
                .append("</title>");
        for (int i = 0; i <= 4; i++) {
            int y = TOP + plotHeight - plotHeight * i / 4;
            svg.append(line(LEFT, y, LEFT + plotWidth, y, "#d9dde3"));
            svg.append(text(LEFT - 80, y + 40, "end", money.apply(scale / 4 * i)));
        }
        int labelEvery = Math.max(1, (days.size() + 9) / 10);
        for (int i = 0; i < days.size(); i++) {
            LocalDate day = days.get(i);
            int x = LEFT + i * slot + (slot - bar) / 2;
            int y = TOP + plotHeight;
            for (Map.Entry<String, Long> part : byDay.getOrDefault(day, Map.of()).entrySet()) {
                int h = share(part.getValue(), scale, plotHeight);
                y -= h;
                svg.append(rect(x, y, bar, h, COLOURS[colour.get(part.getKey()) % COLOURS.length]))
                        .append("<title>")
                        .append(day)
                        .append(" · ")
                        .append(escape(part.getKey()))
                        .append(": ")
                        .append(escape(money.apply(part.getValue())))
                        .append("</title></rect>");
            }
            if (i % labelEvery == 0) {
                svg.append(
                        text(
                                x + bar / 2,
                                TOP + plotHeight + 180,
                                "middle",
                                day.toString().substring(5)));
            }
        }
        svg.append(line(LEFT, TOP + plotHeight, LEFT + plotWidth, TOP + plotHeight, "#6b7280"));
        int row = 0;
        for (Map.Entry<String, Integer> series : colour.entrySet()) {
            int y = TOP + 80 + row++ * 200;
            svg.append(
                            rect(
                                    WIDTH - RIGHT + 160,
                                    y - 90,
                                    120,
                                    120,
                                    COLOURS[series.getValue() % COLOURS.length]))
                    .append("</rect>");
            svg.append(text(WIDTH - RIGHT + 340, y + 10, "start", series.getKey()));
        }
        if (colour.isEmpty()) {
            svg.append(
                    text(
                            LEFT + plotWidth / 2,
                            TOP + plotHeight / 2,
                            "middle",
                            "No usage in this period"));
        }
        return svg.append("</svg>").toString();
    }

    /**
     * The smallest 1, 2 or 5 × 10ⁿ nanos not below {@code max}, so gridlines fall on round amounts.
     */
    static long niceCeiling(long max) {
        if (max <= 0) {
            return 0;
        }
        long step = 1;
        while (true) {
            for (long m : new long[] {1, 2, 5}) {
                if (step * m >= max) {
                    return step * m;
                }
            }
            if (step > Long.MAX_VALUE / 100) {
                return max;
            }
            step *= 10;
        }
    }

    /** {@code value / scale} of {@code size}, exactly rounded down, for any nanos amount. */
    static int share(long value, long scale, int size) {
        if (scale == 0) {
            return 0;
        }
        return java.math.BigInteger.valueOf(value)
                .multiply(java.math.BigInteger.valueOf(size))
                .divide(java.math.BigInteger.valueOf(scale))
                .intValueExact();
    }

    private static String rect(int x, int y, int width, int height, String colour) {
        return "<rect x=\""
                + x
                + "\" y=\""
                + y
                + "\" width=\""
                + width
                + "\" height=\""
                + height
                + "\" fill=\""
                + colour
                + "\">";
    }

    private static String line(int x1, int y1, int x2, int y2, String colour) {
        return "<line x1=\""
                + x1
                + "\" y1=\""
                + y1
                + "\" x2=\""
                + x2
                + "\" y2=\""
                + y2
                + "\" stroke=\""
                + colour
                + "\" stroke-width=\"10\"/>";
    }

    private static String text(int x, int y, String anchor, String content) {
        return "<text x=\""
                + x
                + "\" y=\""
                + y
                + "\" text-anchor=\""
                + anchor
                + "\" font-size=\"120\" fill=\"#374151\">"
                + escape(content)
                + "</text>";
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}

package dev.sparksgd.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as the user writes them: {@code 90s}, {@code 30m}, {@code 2h}, {@code 1d}, {@code 500ms}; a bare number is seconds. */
public final class Durations {
  private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)?");

  private Durations() {
  }

  /** Milliseconds; 0 for "0". */
  public static long parseMillis(String option, String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    Matcher m = FORM.matcher(t);
    if (!m.matches()) {
      throw new ConfigException(option + " must be a duration such as 90s, 30m or 2h, or 0 for no "
          + "limit (got '" + text + "')");
    }
    double v = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    double factor = switch (unit) {
      case "ms" -> 1;
      case "s" -> 1e3;
      case "m" -> 60e3;
      case "h" -> 3600e3;
      default -> 86400e3;
    };
    double ms = v * factor;
    if (ms > Long.MAX_VALUE / 2.0) {
      throw new ConfigException(option + " is too long (got '" + text + "')");
    }
    return Math.round(ms);
  }
}

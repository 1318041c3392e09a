package dev.sparksgd.config;

import java.util.Locale;
import java.util.StringJoiner;
import java.util.function.Function;

/** Parses a user-given name into one of an enum's values by their CLI names. */
final class CliNames {
  private CliNames() {
  }

  static <E extends Enum<E>> E parse(E[] values, Function<E, String> cliName, String option, String s) {
    String k = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
    StringJoiner all = new StringJoiner(", ");
    for (E v : values) {
      if (cliName.apply(v).equals(k)) {
        return v;
      }
      all.add(cliName.apply(v));
    }
    throw new ConfigException(option + " must be one of " + all + " (got '" + s + "')");
  }
}

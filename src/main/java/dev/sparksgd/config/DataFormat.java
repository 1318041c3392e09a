package dev.sparksgd.config;

import java.util.Locale;

/** Input formats; AUTO picks one from the path's extension. */
public enum DataFormat {
  LIBSVM, CSV;

  public static DataFormat parse(String s) {
    switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "libsvm": case "svmlight": return LIBSVM;
      case "csv": return CSV;
      default: throw new ConfigException("--format must be libsvm or csv (got '" + s + "')");
    }
  }

  /** Guess from a path (a file, a directory or a glob): .csv means CSV, anything else LIBSVM. */
  public static DataFormat fromPath(String path) {
    String p = path.toLowerCase(Locale.ROOT);
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.endsWith(".csv") || p.endsWith(".csv.gz") || p.endsWith(".csv/*") || p.endsWith("*.csv")) {
      return CSV;
    }
    if (p.endsWith(".libsvm") || p.endsWith(".svm") || p.endsWith(".txt") || p.endsWith(".data")
        || p.endsWith(".libsvm.gz") || p.contains("libsvm")) {
      return LIBSVM;
    }
    throw new ConfigException("cannot tell the format of '" + path
        + "' from its name: give --format libsvm or --format csv");
  }

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }
}

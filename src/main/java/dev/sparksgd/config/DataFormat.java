package dev.sparksgd.config;

import java.util.List;
import java.util.Locale;

/** Input formats; AUTO picks one from the path's extension. */
public enum DataFormat {
  LIBSVM, CSV, PARQUET;

  public static DataFormat parse(String s) {
    switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "libsvm": case "svmlight": return LIBSVM;
      case "csv": return CSV;
      case "parquet": return PARQUET;
      default: throw new ConfigException("--format must be libsvm, csv or parquet (got '" + s + "')");
    }
  }

  /**
   * The format of the input when --format was not given: CSV when the path, or every data file it
   * names (a directory or glob), ends in .csv or .csv.gz (or a glob ends in *.csv); Parquet the
   * same way for .parquet; LIBSVM otherwise.
   */
  public static DataFormat resolve(DataFormat explicit, String path, List<String> fileNames) {
    if (explicit != null) {
      return explicit;
    }
    if (isParquetName(path) || path.toLowerCase(Locale.ROOT).endsWith("*.parquet")) {
      return PARQUET;
    }
    if (!fileNames.isEmpty() && fileNames.stream().allMatch(DataFormat::isParquetName)) {
      return PARQUET;
    }
    if (isCsvName(path) || path.toLowerCase(Locale.ROOT).endsWith("*.csv")) {
      return CSV;
    }
    if (!fileNames.isEmpty() && fileNames.stream().allMatch(DataFormat::isCsvName)) {
      return CSV;
    }
    return LIBSVM;
  }

  private static boolean isCsvName(String name) {
    String p = name.toLowerCase(Locale.ROOT);
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p.endsWith(".csv") || p.endsWith(".csv.gz");
  }

  private static boolean isParquetName(String name) {
    String p = name.toLowerCase(Locale.ROOT);
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p.endsWith(".parquet");
  }

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }
}

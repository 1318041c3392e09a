package dev.sparksgd.data;

import dev.sparksgd.config.ConfigException;
import dev.sparksgd.config.TrainConfig;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The columns of a CSV input, read from its first file's header: where the label and the weight
 * are, and the delimiter. Shipped to the tasks, which make a {@link CsvParser} from it and check
 * that every other file starts with the same header.
 */
final class CsvLayout implements Serializable {
  private static final long serialVersionUID = 1L;

  final String[] header;
  final int labelIndex;
  final int weightIndex;
  final char delimiter;
  /** Per header column: its position among the numeric features, or -1. */
  private final int[] featureAt;
  /** Per header column: its position among the categorical columns, or -1. */
  private final int[] categoryAt;
  private final String headerLine;

  private CsvLayout(String[] header, int labelIndex, int weightIndex, char delimiter, int[] featureAt,
      int[] categoryAt) {
    this.featureAt = featureAt;
    this.categoryAt = categoryAt;
    this.header = header;
    this.labelIndex = labelIndex;
    this.weightIndex = weightIndex;
    this.delimiter = delimiter;
    this.headerLine = String.join(",", header);
  }

  /**
   * Reads the header of {@code first}.
   *
   * @param labelRequired whether a missing label column is an error (training) or means rows
   *     without labels (scoring)
   * @param categoricalCols the columns of categories (each must be in the header)
   */
  static CsvLayout read(Configuration hadoop, Path first, TrainConfig cfg, boolean labelRequired,
      List<String> categoricalCols) {
    return read(hadoop, first, cfg, labelRequired, categoricalCols, null);
  }

  /**
   * Reads the header of {@code first}, the columns found by name in any order.
   *
   * @param labelRequired whether a missing label column is an error (training) or means rows
   *     without labels (scoring)
   * @param categoricalCols the columns of categories (each must be in the header), in the order
   *     their values are handed over
   * @param numericCols the numeric feature columns (a model's; each must be in the header, and
   *     the other columns are not read), in feature order; null for every column but the label,
   *     weight and categorical ones, in header order
   */
  static CsvLayout read(Configuration hadoop, Path first, TrainConfig cfg, boolean labelRequired,
      List<String> categoricalCols, String[] numericCols) {
    String line = DataLoader.firstLine(hadoop, first);
    if (line == null || line.isBlank()) {
      throw new ConfigException(first + ": the CSV header row is missing (the first line is empty)");
    }
    String[] header;
    try {
      header = CsvParser.splitHeader(line, cfg.csvDelimiter);
    } catch (RecordException e) {
      throw new ConfigException(first + ":1: " + e.getMessage());
    }
    int label = Arrays.asList(header).indexOf(cfg.labelCol);
    if (label < 0 && labelRequired) {
      throw new ConfigException(first + ": no label column '" + cfg.labelCol
          + "' in the header (columns: " + String.join(", ", header) + "); give --label-col");
    }
    int weight = -1;
    if (cfg.weightCol != null) {
      weight = Arrays.asList(header).indexOf(cfg.weightCol);
      if (weight < 0) {
        throw new ConfigException(first + ": no weight column '" + cfg.weightCol
            + "' in the header (columns: " + String.join(", ", header) + ")");
      }
    }
    String why = numericCols != null ? ", which the model was trained with," : " (--categorical-cols)";
    int[] categoryAt = positions(first, header, categoricalCols, why);
    int[] featureAt;
    if (numericCols != null) {
      featureAt = positions(first, header, Arrays.asList(numericCols), why);
    } else {
      featureAt = new int[header.length];
      for (int c = 0, k = 0; c < header.length; c++) {
        featureAt[c] = c != label && c != weight && categoryAt[c] < 0 ? k++ : -1;
      }
    }
    return new CsvLayout(header, label, weight, cfg.csvDelimiter, featureAt, categoryAt);
  }

  /** Per header column, its position in {@code names}, or -1; each name must be in the header. */
  private static int[] positions(Path first, String[] header, List<String> names, String why) {
    int[] at = new int[header.length];
    Arrays.fill(at, -1);
    for (int k = 0; k < names.size(); k++) {
      int c = Arrays.asList(header).indexOf(names.get(k));
      if (c < 0) {
        throw new ConfigException(first + ": no column '" + names.get(k) + "'" + why + " in the header "
            + "(columns: " + String.join(", ", header) + ")");
      }
      at[c] = k;
    }
    return at;
  }

  /** A parser of rows that refuses missing values (one per task: it is not thread-safe). */
  CsvParser parser() {
    return parser(false);
  }

  /** A parser of rows; with {@code allowMissing} an empty feature cell is read as NaN. */
  CsvParser parser(boolean allowMissing) {
    return new CsvParser(header, labelIndex, weightIndex, delimiter, allowMissing, featureAt, categoryAt);
  }

  /**
   * Checks the first line of a file against the first file's header. Never skippable: the rows
   * below another header would be read against the wrong columns.
   */
  void checkHeader(String line) {
    if (!String.join(",", CsvParser.splitHeader(line, delimiter)).equals(headerLine)) {
      throw new RecordException("this file's header differs from the first file's (" + headerLine + ")");
    }
  }
}

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
  /** Per header column: read as categories; null when none is. */
  private final boolean[] categorical;
  private final String headerLine;

  private CsvLayout(String[] header, int labelIndex, int weightIndex, char delimiter, boolean[] categorical) {
    this.categorical = categorical;
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
    boolean[] categorical = null;
    if (!categoricalCols.isEmpty()) {
      categorical = new boolean[header.length];
      for (String c : categoricalCols) {
        int i = Arrays.asList(header).indexOf(c);
        if (i < 0) {
          throw new ConfigException(first + ": no column '" + c + "' (--categorical-cols) in the header "
              + "(columns: " + String.join(", ", header) + ")");
        }
        categorical[i] = true;
      }
    }
    return new CsvLayout(header, label, weight, cfg.csvDelimiter, categorical);
  }

  /** A parser of rows that refuses missing values (one per task: it is not thread-safe). */
  CsvParser parser() {
    return parser(false);
  }

  /** A parser of rows; with {@code allowMissing} an empty feature cell is read as NaN. */
  CsvParser parser(boolean allowMissing) {
    return new CsvParser(header, labelIndex, weightIndex, delimiter, allowMissing, categorical);
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

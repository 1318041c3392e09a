package dev.sparksgd.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses numeric CSV rows against a header: one column is the label, one may hold instance
 * weights, every other column is a feature in header order. Every value must be present and a
 * finite number; a weight must also be >= 0.
 */
public final class CsvParser {
  private final String[] header;
  private final int labelIndex;
  private final int weightIndex;

  public CsvParser(String[] header, int labelIndex) {
    this(header, labelIndex, -1);
  }

  /**
   * @param labelIndex the label column, or -1 when there is none (rows to score)
   * @param weightIndex the weight column, or -1
   */
  public CsvParser(String[] header, int labelIndex, int weightIndex) {
    this.header = header;
    this.labelIndex = labelIndex;
    this.weightIndex = weightIndex;
  }

  /** The header's columns (quotes and surrounding spaces removed). */
  public static String[] splitHeader(String line) {
    List<String> cols = new ArrayList<>();
    for (String c : line.split(",", -1)) {
      String t = c.trim();
      if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
        t = t.substring(1, t.length() - 1).replace("\"\"", "\"");
      }
      cols.add(t);
    }
    return cols.toArray(new String[0]);
  }

  /** The feature names: the header without the label and weight columns. */
  public String[] featureNames() {
    String[] names = new String[numFeatures()];
    for (int i = 0, k = 0; i < header.length; i++) {
      if (i != labelIndex && i != weightIndex) {
        names[k++] = header[i];
      }
    }
    return names;
  }

  public int numFeatures() {
    return header.length - (labelIndex >= 0 ? 1 : 0) - (weightIndex >= 0 ? 1 : 0);
  }

  /** Fills {@code out} with all features (dense, 0-based); false for a blank line. */
  public boolean parse(String line, ParsedRecord out) {
    out.clear();
    if (line.isBlank()) {
      return false;
    }
    int col = 0;
    int start = 0;
    int feature = 0;
    int len = line.length();
    while (true) {
      int comma = line.indexOf(',', start);
      int stop = comma < 0 ? len : comma;
      if (col >= header.length) {
        throw new RecordException("has more than the header's " + header.length + " columns");
      }
      String text = line.substring(start, stop).trim();
      if (text.isEmpty()) {
        throw new RecordException("missing value in column '" + header[col] + "'");
      }
      double v = LibsvmParser.parseNumber(text, "column '" + header[col] + "' value");
      if (col == labelIndex) {
        out.label = v;
      } else if (col == weightIndex) {
        if (v < 0) {
          throw new RecordException("weight (column '" + header[col] + "') is " + text + "; weights must be >= 0");
        }
        out.weight = v;
      } else {
        out.add(feature++, v);
      }
      col++;
      if (comma < 0) {
        break;
      }
      start = comma + 1;
    }
    if (col != header.length) {
      throw new RecordException("has " + col + " columns, the header has " + header.length);
    }
    return true;
  }
}

package dev.sparksgd.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses numeric CSV rows against a header: one column is the label, every other column a
 * feature in header order. Every value must be present and a finite number.
 */
public final class CsvParser {
  private final String[] header;
  private final int labelIndex;

  public CsvParser(String[] header, int labelIndex) {
    this.header = header;
    this.labelIndex = labelIndex;
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

  /** The feature names: the header without the label column. */
  public String[] featureNames() {
    String[] names = new String[header.length - 1];
    for (int i = 0, k = 0; i < header.length; i++) {
      if (i != labelIndex) {
        names[k++] = header[i];
      }
    }
    return names;
  }

  public int numFeatures() {
    return header.length - 1;
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

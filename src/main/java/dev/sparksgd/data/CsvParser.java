package dev.sparksgd.data;

import com.univocity.parsers.common.TextParsingException;
import com.univocity.parsers.csv.CsvParserSettings;

/**
 * Parses RFC 4180 CSV rows against a header with univocity-parsers (the parser Spark's own CSV
 * source uses): fields may be quoted, a quoted field may hold the delimiter and doubled quotes,
 * spaces around a field are dropped (inside quotes they are kept). One column is the label, one
 * may hold instance weights, every other column is a feature in header order: a number, or a
 * category (any text) when the column is categorical. A number must be finite, a weight also
 * >= 0; an empty cell is refused unless missing feature values are allowed.
 *
 * <p>Input arrives line by line (Hadoop's line reader, which also drops the CR of a CRLF), so a
 * quoted field cannot hold a line break: a quote still open at the end of a line is refused as an
 * unbalanced quote, with the line's location.
 */
public final class CsvParser {
  /** The byte-order mark some tools write before the header. */
  private static final char BOM = '\uFEFF';
  /** Columns a header may have (univocity sizes its buffers by it). */
  private static final int MAX_HEADER_COLUMNS = 1 << 20;

  private final String[] header;
  private final int labelIndex;
  private final int weightIndex;
  private final com.univocity.parsers.csv.CsvParser fields;
  private final char delimiter;
  private final boolean allowMissing;
  /** Per header column: read as a category (text); null when no column is. */
  private final boolean[] categorical;

  public CsvParser(String[] header, int labelIndex) {
    this(header, labelIndex, -1, ',', false, null);
  }

  /**
   * @param labelIndex the label column, or -1 when there is none (rows to score)
   * @param weightIndex the weight column, or -1
   * @param delimiter the field delimiter (',' for CSV, '\t' for TSV …)
   * @param allowMissing whether an empty feature cell is read as NaN (for {@link MissingValues}
   *     to fill) instead of refused; an empty label or weight is always refused
   * @param categorical per header column, whether it holds categories (text); null for none
   */
  public CsvParser(String[] header, int labelIndex, int weightIndex, char delimiter, boolean allowMissing,
      boolean[] categorical) {
    this.categorical = categorical;
    this.header = header;
    this.labelIndex = labelIndex;
    this.weightIndex = weightIndex;
    this.delimiter = delimiter;
    this.allowMissing = allowMissing;
    // One more than the header, so that a row with too many fields is told apart from a failure.
    this.fields = fieldParser(delimiter, header.length + 1);
  }

  private static com.univocity.parsers.csv.CsvParser fieldParser(char delimiter, int maxColumns) {
    CsvParserSettings s = new CsvParserSettings();
    s.getFormat().setDelimiter(delimiter);
    s.getFormat().setQuote('"');
    s.getFormat().setQuoteEscape('"');
    s.getFormat().setLineSeparator("\n");
    s.setCommentProcessingEnabled(false);
    s.setHeaderExtractionEnabled(false);
    s.setIgnoreLeadingWhitespaces(true);
    s.setIgnoreTrailingWhitespaces(true);
    s.setNullValue(null);
    s.setEmptyValue("");
    s.setSkipEmptyLines(false);
    s.setMaxCharsPerColumn(-1);
    s.setMaxColumns(maxColumns);
    s.setReadInputOnSeparateThread(false);
    return new com.univocity.parsers.csv.CsvParser(s);
  }

  /** The header's columns (quotes and surrounding spaces removed), comma-separated. */
  public static String[] splitHeader(String line) {
    return splitHeader(line, ',');
  }

  /**
   * The header's columns (quotes and surrounding spaces removed; a byte-order mark before the
   * first one dropped).
   *
   * @throws RecordException for an unbalanced quote
   */
  public static String[] splitHeader(String line, char delimiter) {
    String text = !line.isEmpty() && line.charAt(0) == BOM ? line.substring(1) : line;
    checkQuotes(text, delimiter, null);
    String[] cols = text.isBlank() ? null : fieldParser(delimiter, MAX_HEADER_COLUMNS).parseLine(text);
    if (cols == null) {
      return new String[] {""};
    }
    for (int i = 0; i < cols.length; i++) {
      cols[i] = cols[i] == null ? "" : cols[i];
    }
    return cols;
  }

  /** The numeric feature names: the header without the label, weight and categorical columns. */
  public String[] featureNames() {
    String[] names = new String[numFeatures()];
    for (int i = 0, k = 0; i < header.length; i++) {
      if (i != labelIndex && i != weightIndex && !isCategorical(i)) {
        names[k++] = header[i];
      }
    }
    return names;
  }

  /** The categorical columns, in header order. */
  public String[] categoricalNames() {
    String[] names = new String[numCategorical()];
    for (int i = 0, k = 0; i < header.length; i++) {
      if (isCategorical(i)) {
        names[k++] = header[i];
      }
    }
    return names;
  }

  private boolean isCategorical(int col) {
    return categorical != null && categorical[col];
  }

  private int numCategorical() {
    int n = 0;
    for (int i = 0; i < header.length; i++) {
      n += isCategorical(i) ? 1 : 0;
    }
    return n;
  }

  /** The numeric features. */
  public int numFeatures() {
    return header.length - (labelIndex >= 0 ? 1 : 0) - (weightIndex >= 0 ? 1 : 0) - numCategorical();
  }

  /**
   * The cells of a row as text (trimmed, unquoted; null where empty), or null for a blank line.
   *
   * @throws RecordException for an unbalanced quote or more fields than the header's
   */
  String[] cells(String line) {
    if (line.isBlank()) {
      return null;
    }
    checkQuotes(line, delimiter, header);
    try {
      return fields.parseLine(line);
    } catch (TextParsingException e) {
      throw new RecordException("has more than the header's " + header.length + " columns");
    }
  }

  /** Whether {@code text} is a finite number, as a numeric cell must be. */
  static boolean isNumber(String text) {
    try {
      LibsvmParser.parseNumber(text, "");
      return true;
    } catch (RecordException e) {
      return false;
    }
  }

  /**
   * Fills {@code out} with all features (dense, 0-based; NaN for a missing one when allowed);
   * false for a blank line.
   */
  public boolean parse(String line, ParsedRecord out) {
    return parse(line, out, null);
  }

  /**
   * As {@link #parse(String, ParsedRecord)}, the categorical columns' values (trimmed text, null
   * when missing and allowed) into {@code categories} in header order.
   */
  public boolean parse(String line, ParsedRecord out, String[] categories) {
    out.clear();
    // Once the quotes balance, the only failure left is more fields than maxColumns.
    String[] values = cells(line);
    if (values == null) {
      return false;
    }
    if (values.length > header.length) {
      throw new RecordException("has more than the header's " + header.length + " columns");
    }
    int feature = 0;
    int category = 0;
    for (int col = 0; col < values.length; col++) {
      String text = values[col];
      boolean missing = text == null || text.isEmpty();
      if (missing && !(allowMissing && col != labelIndex && col != weightIndex)) {
        throw new RecordException("missing value in column '" + header[col] + "'");
      }
      if (isCategorical(col)) {
        categories[category++] = missing ? null : text;
        continue;
      }
      if (missing) {
        out.add(feature++, Double.NaN);
        continue;
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
    }
    if (values.length != header.length) {
      throw new RecordException("has " + values.length + " columns, the header has " + header.length);
    }
    return true;
  }

  /**
   * Refuses a line whose quoted field is still open at its end (RFC 4180: a field that starts with
   * a quote ends at the next quote not doubled). Records spanning lines are not read.
   *
   * @param header the column names for the message, or null (the header line itself)
   */
  static void checkQuotes(String line, char delimiter, String[] header) {
    int n = line.length();
    int i = 0;
    for (int col = 0; ; col++) {
      while (i < n && line.charAt(i) != delimiter && line.charAt(i) <= ' ') {
        i++;
      }
      if (i < n && line.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= n) {
            throw new RecordException("unbalanced quote"
                + (header == null ? " in the header's column " + (col + 1)
                    : " in column '" + (col < header.length ? header[col] : "#" + (col + 1)) + "'")
                + " (a quoted field must end on its line; records that span lines are not read)");
          }
          if (line.charAt(i++) == '"') {
            if (i < n && line.charAt(i) == '"') {
              i++;
            } else {
              break;
            }
          }
        }
      }
      while (i < n && line.charAt(i) != delimiter) {
        i++;
      }
      if (i >= n) {
        return;
      }
      i++;
    }
  }
}

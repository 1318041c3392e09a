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
  /** Per header column: its position among the numeric features, or -1 (label, weight, category, ignored). */
  private final int[] featureAt;
  /** Per header column: its position among the categories, or -1. */
  private final int[] categoryAt;
  private final int numFeatures;
  private final int numCategorical;

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
    this(header, labelIndex, weightIndex, delimiter, allowMissing, inOrder(header, labelIndex, weightIndex,
        categorical, false), inOrder(header, labelIndex, weightIndex, categorical, true));
  }

  /**
   * As {@link #CsvParser(String[], int, int, char, boolean, boolean[])} with the columns' roles
   * given: {@code featureAt[c]} the position of column c among the numeric features (or -1),
   * {@code categoryAt[c]} its position among the categories (or -1); a column with neither role,
   * not the label nor the weight, is ignored.
   */
  CsvParser(String[] header, int labelIndex, int weightIndex, char delimiter, boolean allowMissing,
      int[] featureAt, int[] categoryAt) {
    this.featureAt = featureAt;
    this.categoryAt = categoryAt;
    this.numFeatures = count(featureAt);
    this.numCategorical = count(categoryAt);
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

  /**
   * Per header column, its position among the categorical columns ({@code categories}) or among
   * the others but label and weight (else), in header order; -1 for the rest.
   */
  private static int[] inOrder(String[] header, int labelIndex, int weightIndex, boolean[] categorical,
      boolean categories) {
    int[] at = new int[header.length];
    int k = 0;
    for (int c = 0; c < header.length; c++) {
      boolean isCategory = categorical != null && categorical[c];
      at[c] = c != labelIndex && c != weightIndex && isCategory == categories ? k++ : -1;
    }
    return at;
  }

  private static int count(int[] at) {
    int n = 0;
    for (int a : at) {
      n += a >= 0 ? 1 : 0;
    }
    return n;
  }

  private String[] namesOf(int[] at, int n) {
    String[] names = new String[n];
    for (int c = 0; c < header.length; c++) {
      if (at[c] >= 0) {
        names[at[c]] = header[c];
      }
    }
    return names;
  }

  /** The numeric feature names, in feature order. */
  public String[] featureNames() {
    return namesOf(featureAt, numFeatures);
  }

  /** The categorical columns, in the order their values are handed over. */
  public String[] categoricalNames() {
    return namesOf(categoryAt, numCategorical);
  }

  /** The numeric features. */
  public int numFeatures() {
    return numFeatures;
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
    out.dense(numFeatures);
    for (int col = 0; col < values.length; col++) {
      boolean label = col == labelIndex;
      boolean weight = col == weightIndex;
      if (!label && !weight && featureAt[col] < 0 && categoryAt[col] < 0) {
        continue; // a column the features do not use
      }
      String text = values[col];
      boolean missing = text == null || text.isEmpty();
      if (missing && !(allowMissing && !label && !weight)) {
        throw new RecordException("missing value in column '" + header[col] + "'");
      }
      if (categoryAt[col] >= 0) {
        categories[categoryAt[col]] = missing ? null : text;
        continue;
      }
      if (missing) {
        out.values[featureAt[col]] = Double.NaN;
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
        out.values[featureAt[col]] = v;
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

package dev.sparksgd.data;

/**
 * Parses "label index:value index:value …" lines (1-based, strictly increasing indices, as MLlib's
 * loadLibSVMFile). Blank lines and lines starting with '#' are skipped; a '#' starts a comment.
 */
public final class LibsvmParser {
  private final int numFeatures;

  /** @param numFeatures the largest index allowed, or 0 for no limit */
  public LibsvmParser(int numFeatures) {
    this.numFeatures = numFeatures;
  }

  /** Fills {@code out}; false for a line with no record (blank or comment). */
  public boolean parse(String line, ParsedRecord out) {
    out.clear();
    int end = line.indexOf('#');
    if (end < 0) {
      end = line.length();
    }
    int pos = skipSpace(line, 0, end);
    if (pos >= end) {
      return false;
    }
    int tokEnd = tokenEnd(line, pos, end);
    out.label = parseNumber(line.substring(pos, tokEnd), "label");
    pos = skipSpace(line, tokEnd, end);
    int previous = 0;
    while (pos < end) {
      tokEnd = tokenEnd(line, pos, end);
      int colon = line.indexOf(':', pos);
      if (colon < 0 || colon >= tokEnd) {
        throw new RecordException("expected index:value, found '" + line.substring(pos, tokEnd) + "'");
      }
      String idxText = line.substring(pos, colon);
      int index;
      try {
        index = Integer.parseInt(idxText);
      } catch (NumberFormatException e) {
        throw new RecordException("feature index '" + idxText + "' is not an integer");
      }
      if (index <= 0) {
        throw new RecordException("feature index " + index + " is not >= 1 (LIBSVM indices are 1-based)");
      }
      if (index <= previous) {
        throw new RecordException(index == previous
            ? "feature index " + index + " appears twice"
            : "feature indices are not increasing (" + index + " after " + previous + ")");
      }
      if (numFeatures > 0 && index > numFeatures) {
        throw new RecordException("feature index " + index + " is above --num-features " + numFeatures);
      }
      double value = parseNumber(line.substring(colon + 1, tokEnd), "value of feature " + index);
      out.add(index - 1, value);
      previous = index;
      pos = skipSpace(line, tokEnd, end);
    }
    return true;
  }

  static double parseNumber(String text, String what) {
    double v;
    try {
      v = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new RecordException(what + " '" + text + "' is not a number");
    }
    if (!Double.isFinite(v)) {
      throw new RecordException(what + " is " + text + " (NaN and infinities are not allowed)");
    }
    return v;
  }

  private static int skipSpace(String s, int pos, int end) {
    while (pos < end && Character.isWhitespace(s.charAt(pos))) {
      pos++;
    }
    return pos;
  }

  private static int tokenEnd(String s, int pos, int end) {
    while (pos < end && !Character.isWhitespace(s.charAt(pos))) {
      pos++;
    }
    return pos;
  }
}

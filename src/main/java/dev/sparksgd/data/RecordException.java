package dev.sparksgd.data;

/**
 * A record that cannot be used (bad number, bad index, wrong column count …). The parsers throw it
 * without a location; the reader adds file and line.
 */
public class RecordException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RecordException(String message) {
    super(message, null, false, false);
  }
}

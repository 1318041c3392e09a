package dev.sparksgd.data;

/** A {@link RecordException} with the file and line it came from: "file:line: problem". */
public class BadRecordException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BadRecordException(String location, String problem) {
    super(location + ": " + problem, null, false, false);
  }

  /** A problem with the records as a whole (e.g. too many skipped), already worded. */
  public BadRecordException(String message) {
    super(message, null, false, false);
  }
}

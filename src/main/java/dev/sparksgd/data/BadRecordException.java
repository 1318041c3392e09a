package dev.sparksgd.data;

/** A {@link RecordException} with the file and line it came from: "file:line: problem". */
public class BadRecordException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BadRecordException(String location, String problem) {
    super(location + ": " + problem, null, false, false);
  }
}

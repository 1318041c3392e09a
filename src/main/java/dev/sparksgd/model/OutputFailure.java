package dev.sparksgd.model;

import java.io.IOException;

/**
 * Something the run had to write (the model directory, a checkpoint, a report, predictions) could
 * not be written: a full disk, a lost mount, a permission, a quota. The message is one line that
 * says what, where and why; the command ends with its own exit code, and whatever was being
 * written is removed again (the earlier model stays as it was).
 *
 * <p>Hadoop's local filesystem reports a failed write as {@code org.apache.hadoop.fs.FSError},
 * which is an {@link Error}; the writers catch it with the {@link IOException}s and wrap both here.
 */
public final class OutputFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param what e.g. "the model", "checkpoint 12"; {@code where} is the path being written */
  public OutputFailure(String what, String where, Throwable cause) {
    super("cannot write " + what + " to " + where + ": " + reason(cause), cause);
  }

  /**
   * Why the write failed, in one short phrase: the message of the innermost I/O failure in the
   * cause chain (e.g. "No space left on device"), else that of the innermost cause. A Spark task's
   * failure arrives as a job-abort message carrying the task's exception as text; the text after
   * the last exception class name of its first line is taken then.
   */
  public static String reason(Throwable t) {
    Throwable io = null;
    Throwable last = t;
    for (Throwable c = t; c != null && c != c.getCause(); c = c.getCause()) {
      if (c instanceof IOException && c.getMessage() != null) {
        io = c;
      }
      last = c;
    }
    Throwable pick = io != null ? io : last;
    String text = pick.getMessage() == null ? pick.getClass().getSimpleName() : pick.getMessage();
    String first = text.strip().lines().findFirst().orElse(text);
    int at = Math.max(first.lastIndexOf("Exception: "), first.lastIndexOf("Error: "));
    if (at >= 0) {
      first = first.substring(first.indexOf(": ", at) + 2);
    }
    return first.strip();
  }
}

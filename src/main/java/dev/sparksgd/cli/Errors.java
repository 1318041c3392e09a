package dev.sparksgd.cli;

import dev.sparksgd.config.ConfigException;
import dev.sparksgd.data.BadRecordException;
import dev.sparksgd.model.OutputFailure;
import dev.sparksgd.report.Redact;
import java.io.PrintStream;
import org.apache.hadoop.fs.FSError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns an exception into one line and an exit code: the user's mistakes never show a stack trace. */
final class Errors {
  private static final Logger LOG = LoggerFactory.getLogger(Errors.class);

  private Errors() {
  }

  static int report(Throwable e, PrintStream err) {
    if (OutOfMemory.describe(e) != null) {
      OutOfMemory.reportOnce(err);
      return ExitCodes.OUT_OF_MEMORY;
    }
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof OutputFailure) {
        err.println("spark-sgd: error: " + oneLine(c.getMessage()));
        return ExitCodes.OUTPUT_FAILED;
      }
    }
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof FSError) { // the local disk failed outside the writers that name their output
        err.println("spark-sgd: error: local disk I/O failed: " + oneLine(OutputFailure.reason(c)));
        return ExitCodes.OUTPUT_FAILED;
      }
    }
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof ConfigException || c instanceof BadRecordException) {
        err.println("spark-sgd: error: " + oneLine(c.getMessage()));
        return ExitCodes.BAD_INPUT;
      }
    }
    // Spark may hand back a task's exception only as text in the job-abort message.
    String text = String.valueOf(e.getMessage());
    int at = text.indexOf(BadRecordException.class.getName() + ": ");
    if (at >= 0) {
      String rest = text.substring(at + BadRecordException.class.getName().length() + 2);
      int nl = rest.indexOf('\n');
      err.println("spark-sgd: error: " + oneLine(nl >= 0 ? rest.substring(0, nl) : rest));
      return ExitCodes.BAD_INPUT;
    }
    LOG.error("training failed", e);
    err.println("spark-sgd: failed: " + e);
    return ExitCodes.FAILURE;
  }

  /**
   * A message from a library may span lines (Jackson's does); the user gets one line, with any
   * credentials in a URI masked.
   */
  static String oneLine(String message) {
    return Redact.text(String.valueOf(message).replaceAll("\\s*\\R\\s*", " ").strip());
  }
}

package dev.sparksgd.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Marker;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.filter.AbstractFilter;
import org.apache.logging.log4j.message.Message;
import org.apache.spark.sql.SparkSession;

/**
 * Running out of memory ends the run with one line that says what ran out and what to change, and
 * exit code {@link ExitCodes#OUT_OF_MEMORY}.
 *
 * <p>Where an {@link OutOfMemoryError} can be caught decides how:
 * <ul>
 *   <li>In the driver's own threads (the coefficients, a collected result) it reaches
 *       {@link Errors#report} like any exception.</li>
 *   <li>In a task it never reaches us: Spark's executor logs it and calls
 *       {@code System.exit(52)} (its SparkUncaughtExceptionHandler), in local mode in the
 *       driver's JVM. {@link #install} therefore watches the log for the error (a log4j filter,
 *       which also drops Spark's screen of messages that follow, unless {@code --verbose}) and
 *       adds a shutdown hook that runs after Spark's own (which stop the context and delete the
 *       spilled blocks) and replaces exit 52 by ours with {@code Runtime.halt}.
 *       {@code -XX:+ExitOnOutOfMemoryError} is no alternative: it exits with code 3 (our
 *       quality gate's) and skips every shutdown hook, leaving the spilled blocks on disk.</li>
 *   <li>In an executor of a cluster the executor's JVM exits; the driver learns it from the job's
 *       failure ("java.lang.OutOfMemoryError" in the task's failure, or the executor's exit code
 *       52) and {@link Errors#report} maps that.</li>
 * </ul>
 */
final class OutOfMemory {
  /** Spark's exit code for an executor that died of an OutOfMemoryError (SparkExitCode.OOM). */
  private static final Pattern EXECUTOR_EXIT_52 = Pattern.compile("exit(?:ed with)? (?:code|status):? ?52\\b");
  private static final String SPARK_MIN_MEMORY = "INVALID_DRIVER_MEMORY";
  private static final String SPARK_MIN_EXECUTOR_MEMORY = "INVALID_EXECUTOR_MEMORY";

  private static boolean installed;
  private static volatile boolean verbose;
  /** The first OutOfMemoryError seen in this JVM's log or caught, as the user's line; else null. */
  private static volatile String seen;
  private static boolean reported;
  /** The code {@link Main#main} exits with, or -1 while the command runs (Spark may exit first). */
  private static volatile int mainExit = -1;

  private OutOfMemory() {
  }

  /** Once per JVM, the log filter; resets what an earlier command saw. */
  static synchronized void install() {
    seen = null;
    reported = false;
    verbose = false;
    if (installed) {
      return;
    }
    installed = true;
    if (LogManager.getContext(false) instanceof LoggerContext ctx) {
      Watch w = new Watch();
      w.start();
      ctx.getConfiguration().addFilter(w);
    }
  }

  /**
   * For the process that {@link Main#main} runs (never a test's shared JVM): a failure that ran
   * out of memory ends with {@link ExitCodes#OUT_OF_MEMORY}, even when Spark called System.exit.
   */
  static void exitCodeOnShutdown() {
    // Hadoop runs its hooks by descending priority, one after the other: Spark's (priority 40:
    // stop the SparkContext, delete its temporary directories) and the file systems' (10) first.
    org.apache.hadoop.util.ShutdownHookManager.get().addShutdownHook(() -> {
      // A command that succeeded despite an error Spark recovered from keeps its code 0.
      if (seen != null && mainExit != ExitCodes.OK) {
        reportOnce(System.err);
        System.err.flush();
        Runtime.getRuntime().halt(ExitCodes.OUT_OF_MEMORY);
      }
    }, 0);
  }

  /** Main's exit code, as it calls System.exit. */
  static void exiting(int code) {
    mainExit = code;
  }

  /** {@code --verbose}: Spark's messages after an OutOfMemoryError stay in the log. */
  static void setVerbose(boolean on) {
    verbose = on;
  }

  /**
   * The user's line for a failure caused by running out of memory, or null for any other failure.
   * Records it, so that the shutdown hook knows the run ended that way.
   */
  static String describe(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof OutOfMemoryError oom) {
        note(Thread.currentThread().getName(), oom);
        return seen;
      }
    }
    if (seen != null) {
      return seen; // a task's error, logged before Spark shut the context down under the job
    }
    String text = String.valueOf(e.getMessage());
    if (text.contains(SPARK_MIN_MEMORY) || text.contains(SPARK_MIN_EXECUTOR_MEMORY)) {
      seen = "not enough memory for Spark to start: " + firstLine(text);
      return seen;
    }
    if (text.contains("java.lang.OutOfMemoryError") || text.contains("SparkOutOfMemoryError")
        || text.contains("ExecutorLostFailure") && EXECUTOR_EXIT_52.matcher(text).find()) {
      seen = "out of memory in an executor (" + oomText(text) + "): give more --executor-memory, "
          + "more --num-partitions (smaller partitions), or --storage-level DISK_ONLY";
      return seen;
    }
    return null;
  }

  /** Prints the line once, from whichever comes first: the failing command or the shutdown hook. */
  static synchronized void reportOnce(PrintStream err) {
    if (seen != null && !reported) {
      reported = true;
      err.println("spark-sgd: error: " + seen);
    }
  }

  static void note(String thread, OutOfMemoryError oom) {
    if (seen != null) {
      return;
    }
    String what = oom.getClass().getName() + ": " + oom.getMessage();
    String heap = String.format(Locale.ROOT, "%d MB", Runtime.getRuntime().maxMemory() >> 20);
    boolean task = thread.startsWith("Executor task launch worker");
    boolean local = SparkSession.getDefaultSession().map(s -> s.sparkContext().isLocal()).getOrElse(() -> true);
    if (task && local) {
      seen = "out of memory in a task (" + what + "); in local mode tasks run in the driver's heap ("
          + heap + "): give more --driver-memory, more --num-partitions (smaller partitions), or "
          + "--storage-level DISK_ONLY";
    } else if (task) {
      seen = "out of memory in a task (" + what + "): give more --executor-memory, more "
          + "--num-partitions (smaller partitions), or --storage-level DISK_ONLY";
    } else {
      seen = "out of memory in the driver (" + what + ", heap " + heap + "): give more "
          + "--driver-memory (it holds the coefficients and the optimizer's state, a few arrays "
          + "of 8 bytes per feature)";
    }
  }

  private static String oomText(String text) {
    int at = text.indexOf("java.lang.OutOfMemoryError");
    if (at < 0) {
      return "the executor exited with code 52";
    }
    String rest = text.substring(at);
    int nl = rest.indexOf('\n');
    return nl >= 0 ? rest.substring(0, nl).strip() : rest.strip();
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return (nl >= 0 ? s.substring(0, nl) : s).strip();
  }

  /** Notes the first OutOfMemoryError any thread logs; then drops the log lines that follow. */
  static final class Watch extends AbstractFilter {
    Watch() {
      super(Result.DENY, Result.NEUTRAL);
    }

    boolean drop(Throwable t) {
      for (Throwable c = t; c != null; c = c.getCause()) {
        if (c instanceof OutOfMemoryError oom) {
          note(Thread.currentThread().getName(), oom);
          break;
        }
        String m = c.getMessage();
        if (m != null && (m.contains(SPARK_MIN_MEMORY) || m.contains(SPARK_MIN_EXECUTOR_MEMORY))) {
          return !verbose; // SparkContext logs it with its stack; the command reports it in one line
        }
      }
      return seen != null && !verbose;
    }

    @Override
    public Result filter(Logger logger, Level level, Marker marker, String msg, Object... params) {
      Throwable t = params != null && params.length > 0 && params[params.length - 1] instanceof Throwable x ? x : null;
      return drop(t) ? onMatch : onMismatch;
    }

    @Override
    public Result filter(Logger logger, Level level, Marker marker, Object msg, Throwable t) {
      return drop(t) ? onMatch : onMismatch;
    }

    @Override
    public Result filter(Logger logger, Level level, Marker marker, Message msg, Throwable t) {
      return drop(t) ? onMatch : onMismatch;
    }

    @Override
    public Result filter(LogEvent event) {
      return drop(event.getThrown()) ? onMatch : onMismatch;
    }
  }
}

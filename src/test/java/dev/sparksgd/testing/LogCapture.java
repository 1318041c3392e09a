package dev.sparksgd.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.SparkExecutorInfo;
import org.apache.spark.SparkStatusTracker;
import org.apache.spark.sql.SparkSession;

/**
 * Records every log event that reaches the root logger's appenders while open (after the
 * configuration's filters, as the console would see them). In-process CLI runs cannot see Spark's
 * log lines in their captured stderr, because log4j's console appender holds the JVM's original
 * stream; this shows them to the test.
 */
public final class LogCapture implements AutoCloseable {
  private static final AtomicInteger IDS = new AtomicInteger();
  private final List<LogEvent> events = Collections.synchronizedList(new ArrayList<>());
  private final LoggerContext ctx;
  private final Configuration config;
  private final AbstractAppender appender;

  private LogCapture() {
    ctx = (LoggerContext) LogManager.getContext(false);
    config = ctx.getConfiguration();
    appender = new AbstractAppender("test-capture-" + IDS.incrementAndGet(), null, null, true,
        Property.EMPTY_ARRAY) {
      @Override
      public void append(LogEvent event) {
        events.add(event.toImmutable());
      }
    };
    appender.start();
    config.getRootLogger().addAppender(appender, Level.ALL, null);
    ctx.updateLoggers();
  }

  /**
   * Starts the shared session first if none runs: Spark installs its default log setup only while
   * the root logger has no appender, so a capture opened before Spark's first log line would
   * change it. A running session (whatever its conf) is left as it is.
   */
  public static LogCapture start() {
    if (SparkSession.getDefaultSession().isEmpty()) {
      SparkTestSession.get();
    }
    awaitQuiet();
    return new LogCapture();
  }

  /**
   * Waits until the running session has no active job and no running task. A job aborted by an
   * earlier test (a bad record, a cancellation) leaves its killed tasks running for a moment, and
   * their lines ("Putting block ... failed", "Block ... could not be removed") would otherwise land
   * in the next capture; call this after the command under test too, so that its own late lines are
   * part of its capture.
   */
  public static void awaitQuiet() {
    scala.Option<SparkSession> session = SparkSession.getDefaultSession();
    if (session.isEmpty()) {
      return;
    }
    SparkStatusTracker tracker = session.get().sparkContext().statusTracker();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!quiet(tracker)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the shared Spark session still runs jobs or tasks after 120 s");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  private static boolean quiet(SparkStatusTracker tracker) {
    if (tracker.getActiveJobIds().length > 0) {
      return false;
    }
    for (SparkExecutorInfo e : tracker.getExecutorInfos()) {
      if (e.numRunningTasks() > 0) {
        return false;
      }
    }
    return true;
  }

  public List<LogEvent> events() {
    synchronized (events) {
      return new ArrayList<>(events);
    }
  }

  /** Events at WARN or above, as "LEVEL logger: message [exception]". */
  public List<String> warnings() {
    List<String> out = new ArrayList<>();
    for (LogEvent e : events()) {
      if (e.getLevel().isMoreSpecificThan(Level.WARN)) {
        out.add(text(e));
      }
    }
    return out;
  }

  /** Every event as text, the exception's class and message included. */
  public String all() {
    StringBuilder sb = new StringBuilder();
    for (LogEvent e : events()) {
      sb.append(text(e)).append('\n');
    }
    return sb.toString();
  }

  public static String text(LogEvent e) {
    String s = e.getLevel() + " " + e.getLoggerName() + ": " + e.getMessage().getFormattedMessage();
    for (Throwable t = e.getThrown(); t != null; t = t.getCause()) {
      s += " [" + t + "]";
    }
    return s;
  }

  @Override
  public void close() {
    config.getRootLogger().removeAppender(appender.getName());
    ctx.updateLoggers();
    appender.stop();
  }
}

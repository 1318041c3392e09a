package dev.sparksgd.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Marker;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.filter.AbstractFilter;
import org.apache.logging.log4j.core.filter.CompositeFilter;
import org.apache.logging.log4j.message.Message;

/**
 * Drops the lines Spark logs about a task that failed on one of our {@code BadRecordException}s.
 * A bad record already ends the run with one clear line ({@link Errors}); Spark would add five
 * more (BlockManager, Executor with the exception, TaskSetManager "Lost task" and "aborting job")
 * that say the same thing louder, two more for each other task the abort kills, and one when such
 * a task's status arrives after Spark was stopped. Every other failure is left alone, so a real problem still
 * shows Spark's own lines, and {@code train --verbose} turns this filter off.
 *
 * <p>It is installed in code as a configuration-wide filter rather than in conf/log4j2.properties:
 * spark-submit configures logging before it loads the application jar, so a plugin class from
 * that jar could not be named in the file.
 */
final class BadRecordLogFilter extends AbstractFilter {
  static final String EXCEPTION = "dev.sparksgd.data.BadRecordException";
  private static final Pattern LOST_TASK = Pattern.compile("Lost task (\\d+)\\.\\d+ in stage (\\S+) ");
  private static final Pattern EXCEPTION_IN_TASK = Pattern.compile("^Exception in task (\\d+)\\.\\d+ in stage (\\S+) ");
  private static final Pattern ABORTING = Pattern.compile("^Task (\\d+) in stage (\\S+) failed \\d+ times?; aborting job");
  private static final Pattern PUTTING = Pattern.compile("^Putting block (\\S+) failed");
  private static final Pattern NOT_REMOVED = Pattern.compile("^Block (\\S+) could not be removed");

  private static final String KILLED = "org.apache.spark.TaskKilledException";
  /**
   * A killed task's status that reaches the scheduler after the run stopped Spark (the result
   * threads are gone): TaskSchedulerImpl logs it with a RejectedExecutionException.
   */
  private static final String STATUS_AFTER_STOP = "Exception in statusUpdate";
  /** How long after a bad record the lines of the tasks killed by the job's abort are dropped. */
  static final long KILLED_WINDOW_NANOS = 30_000_000_000L;

  private static volatile boolean enabled = true;
  private volatile long lastBadRecordNanos = System.nanoTime() - 2 * KILLED_WINDOW_NANOS;

  /** Tasks and cached blocks that failed on a bad record, whose follow-up lines go too. */
  private final Set<String> failed = Collections.synchronizedSet(Collections.newSetFromMap(
      new LinkedHashMap<String, Boolean>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
          return size() > 1000;
        }
      }));

  BadRecordLogFilter() {
    super(Result.DENY, Result.NEUTRAL);
  }

  /** Adds the filter to the current log4j configuration unless it is there already. */
  static void install() {
    if (!(LogManager.getContext(false) instanceof LoggerContext ctx)) {
      return; // another logging backend: nothing to filter with
    }
    Configuration config = ctx.getConfiguration();
    if (!contains(config.getFilter())) {
      BadRecordLogFilter f = new BadRecordLogFilter();
      f.start();
      config.addFilter(f);
    }
  }

  private static boolean contains(Filter f) {
    if (f instanceof BadRecordLogFilter) {
      return true;
    }
    if (f instanceof CompositeFilter c) {
      for (Filter x : c.getFiltersArray()) {
        if (x instanceof BadRecordLogFilter) {
          return true;
        }
      }
    }
    return false;
  }

  /** Off for {@code --verbose}; on again at the start of each command. */
  static void setEnabled(boolean on) {
    enabled = on;
  }

  /** True when the line is Spark's report of a task failing on a bad record. */
  boolean drop(String logger, String text, Throwable t) {
    if (!enabled || logger == null || !logger.startsWith("org.apache.spark")) {
      return false;
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c.getClass().getName().equals(EXCEPTION)) {
        // Local mode: the executor's line comes first, and may be all that passes the level.
        Matcher m = text == null ? null : EXCEPTION_IN_TASK.matcher(text);
        if (m != null && m.find()) {
          failed.add("task " + m.group(1) + " stage " + m.group(2));
        }
        lastBadRecordNanos = System.nanoTime();
        return true;
      }
    }
    if (text == null) {
      return false;
    }
    if (text.contains(EXCEPTION)) {
      Matcher m = LOST_TASK.matcher(text);
      if (m.find()) {
        failed.add("task " + m.group(1) + " stage " + m.group(2));
      }
      m = PUTTING.matcher(text);
      if (m.find()) {
        failed.add("block " + m.group(1));
      }
      lastBadRecordNanos = System.nanoTime();
      return true;
    }
    // The job's abort kills the other running tasks; their cached blocks fail to be stored.
    if (text.contains(KILLED) && System.nanoTime() - lastBadRecordNanos < KILLED_WINDOW_NANOS) {
      Matcher m = PUTTING.matcher(text);
      if (m.find()) {
        failed.add("block " + m.group(1));
        return true;
      }
    }
    if (text.startsWith(STATUS_AFTER_STOP) && t instanceof java.util.concurrent.RejectedExecutionException
        && System.nanoTime() - lastBadRecordNanos < KILLED_WINDOW_NANOS) {
      return true;
    }
    Matcher m = ABORTING.matcher(text);
    if (m.find()) {
      return failed.contains("task " + m.group(1) + " stage " + m.group(2));
    }
    m = NOT_REMOVED.matcher(text);
    if (m.find()) {
      return failed.contains("block " + m.group(1));
    }
    return false;
  }

  private Result decide(Logger logger, String text, Throwable t) {
    return drop(logger == null ? null : logger.getName(), text, t) ? onMatch : onMismatch;
  }

  @Override
  public Result filter(Logger logger, Level level, Marker marker, String msg, Object... params) {
    Throwable t = params != null && params.length > 0 && params[params.length - 1] instanceof Throwable x ? x : null;
    return decide(logger, msg, t);
  }

  @Override
  public Result filter(Logger logger, Level level, Marker marker, Object msg, Throwable t) {
    return decide(logger, msg == null ? null : msg.toString(), t);
  }

  @Override
  public Result filter(Logger logger, Level level, Marker marker, Message msg, Throwable t) {
    return decide(logger, msg == null ? null : msg.getFormattedMessage(), t);
  }

  @Override
  public Result filter(LogEvent event) {
    Message m = event.getMessage();
    return drop(event.getLoggerName(), m == null ? null : m.getFormattedMessage(), event.getThrown())
        ? onMatch : onMismatch;
  }
}

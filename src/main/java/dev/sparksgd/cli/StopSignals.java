package dev.sparksgd.cli;

import dev.sparksgd.model.OutputDirectory;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM and SIGINT while {@code train} runs: a scheduler's preemption (Kubernetes evicting a pod,
 * an Airflow timeout, a spot node going away) or Ctrl-C, not a crash. The first signal asks the run
 * to stop ({@link #requested}) and cancels its running Spark job ({@code cancel}), again every
 * {@value #CANCEL_EVERY_MILLIS} ms so that a job submitted just after the request is cancelled too;
 * the command then stops at the iteration boundary before that job, writes the checkpoint, publishes
 * nothing, prints one line and exits with {@link #exitCode}. A second signal ends the process at
 * once ({@link Runtime#halt}), but never while a published directory replaces the old one: every
 * file is written under a temporary name and renamed, so nothing is left half-written.
 *
 * <p>Why a signal handler and not a shutdown hook. On SIGTERM the JVM runs every shutdown hook at
 * once, and Spark's (registered in Hadoop's ShutdownHookManager at priority 40, where it stops the
 * SparkContext at Spark priority 50) pulls Spark from under the running trainer. A Hadoop hook of a
 * higher priority could ask the trainer to stop and wait (bounded) for its checkpoint before
 * Spark's hook runs, but from inside the shutdown: the hook cannot tell SIGTERM from SIGINT or from
 * a System.exit elsewhere (the line and the exit code name the signal); the main thread cannot
 * choose the exit code (System.exit blocks once shutdown has begun); and the JVM ignores a second
 * SIGTERM until the hooks are done (measured on Java 17: a second SIGTERM 0.5 s into a 4 s hook
 * changed nothing), so "a second signal stops at once" is impossible. Handling the signal instead
 * means the shutdown never starts until the command has returned: Spark stays up for the
 * checkpoint, the exit code is the command's, and the second signal is ours. {@code sun.misc.Signal}
 * is in the {@code jdk.unsupported} module, exported on every JDK since 9; where it refuses a signal
 * (the JVM runs with -Xrs) the JVM's own behaviour stays, and a signal the launching shell ignored
 * (a background job's SIGINT) stays ignored.
 */
final class StopSignals implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);
  /** Signal name (as {@link Signal} spells it) → the exit code of a run it stopped. */
  private static final Map<String, Integer> EXIT_CODES = Map.of("TERM", ExitCodes.SIGTERM, "INT", ExitCodes.SIGINT);
  static final long CANCEL_EVERY_MILLIS = 100;

  private final Runnable cancel;
  private final PrintStream err;
  private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
  private final AtomicReference<Signal> first = new AtomicReference<>();
  private boolean closed;

  private StopSignals(Runnable cancel, PrintStream err) {
    this.cancel = cancel;
    this.err = err;
  }

  /**
   * Handles SIGTERM and SIGINT until {@link #close}, which puts the previous handlers back.
   * {@code cancel} cancels the command's running Spark jobs.
   */
  static StopSignals install(Runnable cancel, PrintStream err) {
    StopSignals s = new StopSignals(cancel, err);
    for (String name : new String[] {"TERM", "INT"}) {
      Signal sig = new Signal(name);
      try {
        s.previous.put(sig, Signal.handle(sig, s::handle));
      } catch (IllegalArgumentException e) {
        LOG.debug("SIG{} keeps the JVM's handling: {}", name, e.getMessage());
      }
    }
    return s;
  }

  /** Whether a signal asked the run to stop. */
  boolean requested() {
    return first.get() != null;
  }

  /** The signal that asked the run to stop, e.g. {@code SIGTERM}. */
  String signalName() {
    return "SIG" + first.get().getName();
  }

  /** The exit code of a run the signal stopped: 128 + its number, as shells report it. */
  int exitCode() {
    return EXIT_CODES.get(first.get().getName());
  }

  /** Runs in a thread of its own for each signal (the JVM starts one per signal). */
  private void handle(Signal sig) {
    if (!first.compareAndSet(null, sig)) {
      err.println("spark-sgd: stopped at once by a second SIG" + sig.getName() + "; rerun with --resume to continue from the newest checkpoint, if any");
      err.flush();
      int code = EXIT_CODES.get(sig.getName());
      OutputDirectory.outsideSwap(() -> Runtime.getRuntime().halt(code));
      return;
    }
    LOG.info("SIG{}: stopping at the iteration boundary; a second signal stops at once", sig.getName());
    synchronized (this) {
      while (!closed) {
        try {
          cancel.run();
        } catch (RuntimeException e) { // Spark already stopping: nothing left to cancel
          LOG.debug("cancelling the running jobs failed: {}", e.toString());
          return;
        }
        try {
          wait(CANCEL_EVERY_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Stops cancelling and gives the signals back to their previous handlers. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
    previous.forEach(Signal::handle);
  }
}

package dev.sparksgd.testing;

import java.time.Duration;

/**
 * The one bound for tests that wait on another process (a child JVM, submit.sh, a cluster daemon).
 * Every such wait ends as soon as its condition holds, so the bound costs a passing run nothing;
 * it only turns a hang into a failure. It is no speed requirement: on a machine shared with other
 * builds, a Spark JVM's start-up alone can take minutes, so the bound is far above any honest run.
 */
public final class Hang {
  /** How long a wait on another process may last before the test calls it a hang. */
  public static final Duration BOUND = Duration.ofMinutes(10);

  private Hang() {}
}

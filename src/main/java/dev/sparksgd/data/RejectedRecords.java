package dev.sparksgd.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The records {@code --bad-records skip} left out: how many, and the first few by (file, byte
 * offset). Keeping the first few by position rather than by arrival makes the list the same on
 * every run, whatever order the tasks finish in.
 */
public final class RejectedRecords implements Serializable {
  private static final long serialVersionUID = 1L;
  /** How many rejected records are kept with their location and reason. */
  public static final int SAMPLES = 5;
  public static final RejectedRecords NONE = new RejectedRecords(0, List.of());

  /** One rejected record: {@code location} is "file:line" once resolved, else null. */
  public record Sample(String file, long offset, String reason, String location) implements Serializable {
    /** "file:line: reason" (or the byte offset when the line is not known). */
    public String describe() {
      return (location != null ? location : file + " (byte offset " + offset + ")") + ": " + reason;
    }
  }

  private static final Comparator<Sample> BY_POSITION =
      Comparator.comparing(Sample::file).thenComparingLong(Sample::offset);

  private final long count;
  private final List<Sample> samples;

  RejectedRecords(long count, List<Sample> samples) {
    this.count = count;
    this.samples = List.copyOf(samples);
  }

  public long count() {
    return count;
  }

  /** The first {@link #SAMPLES} rejected records in (file, offset) order. */
  public List<Sample> samples() {
    return samples;
  }

  RejectedRecords plus(RejectedRecords o) {
    return new RejectedRecords(count + o.count, firstSamples(samples, o.samples));
  }

  RejectedRecords plus(Sample s) {
    return new RejectedRecords(count + 1, firstSamples(samples, List.of(s)));
  }

  /** The same records with "file:line" locations (reads each sample's file up to its offset). */
  RejectedRecords withLineNumbers() {
    List<Sample> located = new ArrayList<>();
    for (Sample s : samples) {
      located.add(s.location() != null ? s
          : new Sample(s.file(), s.offset(), s.reason(), LineLocator.describe(s.file(), s.offset())));
    }
    return new RejectedRecords(count, located);
  }

  private static List<Sample> firstSamples(List<Sample> a, List<Sample> b) {
    if (b.isEmpty()) {
      return a;
    }
    List<Sample> all = new ArrayList<>(a.size() + b.size());
    all.addAll(a);
    all.addAll(b);
    all.sort(BY_POSITION);
    return all.size() > SAMPLES ? all.subList(0, SAMPLES) : all;
  }
}

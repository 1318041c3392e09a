package dev.sparksgd.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One measured figure of one contender: the samples (milliseconds or bytes), and its ratio to
 * ours (this median ÷ our median of the same figure), filled in once all contenders ran.
 */
public final class Figure {
  public final String figure;
  public final String contender;
  public final String unit;
  public final double[] samples;
  public final Map<String, Object> details = new LinkedHashMap<>();
  Double ratio;

  Figure(String figure, String contender, String unit, double[] samples) {
    this.figure = figure;
    this.contender = contender;
    this.unit = unit;
    this.samples = samples;
  }

  public double median() {
    return Samples.median(samples);
  }

  public double min() {
    return Samples.min(samples);
  }

  public double max() {
    return Samples.max(samples);
  }

  public Double ratio() {
    return ratio;
  }

  Figure with(String key, Object value) {
    details.put(key, value);
    return this;
  }
}

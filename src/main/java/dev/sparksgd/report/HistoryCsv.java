package dev.sparksgd.report;

import dev.sparksgd.train.IterationRecord;
import java.util.List;

/** history.csv: one row per iteration. */
public final class HistoryCsv {
  public static final String HEADER =
      "iteration,loss,step_size,step_norm,grad_norm,millis,objective,batch_rows";

  private HistoryCsv() {
  }

  public static String render(List<IterationRecord> history) {
    StringBuilder sb = new StringBuilder(64 * (history.size() + 1));
    sb.append(HEADER).append('\n');
    for (IterationRecord r : history) {
      sb.append(r.iteration()).append(',')
          .append(num(r.loss())).append(',')
          .append(num(r.stepSize())).append(',')
          .append(num(r.stepNorm())).append(',')
          .append(num(r.gradNorm())).append(',')
          .append(r.millis()).append(',')
          .append(num(r.objective())).append(',')
          .append(r.batchRows()).append('\n');
    }
    return sb.toString();
  }

  /** Shortest text that reads back to the same double. */
  static String num(double v) {
    return Double.toString(v);
  }
}

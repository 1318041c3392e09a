package dev.sparksgd.loss;

import java.io.Serializable;

/**
 * A loss as a function of the margin m = w·x + b and the label y. The gradient of the loss in the
 * weights is {@code derivative(m, y) · x}, so one method per loss is all the distributed loop needs.
 */
public interface Loss extends Serializable {
  double value(double margin, double label);

  /** d value / d margin. */
  double derivative(double margin, double label);

  String name();
}

package dev.sparksgd.loss;

import java.util.List;

/** The losses by their CLI names. */
public final class Losses {
  public static final List<String> NAMES = List.of("squared", "huber", "logistic", "hinge");

  private Losses() {
  }

  /**
   * @param huberEpsilon the huber threshold (ignored by the other losses)
   * @throws IllegalArgumentException for an unknown name
   */
  public static Loss byName(String name, double huberEpsilon) {
    switch (name) {
      case "squared": return SquaredLoss.INSTANCE;
      case "huber": return new HuberLoss(huberEpsilon);
      case "logistic": return LogisticLoss.INSTANCE;
      case "hinge": return HingeLoss.INSTANCE;
      default: throw new IllegalArgumentException("unknown loss '" + name + "' (one of " + NAMES + ")");
    }
  }

  public static boolean isClassification(String name) {
    return name.equals("logistic") || name.equals("hinge");
  }
}

package dev.sparksgd.config;

/** The optimizers the user can name (--optimizer). */
public enum OptimizerKind {
  SGD("sgd"), MOMENTUM("momentum"), NESTEROV("nesterov"), ADAGRAD("adagrad"), RMSPROP("rmsprop"),
  ADAM("adam");

  private final String cliName;

  OptimizerKind(String cliName) {
    this.cliName = cliName;
  }

  public String cliName() {
    return cliName;
  }

  /** Optimizers whose step is linear in the gradient (usable on model-averaging's pseudo-gradient). */
  public boolean isLinear() {
    return this == SGD || this == MOMENTUM || this == NESTEROV;
  }

  public static OptimizerKind parse(String s) {
    return CliNames.parse(values(), OptimizerKind::cliName, "--optimizer", s);
  }
}

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

  public static OptimizerKind parse(String s) {
    return CliNames.parse(values(), OptimizerKind::cliName, "--optimizer", s);
  }
}

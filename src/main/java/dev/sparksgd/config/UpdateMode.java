package dev.sparksgd.config;

/**
 * How an iteration turns the data into a step: {@code gradient} sums mini-batch gradients over all
 * partitions; {@code model-averaging} runs per-example SGD inside each task and averages the
 * resulting weights (Zinkevich et al. 2010).
 */
public enum UpdateMode {
  GRADIENT("gradient"), MODEL_AVERAGING("model-averaging");

  private final String cliName;

  UpdateMode(String cliName) {
    this.cliName = cliName;
  }

  public String cliName() {
    return cliName;
  }

  public static UpdateMode parse(String s) {
    return CliNames.parse(values(), UpdateMode::cliName, "--update-mode", s);
  }
}

package dev.sparksgd.config;

/**
 * Learning-rate schedules the user can name. {@link #AUTO} is resolved by {@link TrainConfig} to
 * one of the others (what ran is what model.json records).
 */
public enum LrSchedule {
  CONSTANT("constant"), INVERSE_SQRT("inverse-sqrt"), INVERSE_TIME("inverse-time"),
  EXPONENTIAL("exponential"), STEP("step"), ADAPTIVE("adaptive"), BB("bb"), LBFGS("lbfgs"),
  PLATEAU("plateau"), AUTO("auto");

  private final String cliName;

  LrSchedule(String cliName) {
    this.cliName = cliName;
  }

  public String cliName() {
    return cliName;
  }

  public static LrSchedule parse(String s) {
    return CliNames.parse(values(), LrSchedule::cliName, "--lr-schedule", s);
  }
}

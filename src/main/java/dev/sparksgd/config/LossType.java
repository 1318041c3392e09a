package dev.sparksgd.config;


/** The losses a user can name with --loss. */
public enum LossType {
  SQUARED("squared", false), HUBER("huber", false), LOGISTIC("logistic", true), HINGE("hinge", true);

  private final String cliName;
  private final boolean classification;

  LossType(String cliName, boolean classification) {
    this.cliName = cliName;
    this.classification = classification;
  }

  public String cliName() {
    return cliName;
  }

  /** Binary classification: labels must be 0/1 or −1/+1. */
  public boolean isClassification() {
    return classification;
  }

  public static LossType parse(String s) {
    return CliNames.parse(values(), LossType::cliName, "--loss", s);
  }
}

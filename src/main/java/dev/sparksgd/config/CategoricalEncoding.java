package dev.sparksgd.config;


/**
 * How categorical columns become features: {@code hash}, spark.ml FeatureHasher's function (every
 * feature column hashed into 2^--hash-bits features), or {@code one-hot}, one feature per kept
 * level of each column (the --max-levels most frequent in the training rows) plus one for every
 * other level, as spark.ml's StringIndexer (frequencyDesc, handleInvalid keep) and OneHotEncoder
 * (dropLast false).
 */
public enum CategoricalEncoding {
  HASH("hash"),
  ONE_HOT("one-hot");

  private final String cliName;

  CategoricalEncoding(String cliName) {
    this.cliName = cliName;
  }

  public String cliName() {
    return cliName;
  }

  public static CategoricalEncoding parse(String s) {
    return CliNames.parse(values(), CategoricalEncoding::cliName, "--encoding", s);
  }
}

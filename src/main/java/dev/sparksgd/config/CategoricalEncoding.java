package dev.sparksgd.config;

import java.util.Locale;

/**
 * How categorical columns become features: {@code hash}, spark.ml FeatureHasher's function (every
 * feature column hashed into 2^--hash-bits features).
 */
public enum CategoricalEncoding {
  HASH("hash");

  private final String cliName;

  CategoricalEncoding(String cliName) {
    this.cliName = cliName;
  }

  public String cliName() {
    return cliName;
  }

  public static CategoricalEncoding parse(String s) {
    String k = s.trim().toLowerCase(Locale.ROOT);
    for (CategoricalEncoding v : values()) {
      if (v.cliName.equals(k)) {
        return v;
      }
    }
    throw new ConfigException("--encoding must be hash (one-hot is not available yet) (got '" + s + "')");
  }
}

package dev.sparksgd.config;

import java.util.Locale;

/** Learning-rate schedules the user can name. */
public enum LrSchedule {
  CONSTANT("constant"), INVERSE_SQRT("inverse-sqrt");

  private final String cliName;

  LrSchedule(String cliName) {
    this.cliName = cliName;
  }

  public String cliName() {
    return cliName;
  }

  public static LrSchedule parse(String s) {
    String k = s.trim().toLowerCase(Locale.ROOT);
    for (LrSchedule v : values()) {
      if (v.cliName.equals(k)) {
        return v;
      }
    }
    throw new ConfigException("--lr-schedule must be constant or inverse-sqrt (got '" + s + "')");
  }
}

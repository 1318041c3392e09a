package dev.sparksgd.data;

import dev.sparksgd.config.ConfigException;

/**
 * Binary labels: 0/1 or −1/+1, told apart from the data. The losses treat label > 0 as the
 * positive class, so both encodings train the same model; mixing them (0 and −1 in one data set)
 * is refused because it is almost certainly a mistake.
 */
public final class Labels {
  public static final String ZERO_ONE = "0/1";
  public static final String PLUS_MINUS_ONE = "-1/+1";
  static final int MINUS_ONE = 1;
  static final int ZERO = 2;
  static final int ONE = 4;

  private Labels() {
  }

  /** Throws a {@link RecordException} naming the label when it is not −1, 0 or 1. */
  public static void checkBinary(double label) {
    if (label != 0.0 && label != 1.0 && label != -1.0) {
      throw new RecordException("label " + number(label)
          + " is not a binary class label (logistic and hinge loss take labels 0/1 or -1/+1)");
    }
  }

  /** 2.0 → "2", 0.5 → "0.5". */
  static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  /** Bit set of the binary label values present (other values are ignored). */
  static int kinds(double[] labels) {
    int k = 0;
    for (double y : labels) {
      k |= y == -1.0 ? MINUS_ONE : y == 0.0 ? ZERO : y == 1.0 ? ONE : 0;
    }
    return k;
  }

  /** The encoding the label values present imply; mixing 0 and −1 is an error. */
  static String encoding(int kinds, String what) {
    if ((kinds & MINUS_ONE) != 0 && (kinds & ZERO) != 0) {
      throw new ConfigException(what + ": the labels mix 0 and -1; use 0/1 or -1/+1 for the two classes");
    }
    return (kinds & MINUS_ONE) != 0 ? PLUS_MINUS_ONE : ZERO_ONE;
  }

  /** True when both the positive and a negative label are present. */
  static boolean bothClasses(int kinds) {
    return (kinds & ONE) != 0 && (kinds & (ZERO | MINUS_ONE)) != 0;
  }

  /** The label value of the positive (true) or negative class in an encoding. */
  public static double value(String encoding, boolean positive) {
    return positive ? 1.0 : PLUS_MINUS_ONE.equals(encoding) ? -1.0 : 0.0;
  }

  /** 1.0 for the positive class, 0.0 for the negative one: the index Spark ML predicts. */
  public static double index(double label) {
    return label > 0 ? 1.0 : 0.0;
  }
}

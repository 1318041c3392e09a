package dev.sparksgd.ml;

import org.apache.spark.ml.param.Param;

/**
 * A text param (a name, a duration, one of an option's choices), checked by the builder's rules
 * when it names a training option. Made in this one place: a {@code Param<String>} is built
 * differently from Java on each Spark line.
 */
final class TextParam extends Param<String> {
  private static final long serialVersionUID = 1L;
  /** The CLI name of the option it sets, or null (checked elsewhere). */
  private final String option;

  private TextParam(String uid, String name, String doc, String option) {
    super(uid, name, doc);
    this.option = option;
  }

  static TextParam make(String uid, String name, String doc, String option) {
    return new TextParam(uid, name, doc, option);
  }

  /**
   * The value type, for Spark Connect's server (it converts a client's literal to it). Overrides
   * Param.dataClass on Spark 4.1+; an unused method on 3.5, which has no such thing.
   */
  public Class<String> dataClass() {
    return String.class;
  }

  @Override
  public void validate(String v) {
    if (option != null) {
      SgdParamSet.check(option, v);
    }
  }
}

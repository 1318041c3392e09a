package dev.sparksgd.config;

import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One option of {@link TrainConfig}, described once for every front end: its CLI name, its value
 * type, how to read it from a config and set it on a builder, and its spark.ml param name. The CLI
 * and the spark.ml estimators both walk {@link TrainConfig#OPTIONS}; the default of an option is
 * its value in {@link TrainConfig#DEFAULTS} and its checks are the builder's.
 */
public final class TrainOption {
  /** The value type: the Java type the getter returns and the setter takes. */
  public enum Kind {
    INT(Integer.class), LONG(Long.class), DOUBLE(Double.class), BOOLEAN(Boolean.class),
    /** Text: a name, a path, a duration or one of {@link #choices()}. */
    TEXT(String.class);

    public final Class<?> type;

    Kind(Class<?> type) {
      this.type = type;
    }
  }

  private final String name;
  private final Kind kind;
  private final String paramName;
  private final String doc;
  private final boolean recorded;
  private final String[] choices;
  private final Function<TrainConfig, Object> getter;
  private final BiConsumer<TrainConfig.Builder, Object> setter;

  private TrainOption(String name, Kind kind, String paramName, String doc, boolean recorded,
      String[] choices, Function<TrainConfig, Object> getter, BiConsumer<TrainConfig.Builder, Object> setter) {
    this.name = name;
    this.kind = kind;
    this.paramName = paramName;
    this.doc = doc;
    this.recorded = recorded;
    this.choices = choices;
    this.getter = getter;
    this.setter = setter;
  }

  /**
   * A typed option recorded in model.json; its spark.ml param name is its CLI name in camelCase
   * ({@link #param} renames it, or drops it for the options a DataFrame makes meaningless).
   */
  static <T> TrainOption of(String name, Kind kind, String doc, Function<TrainConfig, T> getter,
      BiConsumer<TrainConfig.Builder, T> setter) {
    @SuppressWarnings("unchecked")
    BiConsumer<TrainConfig.Builder, Object> set = (b, v) -> setter.accept(b, (T) kind.type.cast(v));
    return new TrainOption(name, kind, camel(name), doc, true, null, getter::apply, set);
  }

  /** One of an enum's values, by CLI name (parsed, and refused, by the enum's own parse). */
  static <E extends Enum<E>> TrainOption choice(String name, String doc, E[] values,
      Function<E, String> cliName, Function<TrainConfig, E> getter, Function<String, E> parse,
      BiConsumer<TrainConfig.Builder, E> setter) {
    String[] names = new String[values.length];
    for (int i = 0; i < values.length; i++) {
      names[i] = cliName.apply(values[i]);
    }
    return new TrainOption(name, Kind.TEXT, camel(name), doc, true, names,
        c -> getter.apply(c) == null ? null : cliName.apply(getter.apply(c)),
        (b, v) -> setter.accept(b, parse.apply((String) v)));
  }

  /** The same option under another spark.ml param name (null: no estimator param). */
  TrainOption param(String sparkName) {
    return new TrainOption(name, kind, sparkName, doc, recorded, choices, getter, setter);
  }

  /** The same option, left out of model.json (paths, switches of the run). */
  TrainOption notRecorded() {
    return new TrainOption(name, kind, paramName, doc, false, choices, getter, setter);
  }

  /** The same option with another setter (one that also takes the CLI's text form). */
  TrainOption setter(BiConsumer<TrainConfig.Builder, Object> set) {
    return new TrainOption(name, kind, paramName, doc, recorded, choices, getter, set);
  }

  /** The same option with another getter (the recorded form differs from the typed one). */
  TrainOption getter(Function<TrainConfig, Object> get) {
    return new TrainOption(name, kind, paramName, doc, recorded, choices, get, setter);
  }

  /** The CLI name without dashes: {@code max-iter}; also the key in model.json and properties files. */
  public String name() {
    return name;
  }

  /** {@code --max-iter}. */
  public String flag() {
    return "--" + name;
  }

  public Kind kind() {
    return kind;
  }

  /** The spark.ml param name ({@code maxIter}), or null when no estimator has it. */
  public String paramName() {
    return paramName;
  }

  /** One line for a param's doc. */
  public String doc() {
    return doc;
  }

  /** Whether model.json and the run fingerprint record it. */
  public boolean recorded() {
    return recorded;
  }

  /** The accepted names of a choice, or null. */
  public String[] choices() {
    return choices == null ? null : choices.clone();
  }

  /** The value in {@code cfg}, as model.json records it (a choice by its CLI name). */
  public Object get(TrainConfig cfg) {
    return getter.apply(cfg);
  }

  /** The built-in default. */
  public Object defaultValue() {
    return getter.apply(TrainConfig.DEFAULTS);
  }

  /**
   * Sets the option on {@code b}: a value of {@link #kind()}'s type, or, for the options whose CLI
   * form is text (a choice, {@code --step-size auto}), that text. Checked in {@code build()}.
   */
  public void set(TrainConfig.Builder b, Object value) {
    setter.accept(b, value);
  }

  static String camel(String kebab) {
    StringBuilder s = new StringBuilder();
    boolean up = false;
    for (char c : kebab.toCharArray()) {
      if (c == '-') {
        up = true;
      } else {
        s.append(up ? Character.toUpperCase(c) : c);
        up = false;
      }
    }
    return s.toString();
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s (%s)", flag(), kind);
  }
}

package dev.sparksgd.ml;

import dev.sparksgd.config.ConfigException;
import dev.sparksgd.config.LossType;
import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.config.TrainOption;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The params an estimator makes from {@link TrainConfig#OPTIONS}: one spark.ml param per training
 * option, named as the option's {@link TrainOption#paramName()}, with the option's default and
 * doc, checked at set time and at fit time by {@link TrainConfig.Builder}'s own rules (so the
 * messages are the CLI's, with param names for option names). An option whose param the spark.ml
 * superclass already has ({@code maxIter}, {@code regParam}, {@code labelCol} …) keeps Spark's
 * param object and takes our default; the rest are made here.
 */
public final class SgdParamSet implements Serializable {
  private static final long serialVersionUID = 1L;
  /** {@code --step-size auto}: a DoubleParam cannot hold "auto", so a switch says it. */
  public static final String STEP_SIZE_AUTO = "stepSizeAuto";
  /** The option whose param default (0.1) differs from the option's (default: see {@link #setDefaults}). */
  private static final String STEP_SIZE = "step-size";
  /** As spark.ml's GBTs: a boolean column, true for the rows held out for early stopping. */
  public static final String VALIDATION_INDICATOR_COL = "validationIndicatorCol";
  /** What {@link TrainConfig#dataPath} says in a config made for a DataFrame. */
  static final String FRAME = "(DataFrame)";
  private static final Map<Class<?>, Set<String>> INHERITED = new java.util.concurrent.ConcurrentHashMap<>();

  /** The CLI names of the options this estimator takes, in table order. */
  private final List<String> options = new ArrayList<>();
  /** The params made here (not the superclass's), by name. */
  private final Map<String, Param<?>> own = new LinkedHashMap<>();

  /**
   * @param owner the estimator, its uid already set
   * @param sparkClass the spark.ml estimator it extends (its params are not made again)
   * @param huber whether the estimator can train huber (its epsilon is then huber's threshold)
   */
  SgdParamSet(Params owner, Class<? extends Params> sparkClass, Supplier<? extends Params> sparkDefault,
      boolean huber) {
    Set<String> inherited = INHERITED.computeIfAbsent(sparkClass, c -> names(sparkDefault.get().params()));
    for (TrainOption o : TrainConfig.OPTIONS) {
      if (o.paramName() == null || (!huber && o.name().equals("huber-delta"))) {
        continue;
      }
      options.add(o.name());
      if (!inherited.contains(o.paramName())) {
        own.put(o.paramName(), newParam(owner.uid(), o));
      }
    }
    own.put(STEP_SIZE_AUTO, new BooleanParam(owner.uid(), STEP_SIZE_AUTO,
        "choose the step size: try rates from large to small on a seeded sample and keep the largest "
            + "whose double still lowers the loss steadily; overrides stepSize"));
    own.put(VALIDATION_INDICATOR_COL, TextParam.make(owner.uid(), VALIDATION_INDICATOR_COL,
        "boolean column: true for rows held out for early stopping (instead of validationFraction)", null));
  }

  private static Set<String> names(Param<?>[] ps) {
    Set<String> s = new HashSet<>();
    for (Param<?> p : ps) {
      s.add(p.name());
    }
    return s;
  }

  /** The superclass's params plus ours (reflection finds only some of ours: the typed accessors). */
  Param<?>[] withOwn(Param<?>[] inherited) {
    Set<String> seen = names(inherited);
    List<Param<?>> all = new ArrayList<>(List.of(inherited));
    for (Param<?> p : own.values()) {
      if (!seen.contains(p.name())) {
        all.add(p);
      }
    }
    all.sort(Comparator.comparing(Param::name));
    return all.toArray(new Param<?>[0]);
  }

  /** A param made here. */
  Param<?> param(String name) {
    Param<?> p = own.get(name);
    if (p == null) {
      throw new IllegalArgumentException("no param " + name);
    }
    return p;
  }

  /** Our defaults on every param, Spark's own ones included (maxIter's is ours, not Spark's). */
  @SuppressWarnings("unchecked")
  void setDefaults(Params owner) {
    for (String name : options) {
      TrainOption o = TrainConfig.option(name);
      // stepSize holds a number: unset, the run takes --step-size default (the rate of 0.1, or of
      // the batch's curvature for mini-batches), which toConfig leaves to the builder.
      Object dflt = name.equals(STEP_SIZE) ? (Object) TrainConfig.DEFAULT_STEP_SIZE : o.defaultValue();
      if (dflt != null) {
        owner.setDefault((Param<Object>) owner.getParam(o.paramName()), dflt);
      }
    }
    owner.setDefault((Param<Object>) param(STEP_SIZE_AUTO), Boolean.FALSE);
  }

  /** The run's config from the params: every option checked as the CLI checks it. */
  TrainConfig toConfig(Params owner, LossType loss) {
    TrainConfig.Builder b = TrainConfig.builder().dataPath(FRAME).loss(loss);
    for (String name : options) {
      TrainOption o = TrainConfig.option(name);
      Param<?> p = owner.getParam(o.paramName());
      if (name.equals(STEP_SIZE) ? owner.isSet(p) : owner.isDefined(p)) {
        o.set(b, coerce(o, owner.getOrDefault(p)));
      }
    }
    if ((Boolean) owner.getOrDefault(param(STEP_SIZE_AUTO))) {
      b.stepSize("auto");
    }
    try {
      return b.buildForInput();
    } catch (ConfigException e) {
      throw new IllegalArgumentException(translate(e.getMessage()), e);
    }
  }

  /** The validation indicator column, or null. */
  String validationIndicatorCol(Params owner) {
    Param<?> p = param(VALIDATION_INDICATOR_COL);
    if (!owner.isDefined(p)) {
      return null;
    }
    String s = (String) owner.getOrDefault(p);
    return s == null || s.isBlank() ? null : s;
  }

  /** Refuses an inherited param that means nothing for SGD, when set to other than {@code allowed}. */
  static void refuse(Params owner, String name, Object allowed, String why) {
    Param<?> p = owner.getParam(name);
    if (owner.isSet(p) && (allowed == null || !allowed.equals(owner.getOrDefault(p)))) {
      throw new IllegalArgumentException(refusal(name, owner.getOrDefault(p), why));
    }
  }

  static String refusal(String name, Object value, String why) {
    return name + " = " + value + " is not supported: " + why;
  }

  /** A CLI message in the estimator's words: option names become param names. */
  static String translate(String message) {
    String m = message.replace("--data " + FRAME, "the DataFrame").replace("--step-size auto", STEP_SIZE_AUTO)
        .replace("--init-model", "initialModel");
    List<TrainOption> byLength = new ArrayList<>(TrainConfig.OPTIONS);
    byLength.sort(Comparator.comparingInt((TrainOption o) -> o.name().length()).reversed());
    for (TrainOption o : byLength) {
      if (o.paramName() != null) {
        m = m.replaceAll(Pattern.quote(o.flag()) + "(?![\\w-])", Matcher.quoteReplacement(o.paramName()));
      }
    }
    return m;
  }

  /** A number of the option's kind (a client may send an int for a double, or a long for an int). */
  static Object coerce(TrainOption o, Object v) {
    if (v instanceof Number n) {
      switch (o.kind()) {
        case INT:
          return n.intValue();
        case LONG:
          return n.longValue();
        case DOUBLE:
          return n.doubleValue();
        default:
          return v;
      }
    }
    return v;
  }

  /** Checks one value the way the builder checks it, all other options at their defaults. */
  static void check(String option, Object value) {
    TrainOption o = TrainConfig.option(option);
    TrainConfig.Builder b = TrainConfig.builder().dataPath(FRAME);
    try {
      o.set(b, coerce(o, value));
      b.buildForInput();
    } catch (ConfigException e) {
      throw new IllegalArgumentException(translate(e.getMessage()), e);
    } catch (ClassCastException e) {
      throw new IllegalArgumentException(o.paramName() + " must be a " + o.kind().type.getSimpleName()
          + " (got " + value + ")", e);
    }
  }

  private static Param<?> newParam(String uid, TrainOption o) {
    String doc = o.doc() + " (spark-sgd train " + o.flag() + ")";
    if (o.choices() != null) {
      doc += "; one of " + String.join(", ", o.choices());
    }
    switch (o.kind()) {
      case INT:
        return new CheckedInt(uid, o, doc);
      case LONG:
        return new CheckedLong(uid, o, doc);
      case DOUBLE:
        return new CheckedDouble(uid, o, doc);
      case BOOLEAN:
        return new BooleanParam(uid, o.paramName(), doc);
      default:
        return TextParam.make(uid, o.paramName(), doc, o.name());
    }
  }

  // Params check a value as it is set (Params.set calls validate); these check it by the builder's
  // rules and say what is wrong in its words, where an isValid function could only say "invalid".

  static final class CheckedInt extends IntParam {
    private static final long serialVersionUID = 1L;
    private final String option;

    CheckedInt(String uid, TrainOption o, String doc) {
      super(uid, o.paramName(), doc);
      option = o.name();
    }

    @Override
    public void validate(Object v) {
      check(option, v);
    }
  }

  static final class CheckedLong extends LongParam {
    private static final long serialVersionUID = 1L;
    private final String option;

    CheckedLong(String uid, TrainOption o, String doc) {
      super(uid, o.paramName(), doc);
      option = o.name();
    }

    @Override
    public void validate(Object v) {
      check(option, v);
    }
  }

  static final class CheckedDouble extends DoubleParam {
    private static final long serialVersionUID = 1L;
    private final String option;

    CheckedDouble(String uid, TrainOption o, String doc) {
      super(uid, o.paramName(), doc);
      option = o.name();
    }

    @Override
    public void validate(Object v) {
      check(option, v);
    }
  }
}

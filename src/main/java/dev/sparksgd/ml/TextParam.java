package dev.sparksgd.ml;

import java.io.Serializable;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import org.apache.spark.ml.param.Param;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * Makes the text params (a name, a duration, one of an option's choices), checked by the builder's
 * rules when they name a training option.
 *
 * <p>A {@code Param<String>} is built from Java through a different constructor on each Spark
 * release: 3.5 has {@code (parent, name, doc, isValid)}; 4.0 adds a {@code ClassTag} to every
 * constructor; 4.1 and later drop it and take the value's {@code Class} instead (Spark Connect's
 * server reads it). One jar compiled against 4.2 therefore runs on 4.0 only if it picks the
 * constructor when it runs, which this class does, once.
 */
final class TextParam {
  private static final Maker MAKER = Maker.find();

  private TextParam() {}

  static Param<String> make(String uid, String name, String doc, String option) {
    return MAKER.make(uid, name, doc, new Check(option));
  }

  /** isValid: checks by the builder's rules and throws their message (Param.validate would only say "invalid"). */
  static final class Check extends AbstractFunction1<String, Object> implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The CLI name of the option it sets, or null (checked elsewhere). */
    private final String option;

    Check(String option) {
      this.option = option;
    }

    @Override
    public Object apply(String v) {
      if (option != null) {
        SgdParamSet.check(option, v);
      }
      return Boolean.TRUE;
    }
  }

  /** The constructor this Spark has, and the extra argument it takes (a Class, a ClassTag or none). */
  static final class Maker {
    private final Constructor<?> constructor;
    private final Object extra;

    private Maker(Constructor<?> constructor, Object extra) {
      this.constructor = constructor;
      this.extra = extra;
    }

    static Maker find() {
      return find(Param.class);
    }

    /** The constructor of {@code param} (Param, or a stand-in in tests), newest form first. */
    static Maker find(Class<?> param) {
      Class<?>[] head = {String.class, String.class, String.class, scala.Function1.class};
      try {
        return new Maker(param.getConstructor(with(head, Class.class)), String.class);
      } catch (NoSuchMethodException spark41) {
        // Spark 3.5 or 4.0
      }
      try {
        return new Maker(param.getConstructor(with(head, scala.reflect.ClassTag.class)),
            ClassTag$.MODULE$.apply(String.class));
      } catch (NoSuchMethodException spark40) {
        // Spark 3.5
      }
      try {
        return new Maker(param.getConstructor(head), null);
      } catch (NoSuchMethodException e) {
        throw new IllegalStateException("this Spark's " + param.getName()
            + " has none of the constructors spark-sgd knows (Spark 3.5, 4.0, 4.1+)", e);
      }
    }

    private static Class<?>[] with(Class<?>[] head, Class<?> last) {
      Class<?>[] all = java.util.Arrays.copyOf(head, head.length + 1);
      all[head.length] = last;
      return all;
    }

    /** The parameter type this Spark's constructor takes last: Class, ClassTag or Function1. */
    Class<?> last() {
      Class<?>[] types = constructor.getParameterTypes();
      return types[types.length - 1];
    }

    @SuppressWarnings("unchecked")
    Param<String> make(String uid, String name, String doc, Check check) {
      Object[] args = extra == null ? new Object[] {uid, name, doc, check}
          : new Object[] {uid, name, doc, check, extra};
      try {
        return (Param<String>) constructor.newInstance(args);
      } catch (InvocationTargetException e) {
        throw new IllegalStateException("cannot make the param " + name, e.getCause());
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot make the param " + name, e);
      }
    }
  }
}

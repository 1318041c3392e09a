package dev.sparksgd.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.ml.param.Param;
import org.junit.jupiter.api.Test;
import scala.Function1;
import scala.reflect.ClassTag;

/**
 * The text params are made through whichever constructor the running Spark has: stand-ins with
 * only Spark 3.5's, only Spark 4.0's (a ClassTag) and Spark 4.1's (a Class) forms, and the real
 * Param of the line the tests run on.
 */
class TextParamTest {
  /** Spark 3.5's form: (parent, name, doc, isValid). */
  public static final class Form35 extends Param<String> {
    private static final long serialVersionUID = 1L;
    final Function1<String, Object> isValid;

    public Form35(String parent, String name, String doc, Function1<String, Object> isValid) {
      super(parent, name, doc);
      this.isValid = isValid;
    }
  }

  /** Spark 4.0's form: every constructor takes a ClassTag. */
  public static final class Form40 extends Param<String> {
    private static final long serialVersionUID = 1L;
    final ClassTag<String> tag;

    public Form40(String parent, String name, String doc, Function1<String, Object> isValid, ClassTag<String> tag) {
      super(parent, name, doc);
      this.tag = tag;
    }
  }

  /** Spark 4.1's form: a Class; its ClassTag-free 4-argument one too. */
  public static final class Form41 extends Param<String> {
    private static final long serialVersionUID = 1L;
    final Class<String> type;

    public Form41(String parent, String name, String doc, Function1<String, Object> isValid, Class<String> type) {
      super(parent, name, doc);
      this.type = type;
    }

    public Form41(String parent, String name, String doc, Function1<String, Object> isValid) {
      this(parent, name, doc, isValid, null);
    }
  }

  /** Has none of the forms. */
  public static final class NoForm extends Param<String> {
    private static final long serialVersionUID = 1L;

    public NoForm(String parent, String name, String doc) {
      super(parent, name, doc);
    }
  }

  private static final TextParam.Check CHECK = new TextParam.Check(null);

  @Test
  void spark35FormGetsTheCheck() {
    TextParam.Maker m = TextParam.Maker.find(Form35.class);
    Form35 p = (Form35) m.make("uid", "name", "doc", CHECK);
    assertSame(CHECK, p.isValid);
    assertEquals("name", p.name());
  }

  @Test
  void spark40FormGetsAStringClassTag() {
    TextParam.Maker m = TextParam.Maker.find(Form40.class);
    assertSame(ClassTag.class, m.last());
    Form40 p = (Form40) m.make("uid", "name", "doc", CHECK);
    assertEquals(String.class, p.tag.runtimeClass());
  }

  @Test
  void spark41FormGetsTheStringClass() {
    TextParam.Maker m = TextParam.Maker.find(Form41.class);
    assertSame(Class.class, m.last());
    Form41 p = (Form41) m.make("uid", "name", "doc", CHECK);
    assertEquals(String.class, p.type);
  }

  @Test
  void anUnknownSparkIsNamed() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> TextParam.Maker.find(NoForm.class));
    assertTrue(e.getMessage().contains("Spark 3.5, 4.0, 4.1+"), e.getMessage());
  }

  @Test
  void theRealParamValidatesByTheBuildersRules() {
    Param<String> p = TextParam.make("uid", "lrSchedule", "doc", "lr-schedule");
    assertTrue(p.isValid().apply("constant").equals(Boolean.TRUE));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.validate("sideways"));
    assertTrue(e.getMessage().contains("sideways"), e.getMessage());
  }
}

package dev.sparksgd.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test that runs on the default Spark line only (the spark-4 profile excludes the tag through
 * surefire's and failsafe's {@code excludedGroups}): the rest of a matrix, or a fault injected into
 * code that is the same Java on both lines, where the other line already runs a case of the same
 * path. Every Spark-facing path keeps at least one test on both lines; {@code -Dline.excluded.groups=}
 * runs everything on the spark-4 line too.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(DefaultLineOnly.TAG)
public @interface DefaultLineOnly {
  String TAG = "default-line-only";
}

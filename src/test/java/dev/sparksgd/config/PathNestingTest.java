package dev.sparksgd.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PathNestingTest {
  @Test
  void sameOrNestedDirectoriesOverlap() {
    String cwd = Path.of("").toAbsolutePath().toString();
    assertTrue(PathNesting.overlap("models/m1", "models/m1/"));
    assertTrue(PathNesting.overlap("models/m1", "./models/m1/ck"));
    assertTrue(PathNesting.overlap("models/m1/ck", "models/m1"));
    assertTrue(PathNesting.overlap("models/m1", cwd + "/models/x/../m1"));
    assertTrue(PathNesting.overlap("file:" + cwd + "/m", "m/ck"));
    assertTrue(PathNesting.overlap("hdfs://nn:8020/models/m1", "hdfs://nn:8020/models/m1/ck"));
  }

  @Test
  void siblingsDoNot() {
    assertFalse(PathNesting.overlap("models/m1", "models/m10"));
    assertFalse(PathNesting.overlap("models/m1", "ckpt/m1"));
    assertFalse(PathNesting.overlap("hdfs://nn:8020/models/m1", "hdfs://nn:8020/ckpt/m1"));
    assertFalse(PathNesting.overlap("hdfs://a/models/m1", "hdfs://b/models/m1"));
    assertFalse(PathNesting.overlap("s3a://bucket/m1", "m1"));
  }
}

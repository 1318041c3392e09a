package dev.sparksgd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.testing.ChildJvm;
import dev.sparksgd.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real console of a driver started as submit.sh starts it (own JVM, conf/log4j2.properties):
 * a bad record shows exactly one line; --verbose shows Spark's INFO logging, and still no secret.
 */
class ChildJvmConsoleTest {
  @TempDir
  Path tmp;

  @Test
  void aBadRecordIsOneLineOnTheRealConsole() throws Exception {
    Path data = tmp.resolve("bad.libsvm");
    Files.writeString(data, "1 1:1 2:2\n2 1:2 2:3\n3 2:1 1:4\n4 1:1\n");
    ChildJvm.Result r = ChildJvm.run(tmp, List.of(), "train", "--data", data.toString(), "--output",
        tmp.resolve("m").toString());
    assertEquals(2, r.exitCode(), r.err());
    assertEquals(List.of("spark-sgd: error: " + data.toUri().toString().replace("file:///", "file:/")
        + ":3: feature indices are not increasing (1 after 2)"), r.errLines(),
        "stderr, all of it");
  }

  @Test
  void verboseShowsSparksLoggingButNoSecret() throws Exception {
    Path data = tmp.resolve("d.libsvm");
    TestData.write(data, 4, 200, 2, 0.1, 0.0);
    Path out = tmp.resolve("m");
    ChildJvm.Result r = ChildJvm.run(tmp, List.of("-Dspark.hadoop.fs.s3a.secret.key=" + SecurityTest.SECRET,
        "-Dspark.logConf=true"), "train", "--verbose", "--data", data.toString(), "--output", out.toString(),
        "--max-iter", "5", "--lr-schedule", "constant");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.err().contains("INFO SparkContext: Running Spark version"), "Spark's INFO lines: " + r.err());
    assertTrue(r.err().contains("spark.hadoop.fs.s3a.secret.key"), "the conf was logged (redacted)");
    assertFalse(r.err().contains(SecurityTest.SECRET) || r.out().contains(SecurityTest.SECRET));
    for (String f : SecurityTest.contents(out)) {
      assertFalse(f.contains(SecurityTest.SECRET), f.lines().findFirst().orElse(""));
    }
    assertTrue(r.out().contains("iter 5/5"), r.out());
  }
}

package dev.sparksgd.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.testing.Submit;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The figures of docs/performance.md are what {@link PerformancePage} makes of the committed bench
 * JSON. With {@code -Dspark.sgd.writeDocs=true} the test rewrites the generated part and the
 * charts instead of comparing.
 */
class PerformancePageTest {
  private static final Path DOCS = Submit.PROJECT_DIR.resolve("docs");
  private static final Path PAGE = DOCS.resolve("performance.md");

  @Test
  void figuresAreWhatTheCommittedJsonSays() throws Exception {
    List<PerformancePage.Run> runs = PerformancePage.read(DOCS.resolve("bench"));
    assertFalse(runs.isEmpty(), "no bench JSON under docs/bench/");
    String generated = PerformancePage.markdown(runs);
    String page = Files.readString(PAGE, StandardCharsets.UTF_8);
    if (Boolean.getBoolean("spark.sgd.writeDocs")) {
      PerformancePage.writeCharts(runs, DOCS);
      Path tmp = PAGE.resolveSibling(".performance.md.tmp");
      Files.writeString(tmp, PerformancePage.replaceGenerated(page, generated), StandardCharsets.UTF_8);
      Files.move(tmp, PAGE, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      page = Files.readString(PAGE, StandardCharsets.UTF_8);
    }
    assertEquals(generated, PerformancePage.generatedPart(page),
        "docs/performance.md differs from what docs/bench/*.json says; regenerate it with\n  "
            + PerformancePage.REGENERATE + "\nand commit the page and docs/images/");
    for (String png : List.of(PerformancePage.SCALING_PNG, PerformancePage.TTA_PNG)) {
      if (generated.contains("(" + png + ")")) {
        assertTrue(Files.size(DOCS.resolve(png)) > 1000, png + " is missing; regenerate it with\n  "
            + PerformancePage.REGENERATE);
      }
    }
  }
}

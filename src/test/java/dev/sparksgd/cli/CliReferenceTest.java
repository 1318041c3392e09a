package dev.sparksgd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.testing.Submit;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;

/**
 * docs/cli.md is what {@link CliReference} writes from the code. With
 * {@code -Dspark.sgd.writeDocs=true} the test rewrites the file instead of comparing.
 */
class CliReferenceTest {
  private static final Path FILE = Submit.PROJECT_DIR.resolve("docs/cli.md");

  @Test
  void committedReferenceIsWhatTheCodeGenerates() throws Exception {
    String expected = CliReference.markdown();
    if (Boolean.getBoolean("spark.sgd.writeDocs")) {
      Path tmp = FILE.resolveSibling(".cli.md.tmp");
      Files.writeString(tmp, expected, StandardCharsets.UTF_8);
      Files.move(tmp, FILE, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    String committed = Files.exists(FILE) ? Files.readString(FILE, StandardCharsets.UTF_8) : "";
    assertEquals(expected, committed, "docs/cli.md differs from the code's --help; regenerate it with\n  "
        + CliReference.REGENERATE + "\nand commit the file");
  }

  @Test
  void everySubCommandHasItsSection() {
    String md = CliReference.markdown();
    for (String name : Main.commandLine(null).getSubcommands().keySet()) {
      if (!name.equals("help")) {
        assertTrue(md.contains("\n## `" + name + "`\n\n```\nUsage: spark-sgd " + name + " "),
            "no section with the usage of " + name);
      }
    }
    assertTrue(md.contains("--max-iter=N"), "train's options are listed");
  }
}

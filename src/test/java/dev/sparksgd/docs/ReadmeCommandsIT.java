package dev.sparksgd.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sparksgd.testing.Hang;
import dev.sparksgd.testing.Markdown;
import dev.sparksgd.testing.Submit;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs every command of the README's set-up and tour sections as a user would (through
 * ./submit.sh, after `mvn package`), and checks that every output line the tour shows is still
 * printed, numbers aside. The set-up's `mvn` line must be what CI runs (.ci/run): this test is
 * part of that run.
 */
class ReadmeCommandsIT {
  private static final Path README = Submit.PROJECT_DIR.resolve("README.md");
  private static final Path LOGS = Submit.PROJECT_DIR.resolve("target/readme-commands-it");
  private static final List<String> SECTIONS = List.of("Set up", "A tour on the sample data");
  private static final Pattern NUMBER = Pattern.compile("[-+]?\\d[\\d,]*(\\.\\d+)?([eE][-+]?\\d+)?");

  @Test
  void quickStartAndTourRunAndPrintWhatTheReadmeShows() throws Exception {
    List<Markdown.CodeBlock> blocks = Markdown.read(README).codeBlocks().stream()
        .filter(b -> SECTIONS.contains(b.heading())).toList();
    List<String> commands = new ArrayList<>();
    List<String> shown = new ArrayList<>();
    for (Markdown.CodeBlock b : blocks) {
      for (String line : b.text().replace("\\\n", " ").split("\n")) {
        if (b.info().equals("sh")) {
          String cmd = line.replaceFirst("\\s+#.*$", "").strip();
          if (!cmd.isEmpty()) {
            commands.add(cmd);
          }
        } else if (!line.isBlank() && !line.strip().equals("...") && !line.startsWith("$ ")) {
          shown.add(line);
        }
      }
    }
    assertTrue(commands.size() >= 4, "the set-up and tour commands were not found in README.md: " + commands);
    assertFalse(shown.isEmpty(), "the tour shows no output");

    StringBuilder printed = new StringBuilder();
    int n = 0;
    for (String cmd : commands) {
      List<String> words = words(cmd);
      if (words.get(0).equals("mvn")) {
        String ci = Files.readString(Submit.PROJECT_DIR.resolve(".ci/run"), StandardCharsets.UTF_8);
        assertTrue(ci.lines().anyMatch(l -> l.strip().equals(cmd)),
            "README's `" + cmd + "` is not what .ci/run runs:\n" + ci);
        continue;
      }
      assertEquals("./submit.sh", words.get(0), "a README command the test cannot run: " + cmd);
      Submit.Result r = Submit.run(Map.of(), LOGS, "command-" + (++n), Hang.BOUND, words.subList(1, words.size()));
      assertEquals(0, r.exitCode(), cmd + "\n" + r.describe());
      r.out().forEach(l -> printed.append(l).append('\n'));
    }
    Path predictions = Submit.PROJECT_DIR.resolve("target/tour/predictions.csv");
    if (Files.isDirectory(predictions)) {
      try (Stream<Path> parts = Files.list(predictions)) {
        for (Path p : parts.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList()) {
          printed.append(Files.readString(p, StandardCharsets.UTF_8));
        }
      }
    }
    List<String> actual = printed.toString().lines()
        .map(l -> shape(l.replace(Submit.PROJECT_DIR.toString(), "<checkout>"))).toList();
    List<String> missing = shown.stream().filter(l -> !actual.contains(shape(l))).toList();
    if (!missing.isEmpty()) {
      fail("README.md shows lines the commands no longer print (numbers aside):\n" + String.join("\n", missing)
          + "\n--- printed\n" + printed);
    }
  }

  /** A line with every number replaced, so that timings and figures may differ. */
  static String shape(String line) {
    return NUMBER.matcher(line.stripTrailing()).replaceAll("#");
  }

  /** Splits a command line into words as a shell would for the simple quoting the README uses. */
  static List<String> words(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder w = null;
    char quote = 0;
    for (char c : line.toCharArray()) {
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          w.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        w = w == null ? new StringBuilder() : w;
      } else if (Character.isWhitespace(c)) {
        if (w != null) {
          out.add(w.toString());
          w = null;
        }
      } else {
        w = w == null ? new StringBuilder() : w;
        w.append(c);
      }
    }
    if (quote != 0) {
      fail("unbalanced quote in: " + line);
    }
    if (w != null) {
      out.add(w.toString());
    }
    return out;
  }
}

package dev.sparksgd.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.testing.Markdown;
import dev.sparksgd.testing.Submit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every relative link and every #anchor in README.md and docs/ resolves, with the anchors GitHub
 * makes of headings; and the documents speak of the product, not of its history.
 */
class DocLinksTest {
  private static final Path PROJECT = Submit.PROJECT_DIR;
  private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");
  /** What the documents must not say: issue numbers and talk of work sessions. */
  private static final Pattern HISTORY = Pattern.compile(
      "(?i)\\b(this|earlier|previous|last|next|that|one) sessions?\\b|\\(issue [0-9]|issue #?[0-9]+\\b");

  @Test
  void slugsFollowGitHub() {
    assertEquals("penalties-l2-l1-elastic-net", Markdown.slug("Penalties: L2, L1, elastic net"));
    assertEquals("--update-mode-model-averaging", Markdown.slug("`--update-mode model-averaging`"));
    assertEquals("generate-synthetic-data", Markdown.slug("`generate`: synthetic data"));
    assertEquals("local-mode-vs-a-loopback-cluster", Markdown.slug("Local mode vs. a loopback cluster"));
    assertEquals("sample-data", Markdown.slug("`sample-data/`"));
    assertEquals("what-it-reads-and-writes-security", Markdown.slug("What it reads and writes (security)"));
    assertEquals("kernel-microbenchmark-jmh-137", Markdown.slug("Kernel microbenchmark (JMH 1.37)"));
    assertEquals("see-the-guide", Markdown.slug("See [the guide](docs/user-guide.md)"));
  }

  @Test
  void repeatedHeadingsGetNumberedAnchors(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path md = dir.resolve("a.md");
    Files.writeString(md, "# A\n## Notes\n```\n# not a heading\n```\n## Notes\n## Notes\n");
    assertEquals(List.of("a", "notes", "notes-1", "notes-2"), List.copyOf(Markdown.read(md).anchors()));
  }

  @Test
  void everyRelativeLinkAndAnchorResolves() {
    Map<Path, Set<String>> anchors = new HashMap<>();
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path doc : Markdown.projectDocuments(PROJECT)) {
      for (Markdown.Link link : Markdown.read(doc).links()) {
        String target = link.target();
        if (SCHEME.matcher(target).find()) {
          continue; // http:, https:, mailto:
        }
        checked++;
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path file = path.isEmpty() ? doc : doc.getParent().resolve(path).normalize();
        if (!file.startsWith(PROJECT) || !Files.exists(file)) {
          broken.add(link + ": no such file " + PROJECT.relativize(file.toAbsolutePath()));
        } else if (anchor != null) {
          if (!file.toString().endsWith(".md")) {
            broken.add(link + ": an anchor into a file that is not Markdown");
          } else if (!anchors.computeIfAbsent(file, f -> Markdown.read(f).anchors()).contains(anchor)) {
            broken.add(link + ": no heading makes #" + anchor + " in " + file.getFileName());
          }
        }
      }
    }
    assertTrue(broken.isEmpty(), broken.size() + " broken link(s):\n" + String.join("\n", broken));
    assertTrue(checked > 20, "only " + checked + " relative links found: is the link pattern right?");
  }

  @Test
  void documentsSpeakOfTheProductNotItsHistory() throws Exception {
    List<String> found = new ArrayList<>();
    for (Path doc : Markdown.projectDocuments(PROJECT)) {
      List<String> lines = Files.readAllLines(doc);
      for (int i = 0; i < lines.size(); i++) {
        Matcher m = HISTORY.matcher(lines.get(i));
        if (m.find()) {
          found.add(doc.getFileName() + ":" + (i + 1) + ": " + m.group());
        }
      }
    }
    assertTrue(found.isEmpty(), "history in the documents (say what the product does; git keeps the history):\n"
        + String.join("\n", found));
  }
}

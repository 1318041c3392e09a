package dev.sparksgd.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The little of Markdown the documentation tests need: headings and the anchors GitHub makes of
 * them, links, and fenced code blocks with the section they sit in. Text inside fences and inline
 * code spans is not searched for links.
 */
public final class Markdown {
  private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*?)\\s*#*\\s*$");
  private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~)\\s*([\\w+-]*).*$");
  /** [text](target) and ![alt](target); the target ends at the first space or ')'. */
  private static final Pattern LINK = Pattern.compile("!?\\[(?:[^\\]\\[]|\\[[^\\]]*\\])*\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
  private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");
  private static final Pattern HTML_ID = Pattern.compile("<a\\s+(?:id|name)=\"([^\"]+)\"");

  /** A link: the file it is in, its line (1-based) and the target as written. */
  public record Link(Path file, int line, String target) {
    @Override
    public String toString() {
      return file.getFileName() + ":" + line + ": (" + target + ")";
    }
  }

  /** A fenced code block: its info string (e.g. "sh"), the heading above it, and its text. */
  public record CodeBlock(String info, String heading, int line, String text) {}

  private final Path file;
  private final List<String> lines;

  private Markdown(Path file, List<String> lines) {
    this.file = file;
    this.lines = lines;
  }

  public static Markdown read(Path file) {
    try {
      return new Markdown(file, Files.readAllLines(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path file() {
    return file;
  }

  public List<String> lines() {
    return lines;
  }

  /** Headings outside code fences, in order, with their level (1-6) as the map value. */
  public List<Map.Entry<String, Integer>> headings() {
    List<Map.Entry<String, Integer>> out = new ArrayList<>();
    boolean fenced = false;
    for (String line : lines) {
      if (FENCE.matcher(line).matches()) {
        fenced = !fenced;
        continue;
      }
      Matcher m = HEADING.matcher(line);
      if (!fenced && m.matches()) {
        out.add(Map.entry(m.group(2), m.group(1).length()));
      }
    }
    return out;
  }

  /** Every anchor a link may name: GitHub's slugs of the headings (with -1, -2 ... for repeats) and HTML ids. */
  public Set<String> anchors() {
    Set<String> out = new LinkedHashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    for (Map.Entry<String, Integer> h : headings()) {
      String slug = slug(h.getKey());
      int n = seen.merge(slug, 1, Integer::sum) - 1;
      out.add(n == 0 ? slug : slug + "-" + n);
    }
    for (String line : lines) {
      Matcher m = HTML_ID.matcher(line);
      while (m.find()) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  /**
   * GitHub's anchor for a heading: the rendered text (inline code without its backticks, links
   * by their text, no emphasis marks), lower-cased, with every character that is not a letter,
   * digit, space, hyphen or underscore dropped, and spaces turned into hyphens.
   */
  public static String slug(String heading) {
    String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1");
    StringBuilder plain = new StringBuilder();
    Matcher m = CODE_SPAN.matcher(text);
    int last = 0;
    while (m.find()) {
      plain.append(text, last, m.start()).append(m.group(2));
      last = m.end();
    }
    plain.append(text.substring(last));
    String lower = Normalizer.normalize(plain.toString(), Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
    StringBuilder out = new StringBuilder();
    lower.codePoints().forEach(c -> {
      if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
        out.appendCodePoint(c);
      } else if (c == ' ') {
        out.append('-');
      }
    });
    return out.toString();
  }

  /** Links outside code fences and code spans. */
  public List<Link> links() {
    List<Link> out = new ArrayList<>();
    boolean fenced = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (FENCE.matcher(line).matches()) {
        fenced = !fenced;
        continue;
      }
      if (fenced) {
        continue;
      }
      Matcher m = LINK.matcher(CODE_SPAN.matcher(line).replaceAll(""));
      while (m.find()) {
        out.add(new Link(file, i + 1, m.group(1)));
      }
    }
    return out;
  }

  /** Fenced code blocks, each with the nearest heading above it. */
  public List<CodeBlock> codeBlocks() {
    List<CodeBlock> out = new ArrayList<>();
    String heading = "";
    String info = null;
    int start = 0;
    StringBuilder text = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      Matcher fence = FENCE.matcher(line);
      if (text == null) {
        Matcher h = HEADING.matcher(line);
        if (h.matches()) {
          heading = h.group(2);
        } else if (fence.matches()) {
          info = fence.group(2);
          start = i + 1;
          text = new StringBuilder();
        }
      } else if (fence.matches()) {
        out.add(new CodeBlock(info, heading, start, text.toString()));
        text = null;
      } else {
        text.append(line).append('\n');
      }
    }
    return out;
  }

  /** The README and every Markdown file under docs/. */
  public static List<Path> projectDocuments(Path projectDir) {
    List<Path> out = new ArrayList<>();
    out.add(projectDir.resolve("README.md"));
    Path docs = projectDir.resolve("docs");
    if (Files.isDirectory(docs)) {
      try (Stream<Path> s = Files.walk(docs)) {
        s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(out::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }
}

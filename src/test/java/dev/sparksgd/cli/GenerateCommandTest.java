package dev.sparksgd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparksgd.data.CtrGenerator;
import dev.sparksgd.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code generate --kind ctr}: the same rows for the same seed however they are split into files,
 * Criteo's shape (label, 13 numeric columns with empty cells at the planted rates, 26 columns of
 * hex strings with long-tailed level frequencies), and a label that {@code train --categorical-cols
 * auto --encoding hash --missing mean} learns: the model beats the base rate on held-out rows.
 */
class GenerateCommandTest {
  @TempDir
  Path tmp;

  private List<String> generate(String name, String... extra) throws Exception {
    Path out = tmp.resolve(name);
    List<String> args = new ArrayList<>(List.of("generate", "--kind", "ctr", "--output", out.toString()));
    args.addAll(List.of(extra));
    TestData.Run run = TestData.cli(args.toArray(new String[0]));
    assertEquals(0, run.exitCode(), run.err());
    if (Files.isRegularFile(out)) {
      return Files.readAllLines(out, StandardCharsets.UTF_8);
    }
    // A directory of part files, each with the header: the rows in part order, one header.
    List<String> lines = new ArrayList<>();
    try (Stream<Path> parts = Files.list(out)) {
      for (Path p : parts.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList()) {
        List<String> l = Files.readAllLines(p, StandardCharsets.UTF_8);
        assertEquals(CtrGenerator.header(), l.get(0), p.toString());
        lines.addAll(lines.isEmpty() ? l : l.subList(1, l.size()));
      }
    }
    return lines;
  }

  private static void assertSameLines(List<String> expected, List<String> actual) {
    assertEquals(expected.size(), actual.size(), "lines");
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i), actual.get(i), "line " + (i + 1));
    }
  }

  @Test
  void ctrRowsDependOnlyOnTheSeedAndHaveCriteosShape() throws Exception {
    int n = 6000;
    List<String> a = generate("a.csv", "--rows", String.valueOf(n), "--seed", "7");
    assertSameLines(a, generate("b.csv", "--rows", String.valueOf(n), "--seed", "7"));
    // Part files written by Spark's tasks (the generator deserialized there): the same rows.
    assertSameLines(a, generate("dir", "--rows", String.valueOf(n), "--seed", "7", "--num-partitions", "3"));
    assertFalse(a.equals(generate("c.csv", "--rows", String.valueOf(n), "--seed", "8")));
    JsonNode truth = TestData.json(tmp.resolve("a.csv.truth.json"));
    assertEquals("ctr", truth.get("kind").asText());
    assertEquals(n, truth.get("rows").asLong());

    assertEquals(n + 1, a.size());
    String[] header = a.get(0).split(",");
    assertEquals(40, header.length);
    assertEquals("label", header[0]);
    assertEquals("I1", header[1]);
    assertEquals("I13", header[13]);
    assertEquals("C1", header[14]);
    assertEquals("C26", header[39]);
    int[] missing = new int[CtrGenerator.NUMERIC];
    List<Map<String, Integer>> counts = new ArrayList<>();
    for (int k = 0; k < CtrGenerator.CATEGORICAL; k++) {
      counts.add(new HashMap<>());
    }
    int positives = 0;
    for (String line : a.subList(1, a.size())) {
      String[] f = line.split(",", -1);
      assertEquals(40, f.length, line);
      assertTrue(f[0].equals("0") || f[0].equals("1"), line);
      positives += f[0].equals("1") ? 1 : 0;
      for (int j = 0; j < CtrGenerator.NUMERIC; j++) {
        if (f[1 + j].isEmpty()) {
          missing[j]++;
        } else {
          assertTrue(Long.parseLong(f[1 + j]) >= 0, line);
        }
      }
      for (int k = 0; k < CtrGenerator.CATEGORICAL; k++) {
        String c = f[1 + CtrGenerator.NUMERIC + k];
        assertTrue(c.matches("[0-9a-f]{8}"), line);
        counts.get(k).merge(c, 1, Integer::sum);
      }
    }
    // Empty cells at each column's rate (within 4.5 standard deviations of the binomial count).
    int total = 0;
    for (int j = 0; j < CtrGenerator.NUMERIC; j++) {
      double p = CtrGenerator.missingRate(j);
      assertEquals(p * n, missing[j], 4.5 * Math.sqrt(n * p * (1 - p)), "I" + (j + 1));
      total += missing[j];
    }
    double rate = total / (double) (n * CtrGenerator.NUMERIC);
    assertEquals(CtrGenerator.meanMissingRate(), rate, 0.01);
    assertTrue(rate > 0.15 && rate < 0.35, "mean missing rate " + rate);
    // About one click in four (the margin is centred on -2).
    assertTrue(positives > 0.18 * n && positives < 0.35 * n, positives + " of " + n);
    // Long tails: the first column has its 3 levels; a column of 10^6 levels has its most frequent
    // level far above the mean count and most of its levels seen once.
    assertEquals(3, counts.get(0).size());
    Map<String, Integer> wide = counts.get(CtrGenerator.CATEGORICAL - 1);
    int top = wide.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
    long once = wide.values().stream().filter(c -> c == 1).count();
    assertTrue(top > 50.0 * n / wide.size(), "top level " + top + " of " + wide.size() + " levels");
    assertTrue(once > wide.size() / 2, once + " singletons of " + wide.size());
  }

  @Test
  void trainReadsTheTableAndTheModelBeatsTheBaseRateOnHeldOutRows() throws Exception {
    List<String> all = generate("all.csv", "--rows", "24000", "--seed", "3");
    Path train = tmp.resolve("train.csv");
    Path holdout = tmp.resolve("holdout.csv");
    Files.write(train, all.subList(0, 20001), StandardCharsets.UTF_8);
    List<String> rest = new ArrayList<>(List.of(all.get(0)));
    rest.addAll(all.subList(20001, all.size()));
    Files.write(holdout, rest, StandardCharsets.UTF_8);
    double base = 0;
    for (String l : all.subList(1, 20001)) {
      base += l.charAt(0) == '1' ? 1 : 0;
    }
    base /= 20000;
    double baseLogLoss = 0;
    for (String l : rest.subList(1, rest.size())) {
      baseLogLoss -= Math.log(l.charAt(0) == '1' ? base : 1 - base);
    }
    baseLogLoss /= rest.size() - 1;

    // With a penalty: 20,000 rows over 2^16 hashed features are separable, and the unpenalized optimum
    // (the full batch's) has a held-out log loss of 8.8 against the base rate's 0.58. With
    // --reg-param 0.01 the full batch's optimum has 0.53, and so does the mini-batch run.
    for (String cols : new String[] {"auto", String.join(",", List.of(CtrGenerator.columns()).subList(14, 40))}) {
      Path model = tmp.resolve("model-" + cols.length());
      TestData.Run run = TestData.cli("train", "--data", train.toString(), "--output", model.toString(),
          "--loss", "logistic", "--categorical-cols", cols, "--encoding", "hash", "--hash-bits", "16",
          "--missing", "mean", "--mini-batch-fraction", "0.1", "--max-iter", "200", "--num-partitions", "2",
          "--reg-param", "0.01");
      assertEquals(0, run.exitCode(), run.err());
      JsonNode json = TestData.json(model.resolve("model.json"));
      assertEquals(13, json.get("featureHashing").get("numericColumns").size());
      assertEquals(26, json.get("featureHashing").get("categoricalColumns").size());
      TestData.Run eval = TestData.cli("evaluate", "--model", model.toString(), "--data", holdout.toString());
      assertEquals(0, eval.exitCode(), eval.err());
      double logLoss = new ObjectMapper().readTree(eval.out()).get("logLoss").asDouble();
      assertTrue(logLoss < 0.95 * baseLogLoss, "holdout log loss " + logLoss + ", base rate's " + baseLogLoss);
    }
  }

  @Test
  void ctrRefusesOptionsOfTheRegressionKind() {
    for (String[] extra : List.of(new String[] {"--features", "5"}, new String[] {"--format", "libsvm"},
        new String[] {"--noise", "1"})) {
      List<String> args = new ArrayList<>(List.of("generate", "--kind", "ctr", "--output",
          tmp.resolve("x.csv").toString()));
      args.addAll(List.of(extra));
      TestData.Run run = TestData.cli(args.toArray(new String[0]));
      assertEquals(2, run.exitCode(), String.join(" ", args));
      assertTrue(run.err().startsWith("spark-sgd: error: "), run.err());
      assertEquals(1, run.err().strip().lines().count(), run.err());
    }
    TestData.Run kind = TestData.cli("generate", "--kind", "clicks", "--output", tmp.resolve("y.csv").toString());
    assertEquals(2, kind.exitCode(), kind.err());
    assertTrue(kind.err().contains("--kind must be regression or ctr"), kind.err());
  }
}

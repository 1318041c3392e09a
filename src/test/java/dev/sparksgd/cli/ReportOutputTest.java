package dev.sparksgd.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sparksgd.testing.TestData;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a train run leaves for a person: loss.png and report.html beside the model. */
class ReportOutputTest {
  @TempDir
  Path tmp;

  @Test
  void modelDirectoryHoldsThePlotAndTheReport() throws Exception {
    Path data = tmp.resolve("d.libsvm");
    TestData.write(data, 31, 600, 3, 0.1, 1.0);
    Path out = tmp.resolve("m");
    TestData.Run run = TestData.cli("train", "--data", data.toString(), "--output", out.toString(),
        "--validation-fraction", "0.2", "--step-size", "0.3");
    assertEquals(0, run.exitCode(), run.err());
    try (var files = Files.list(out)) {
      assertEquals(List.of("history.csv", "loss.png", "metrics.json", "model.json", "report.html", "sparkml"),
          files.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertTrue(run.out().contains("(model.json, history.csv, metrics.json, loss.png, report.html, sparkml/)"), run.out());

    byte[] png = Files.readAllBytes(out.resolve("loss.png"));
    BufferedImage img = ImageIO.read(out.resolve("loss.png").toFile());
    assertEquals(900, img.getWidth());
    assertEquals(520, img.getHeight());

    String html = Files.readString(out.resolve("report.html"));
    JsonNode m = TestData.json(out.resolve("metrics.json"));
    assertTrue(html.contains("stopped by <b>" + m.get("stopReason").asText() + "</b>"), html);
    assertTrue(html.contains(String.format(Locale.ROOT, "%.6g", m.get("holdout").get("rmse").asDouble())), "holdout RMSE");
    assertTrue(html.contains("<code>--step-size</code></th><td>0.3</td>"), "options");
    assertTrue(html.contains(m.get("applicationId").asText()));
    Matcher img64 = Pattern.compile("data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
    assertTrue(img64.find(), "plot embedded");
    assertArrayEquals(png, Base64.getDecoder().decode(img64.group(1)), "the embedded plot is loss.png");
  }
}

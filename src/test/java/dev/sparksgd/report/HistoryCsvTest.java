package dev.sparksgd.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparksgd.train.IterationRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HistoryCsvTest {

  @Test
  void headerIsExact() {
    assertEquals("iteration,loss,step_size,step_norm,grad_norm,millis,objective,batch_rows",
        HistoryCsv.HEADER);
    assertEquals(HistoryCsv.HEADER + "\n", HistoryCsv.render(List.of()));
  }

  @Test
  void rowsParseBackToTheSameValues() {
    Random r = new Random(51);
    List<IterationRecord> history = new ArrayList<>();
    for (int t = 1; t <= 300; t++) {
      double loss = t == 7 ? Double.NaN : Math.exp(r.nextGaussian() * 20);
      history.add(new IterationRecord(t, loss, loss + r.nextDouble() * 1e-300,
          0.5 / Math.sqrt(t), t == 7 ? 0.0 : r.nextDouble() * Math.pow(10, -r.nextInt(300)),
          t == 7 ? Double.NaN : 1.0 / 3 * t, r.nextInt(10_000), t == 7 ? 0 : 1L + r.nextInt(1 << 30)));
    }
    history.add(new IterationRecord(301, Double.MIN_VALUE, Double.MAX_VALUE, 1e-320, -0.0,
        Double.POSITIVE_INFINITY, Long.MAX_VALUE, Long.MAX_VALUE));

    String csv = HistoryCsv.render(history);
    assertTrue(csv.endsWith("\n"));
    String[] lines = csv.split("\n", -1);
    assertEquals(history.size() + 2, lines.length, "header + rows + empty after the last newline");
    assertEquals(HistoryCsv.HEADER, lines[0]);
    assertEquals("", lines[lines.length - 1]);
    for (int i = 0; i < history.size(); i++) {
      IterationRecord e = history.get(i);
      String[] f = lines[i + 1].split(",", -1);
      assertEquals(8, f.length, lines[i + 1]);
      assertEquals(e.iteration(), Integer.parseInt(f[0]));
      assertSameDouble(e.loss(), f[1]);
      assertSameDouble(e.stepSize(), f[2]);
      assertSameDouble(e.stepNorm(), f[3]);
      assertSameDouble(e.gradNorm(), f[4]);
      assertEquals(e.millis(), Long.parseLong(f[5]));
      assertSameDouble(e.objective(), f[6]);
      assertEquals(e.batchRows(), Long.parseLong(f[7]));
    }
  }

  @Test
  void columnsFollowTheHeaderByHand() {
    String csv = HistoryCsv.render(List.of(new IterationRecord(3, 1.5, 2.5, 0.1, 0.25, 4.0, 12, 99)));
    assertEquals(HistoryCsv.HEADER + "\n3,1.5,0.1,0.25,4.0,12,2.5,99\n", csv);
  }

  private static void assertSameDouble(double expected, String text) {
    assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(Double.parseDouble(text)),
        () -> expected + " written as " + text);
  }
}

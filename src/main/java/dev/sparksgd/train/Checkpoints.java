package dev.sparksgd.train;

import dev.sparksgd.config.ConfigException;
import dev.sparksgd.config.TrainConfig;
import dev.sparksgd.data.Dataset;
import dev.sparksgd.model.OutputFailure;
import dev.sparksgd.optim.Optimizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoints of one run in {@code --checkpoint-dir}, on any Hadoop filesystem.
 *
 * <p>After iteration t with t a multiple of {@code --checkpoint-interval} (and not the iteration a
 * convergence, divergence or early-stopping rule stopped at), and after the last iteration of a run
 * that ran out of iterations or time, the state goes to {@code checkpoint-<t>.json}: it is
 * written under a hidden temporary name, flushed, and renamed to its final name, so a crash
 * mid-write leaves at most a stray temporary file and never a partial checkpoint. Once the new
 * file is in place the older ones are deleted. The newest is kept after a successful run, so a
 * later run with a larger --max-iter can continue from it.
 *
 * <p>A run refuses a directory that holds a checkpoint unless --resume is given, and --resume
 * refuses a checkpoint made from other data or options ({@link RunFingerprint}).
 */
public final class Checkpoints {
  private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
  private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)\\.json");
  private static final Checkpoints NONE = new Checkpoints(null, null, 0, null, null);

  private final FileSystem fs;
  private final Path dir;
  private final int interval;
  private final RunFingerprint fingerprint;
  private final Checkpoint resumed;
  private int lastSaved;

  private Checkpoints(FileSystem fs, Path dir, int interval, RunFingerprint fingerprint,
      Checkpoint resumed) {
    this.fs = fs;
    this.dir = dir;
    this.interval = interval;
    this.fingerprint = fingerprint;
    this.resumed = resumed;
    this.lastSaved = resumed == null ? 0 : resumed.iteration();
  }

  /**
   * The checks that need no data, made before loading it so that a wrong directory fails fast:
   * a checkpoint without --resume, and with --resume one from other options or input files.
   */
  public static void preflight(Configuration hadoop, TrainConfig cfg) {
    if (cfg.checkpointDir != null) {
      load(hadoop, cfg, RunFingerprint.beforeLoad(hadoop, cfg));
    }
  }

  /** The checkpoints of this run; the one to resume from is checked against the loaded data. */
  public static Checkpoints open(Configuration hadoop, TrainConfig cfg, Dataset data) {
    if (cfg.checkpointDir == null) {
      return NONE;
    }
    return load(hadoop, cfg, RunFingerprint.of(hadoop, cfg, data));
  }

  static Checkpoints load(Configuration hadoop, TrainConfig cfg, RunFingerprint now) {
    Path dir = new Path(cfg.checkpointDir);
    FileSystem fs;
    Path newest;
    try {
      fs = dir.getFileSystem(hadoop);
      if (fs.exists(dir) && !fs.getFileStatus(dir).isDirectory()) {
        throw new ConfigException("--checkpoint-dir " + cfg.checkpointDir + " is a file, not a directory");
      }
      newest = newest(fs, dir);
    } catch (IOException e) {
      throw new ConfigException("--checkpoint-dir: cannot use " + cfg.checkpointDir + ": " + e.getMessage(), e);
    }
    if (newest == null) {
      if (cfg.resume) {
        LOG.info("--resume: no checkpoint in {} yet; training from iteration 0", dir);
      }
      return new Checkpoints(fs, dir, cfg.checkpointInterval, now, null);
    }
    if (!cfg.resume) {
      throw new ConfigException("--checkpoint-dir " + cfg.checkpointDir + " already holds " + newest.getName()
          + "; give --resume to continue from it, or use another (or an empty) directory");
    }
    Checkpoint c = read(fs, newest);
    String diff = c.fingerprint().firstDifference(now);
    if (diff != null) {
      throw new ConfigException("--resume: " + newest + " was made by a run with " + diff
          + "; resume with the original data and options, or use another --checkpoint-dir");
    }
    if (c.iteration() > cfg.maxIter) {
      throw new ConfigException("--resume: " + newest + " is at iteration " + c.iteration()
          + ", beyond --max-iter " + cfg.maxIter);
    }
    return new Checkpoints(fs, dir, cfg.checkpointInterval, now, c);
  }

  /** The checkpoint to continue from, or null to start at iteration 0. */
  public Checkpoint resumed() {
    return resumed;
  }

  /** Whether the state after iteration t is to be saved: t a multiple of the interval, not saved yet. */
  public boolean due(int t) {
    return fs != null && t > lastSaved && t % interval == 0;
  }

  /**
   * Called with the state after iteration {@code t} once the loop knows it goes on: saves it when
   * it is {@link #due}.
   */
  public void afterIteration(int t, double[] params, Optimizer optimizer,
      Map<String, double[]> scheduleState, Map<String, double[]> loopState, List<IterationRecord> history) {
    if (due(t)) {
      write(t, params, optimizer, scheduleState, loopState, history);
    }
  }

  /**
   * Called with the final state of a run that stopped for a reason a longer run would not have
   * stopped for (max-iter, max-time): saves it whatever the interval, so that such a run continues
   * from exactly there.
   */
  public void atEnd(int t, double[] params, Optimizer optimizer,
      Map<String, double[]> scheduleState, Map<String, double[]> loopState, List<IterationRecord> history) {
    if (fs != null && t > lastSaved) {
      write(t, params, optimizer, scheduleState, loopState, history);
    }
  }

  private void write(int t, double[] params, Optimizer optimizer,
      Map<String, double[]> scheduleState, Map<String, double[]> loopState, List<IterationRecord> history) {
    save(new Checkpoint(t, params.clone(), optimizer.name(), optimizer.state(), scheduleState, loopState,
        List.copyOf(history), fingerprint));
  }

  void save(Checkpoint c) {
    Path target = new Path(dir, String.format(java.util.Locale.ROOT, "checkpoint-%09d.json", c.iteration()));
    Path tmp = new Path(dir, "." + target.getName() + ".tmp-" + UUID.randomUUID());
    byte[] bytes = c.toJson().getBytes(StandardCharsets.UTF_8);
    try {
      fs.mkdirs(dir);
      fs.setWriteChecksum(false);
      try (FSDataOutputStream out = fs.create(tmp, false)) {
        out.write(bytes);
        out.hsync(); // on disk before the rename makes it visible
      }
      if (!fs.rename(tmp, target)) {
        throw new IOException("cannot rename " + tmp + " to " + target);
      }
      for (FileStatus st : fs.listStatus(dir)) {
        String name = st.getPath().getName();
        Matcher m = NAME.matcher(name);
        if ((m.matches() && Integer.parseInt(m.group(1)) < c.iteration())
            || (name.startsWith(".checkpoint-") && name.contains(".tmp-") && !st.getPath().equals(tmp))) {
          fs.delete(st.getPath(), false);
        }
      }
    } catch (IOException | FSError e) { // FSError: Hadoop's local filesystem on a full disk
      try {
        fs.delete(tmp, false);
      } catch (IOException | FSError ignored) {
        // the write failed already; a stray hidden temporary file is harmless
      }
      throw new OutputFailure("the checkpoint of iteration " + c.iteration(), target.toString(), e);
    }
    lastSaved = c.iteration();
    LOG.info("checkpoint after iteration {}: {}", c.iteration(), target);
  }

  /** A checkpoint file: the iteration whose state it holds, and where it is. */
  public record Saved(int iteration, String path) {
  }

  /**
   * The newest complete checkpoint in {@code dir} (what --resume continues from), or null when
   * there is none or the directory cannot be listed.
   */
  public static Saved newestIn(Configuration hadoop, String dir) {
    try {
      Path d = new Path(dir);
      Path p = newest(d.getFileSystem(hadoop), d);
      if (p == null) {
        return null;
      }
      Matcher m = NAME.matcher(p.getName());
      return m.matches() ? new Saved(Integer.parseInt(m.group(1)), p.toString()) : null;
    } catch (IOException e) {
      LOG.warn("cannot list the checkpoints in {}: {}", dir, e.toString());
      return null;
    }
  }

  /** The newest complete checkpoint file in dir, or null. Temporary files are hidden and ignored. */
  static Path newest(FileSystem fs, Path dir) throws IOException {
    if (!fs.exists(dir)) {
      return null;
    }
    Path best = null;
    int bestT = -1;
    for (FileStatus st : fs.listStatus(dir)) {
      Matcher m = NAME.matcher(st.getPath().getName());
      if (st.isFile() && m.matches()) {
        int t = Integer.parseInt(m.group(1));
        if (t > bestT) {
          bestT = t;
          best = st.getPath();
        }
      }
    }
    return best;
  }

  static Checkpoint read(FileSystem fs, Path file) {
    try (InputStream in = fs.open(file)) {
      return Checkpoint.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException("--resume: cannot read checkpoint " + file + ": " + e.getMessage()
          + "; delete it to train from iteration 0, or use another --checkpoint-dir", e);
    }
  }
}

package dev.sparksgd.train;

import dev.sparksgd.data.Block;
import dev.sparksgd.data.SharedArray;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.scheduler.TaskLocation;
import org.apache.spark.storage.BlockResult;
import org.apache.spark.storage.RDDBlockId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * Iterations without a Spark job each: one barrier job starts a long-running task per partition (all
 * at once), each task connects to a socket the driver opened for this gang and then serves the
 * driver's requests: per iteration it receives the iteration number, the sampling fraction and seed
 * and the raw coefficients, runs the same task object a Spark job would run ({@link GangWork}) on
 * its partition's cached blocks, and sends the partial result back. The driver merges the partials
 * in partition order as a job's results are merged, so the bits are those of a job per iteration.
 *
 * <p>What crosses the sockets is plain numbers (a {@link DataOutputStream}), no serialized objects;
 * the socket listens on the driver's address only, on a port chosen when bound, and a task must
 * first send the gang's random token. Any failure (a connection dropped by a lost executor, a task
 * that fails, a timeout, the barrier job ending) ends the gang: its sockets are closed and its job
 * cancelled, and the caller runs the work as a Spark job instead.
 */
final class Gang implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Gang.class);
  static final String THREAD_NAME = "spark-sgd-gang-";
  /** Request: compute a partial result. */
  private static final int OP_WORK = 1;
  /** Request: end the task (its part of the barrier job then completes). */
  private static final int OP_END = 0;
  private static final int TOKEN_BYTES = 32;
  private static final long POLL_MILLIS = 20;
  /** How long a connecting task has to send the token and its partition. */
  private static final int HANDSHAKE_MILLIS = 10_000;
  /** How long the driver waits for the barrier job to end after its tasks were told to. */
  private static final long END_WAIT_MILLIS = 60_000;
  private static final AtomicInteger NEXT = new AtomicInteger();
  private static final ClassTag<Block> BLOCK = ClassTag$.MODULE$.apply(Block.class);
  private static final ClassTag<Object> OBJECT = ClassTag$.MODULE$.apply(Object.class);

  private final JavaSparkContext sc;
  private final GangWork.Spec spec;
  private final String group;
  private final ExecutorService threads;
  private final Future<?> job;
  private final Socket[] sockets;
  private final DataInputStream[] ins;
  private final DataOutputStream[] outs;
  private final long timeoutMillis;

  private Gang(JavaSparkContext sc, GangWork.Spec spec, String group, ExecutorService threads, Future<?> job,
      int n, long timeoutMillis) {
    this.sc = sc;
    this.spec = spec;
    this.group = group;
    this.threads = threads;
    this.job = job;
    this.sockets = new Socket[n];
    this.ins = new DataInputStream[n];
    this.outs = new DataOutputStream[n];
    this.timeoutMillis = timeoutMillis;
  }

  GangWork.Spec spec() {
    return spec;
  }

  /**
   * Starts the barrier job over the partitions of {@code blocks} and waits until every partition's task has connected
   * (at most {@code timeoutMillis}, and no longer than the job runs).
   *
   * @param dropAt test hook: partition 0's task drops its connection on this iteration's request
   * @throws IOException when the gang could not be formed (nothing of it is left running then)
   */
  static Gang start(JavaSparkContext sc, JavaRDD<Block> blocks, GangWork.Spec spec, int dropAt,
      long timeoutMillis) throws IOException {
    int n = blocks.getNumPartitions();
    SparkConf conf = sc.getConf();
    String host = conf.get("spark.driver.host", "127.0.0.1");
    String bind = conf.get("spark.driver.bindAddress", host);
    byte[] token = new byte[TOKEN_BYTES];
    new SecureRandom().nextBytes(token);
    String group = "spark-sgd-gang-" + NEXT.incrementAndGet();
    ExecutorService threads = Executors.newFixedThreadPool(n + 1, Partitions.daemonThreads(THREAD_NAME));
    try (ServerSocket server = new ServerSocket(0, n, InetAddress.getByName(bind))) {
      server.setSoTimeout((int) POLL_MILLIS);
      GangTask task = new GangTask(host, server.getLocalPort(), token, spec, dropAt, timeoutMillis, blocks.id());
      RDD<Object> gangRdd = partitionsWhereCached(sc, blocks).barrier().mapPartitions(task, false, OBJECT);
      Future<?> job = threads.submit(() -> {
        sc.setJobGroup(group, "iterations as a gang of long-running tasks", true);
        try {
          return gangRdd.count();
        } finally {
          sc.clearJobGroup();
        }
      });
      Gang gang = new Gang(sc, spec, group, threads, job, n, timeoutMillis);
      try {
        gang.accept(server, token);
      } catch (IOException | RuntimeException e) {
        gang.abort();
        throw e;
      }
      return gang;
    } catch (IOException | RuntimeException e) {
      threads.shutdownNow();
      throw e;
    }
  }

  /**
   * An RDD of the partition numbers of {@code blocks}, each partition preferring the executors that
   * cache that partition of {@code blocks}: the gang's tasks run where their rows are. (A barrier
   * stage over {@code blocks} itself is refused when its lineage changes the number of partitions,
   * as row ranges over input splits do, even though the blocks are cached.)
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static RDD<Object> partitionsWhereCached(JavaSparkContext sc, JavaRDD<Block> blocks) {
    scala.collection.immutable.List elems = scala.collection.immutable.Nil$.MODULE$;
    for (int p = blocks.getNumPartitions() - 1; p >= 0; p--) {
      scala.collection.immutable.List locations = scala.collection.immutable.Nil$.MODULE$;
      scala.collection.Iterator<TaskLocation> it = sc.sc().getPreferredLocs(blocks.rdd(), p).iterator();
      while (it.hasNext()) {
        locations = locations.$colon$colon(it.next().toString());
      }
      elems = elems.$colon$colon(new scala.Tuple2<>(p, locations));
    }
    return sc.sc().makeRDD(elems, OBJECT);
  }

  private void accept(ServerSocket server, byte[] token) throws IOException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    int connected = 0;
    while (connected < sockets.length) {
      Socket s;
      try {
        s = server.accept();
      } catch (SocketTimeoutException e) {
        if (job.isDone()) {
          throw new IOException("the gang's job ended before its tasks connected" + jobFailure());
        }
        if (System.nanoTime() > deadline) {
          throw new IOException("the gang's tasks did not connect within " + timeoutMillis + " ms");
        }
        continue;
      }
      int p = handshake(s, token);
      if (p < 0) {
        s.close();
        continue;
      }
      sockets[p] = s;
      connected++;
    }
  }

  /** The partition a task serves, or -1 for a connection without the token (or a duplicate). */
  private int handshake(Socket s, byte[] token) {
    try {
      s.setSoTimeout(HANDSHAKE_MILLIS);
      s.setTcpNoDelay(true);
      DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
      byte[] sent = new byte[TOKEN_BYTES];
      in.readFully(sent);
      int p = in.readInt();
      s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis));
      if (!MessageDigest.isEqual(sent, token) || p < 0 || p >= sockets.length || sockets[p] != null) {
        LOG.warn("a connection to the gang's socket from {} was refused", s.getRemoteSocketAddress());
        return -1;
      }
      ins[p] = in;
      outs[p] = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
      return p;
    } catch (IOException e) {
      return -1;
    }
  }

  private String jobFailure() {
    try {
      job.get(0, TimeUnit.MILLISECONDS);
      return "";
    } catch (ExecutionException e) {
      return ": " + e.getCause();
    } catch (InterruptedException | TimeoutException | java.util.concurrent.CancellationException e) {
      return "";
    }
  }

  /**
   * Every partition's partial result of {@code work}, in partition order.
   *
   * @param stop when it turns true while the tasks compute, throws {@link CancellationException}
   * @throws IOException when the gang failed (the caller ends it with {@link #abort})
   */
  List<Object> serve(GangWork work, BooleanSupplier stop) throws IOException {
    double[] coef = work.coefficients();
    for (DataOutputStream out : outs) {
      out.writeInt(OP_WORK);
      out.writeInt(work.iteration);
      out.writeDouble(work.fraction);
      out.writeLong(work.seed);
      out.writeInt(coef.length);
      GangWork.writeDoubles(coef, out);
      out.flush();
    }
    List<Future<Object>> reads = new ArrayList<>(ins.length);
    for (DataInputStream in : ins) {
      reads.add(threads.submit(() -> spec.read(in)));
    }
    List<Object> partials = new ArrayList<>(ins.length);
    for (Future<Object> f : reads) {
      partials.add(await(f, reads, stop));
    }
    return partials;
  }

  /**
   * {@code f}'s partial; while it is awaited, a stop, the job's end or a failed read of another
   * partition (its connection dropped) ends the wait.
   */
  private Object await(Future<Object> f, List<Future<Object>> all, BooleanSupplier stop) throws IOException {
    while (true) {
      try {
        return f.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        throw readFailure(e);
      } catch (TimeoutException e) {
        if (stop.getAsBoolean()) {
          throw new CancellationException("stop requested");
        }
        if (job.isDone()) {
          throw new IOException("the gang's job ended" + jobFailure());
        }
        for (Future<Object> other : all) {
          if (other.isDone()) {
            throwIfFailed(other);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancellationException("interrupted");
      }
    }
  }

  /** Throws a finished read's failure as an IOException. */
  private static void throwIfFailed(Future<Object> done) throws IOException {
    try {
      done.get(0, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw readFailure(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted");
    } catch (TimeoutException e) {
      // not finished after all
    }
  }

  private static IOException readFailure(ExecutionException e) {
    return e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
  }

  /** Tells the tasks to end and waits for the barrier job to complete (cancels it if it does not). */
  @Override
  public void close() {
    try {
      for (DataOutputStream out : outs) {
        out.writeInt(OP_END);
        out.flush();
      }
      job.get(END_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (IOException | ExecutionException | TimeoutException e) {
      LOG.warn("the gang's tasks did not end cleanly ({}); cancelling its job", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    abort();
  }

  /** Closes the sockets (a task waiting for a request ends), cancels the job and waits for its end. */
  void abort() {
    for (Socket s : sockets) {
      if (s != null) {
        try {
          s.close();
        } catch (IOException e) {
          // closing: nothing more to do
        }
      }
    }
    if (!job.isDone()) {
      sc.sc().cancelJobGroup(group);
      try {
        job.get(END_WAIT_MILLIS, TimeUnit.MILLISECONDS);
      } catch (ExecutionException | java.util.concurrent.CancellationException e) {
        LOG.debug("the gang's job ended: {}", e.toString());
      } catch (TimeoutException e) {
        LOG.warn("the gang's job did not end within {} ms of its cancellation", END_WAIT_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    threads.shutdownNow();
  }

  /**
   * A gang's task: connects to the driver and serves its requests, each over its partition's cached
   * blocks read again from this executor's block manager (from memory, or from disk as a job's task
   * would), or, when the partition is cached on another executor, over its blocks fetched once and held.
   */
  static final class GangTask extends AbstractFunction1<scala.collection.Iterator<Object>,
      scala.collection.Iterator<Object>> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String host;
    private final int port;
    private final byte[] token;
    private final GangWork.Spec spec;
    private final int dropAt;
    private final long timeoutMillis;
    private final int rddId;

    GangTask(String host, int port, byte[] token, GangWork.Spec spec, int dropAt, long timeoutMillis, int rddId) {
      this.rddId = rddId;
      this.host = host;
      this.port = port;
      this.token = token;
      this.spec = spec;
      this.dropAt = dropAt;
      this.timeoutMillis = timeoutMillis;
    }

    @Override
    @SuppressWarnings("unchecked")
    public scala.collection.Iterator<Object> apply(scala.collection.Iterator<Object> partitionNumber) {
      int partition = TaskContext.getPartitionId();
      RDDBlockId cached = new RDDBlockId(rddId, partition);
      List<Block> held = null;
      if (!cachedHere(cached)) {
        // Cached on another executor: fetched once and held.
        Option<BlockResult> r = SparkEnv.get().blockManager().get(cached, BLOCK);
        if (r.isEmpty()) {
          throw new IllegalStateException(cached + " is cached nowhere (an executor was lost): no gang");
        }
        held = new ArrayList<>();
        scala.collection.Iterator<Object> values = r.get().data();
        while (values.hasNext()) {
          held.add((Block) values.next());
        }
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host, port), (int) Math.min(Integer.MAX_VALUE, timeoutMillis));
        s.setTcpNoDelay(true);
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
        DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
        out.write(token);
        out.writeInt(partition);
        out.flush();
        while (nextOp(in) == OP_WORK) {
          int t = in.readInt();
          double fraction = in.readDouble();
          long seed = in.readLong();
          double[] coef = GangWork.readDoubles(GangWork.checkedLength(in.readInt()), in);
          if (t == dropAt && partition == 0) {
            break; // the test hook: the connection drops (closed below) with the request unanswered
          }
          GradientTask.stallUntilKilled(Trainer.STALL_GANG_AT_ITERATION, t, partition);
          Iterator<Block> blocks = held != null ? held.iterator() : cachedBlocks(cached);
          Iterator<?> r = spec.task(SharedArray.onDriver(coef), fraction, seed, t).call(partition, blocks);
          spec.write(r.next(), out);
          out.flush();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (Exception e) {
        throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
      }
      return (scala.collection.Iterator<Object>) (scala.collection.Iterator<?>) scala.collection.Iterator$.MODULE$.empty();
    }

    private static boolean cachedHere(RDDBlockId id) {
      return SparkEnv.get().blockManager().getStatus(id).isDefined();
    }

    /** The partition's cached blocks (the read lock is released when the iterator is read to its end). */
    private static Iterator<Block> cachedBlocks(RDDBlockId id) {
      Option<BlockResult> r = SparkEnv.get().blockManager().getLocalValues(id);
      if (r.isEmpty()) {
        throw new IllegalStateException(id + " is no longer cached on this executor");
      }
      scala.collection.Iterator<Object> values = r.get().data();
      return new Iterator<Block>() {
        @Override
        public boolean hasNext() {
          return values.hasNext();
        }

        @Override
        public Block next() {
          return (Block) values.next();
        }
      };
    }

    /** The driver's next request; its closed connection (the gang ended, e.g. after a failure elsewhere) ends the task. */
    private static int nextOp(DataInputStream in) throws IOException {
      try {
        return in.readInt();
      } catch (java.io.EOFException | java.net.SocketException e) {
        return OP_END;
      }
    }
  }
}

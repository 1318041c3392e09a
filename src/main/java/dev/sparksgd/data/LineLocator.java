package dev.sparksgd.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/**
 * Turns a byte offset (what Hadoop's line reader gives) into a 1-based line number by counting
 * newlines before it. Only called on the error path, so the extra read costs nothing normally.
 */
final class LineLocator {
  private LineLocator() {
  }

  static String describe(String file, long offset) {
    try {
      return file + ":" + lineNumber(file, offset);
    } catch (IOException | RuntimeException e) {
      return file + " (byte offset " + offset + ")";
    }
  }

  static long lineNumber(String file, long offset) throws IOException {
    Configuration conf = new Configuration();
    Path path = new Path(file);
    FileSystem fs = path.getFileSystem(conf);
    CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
    InputStream raw = fs.open(path);
    try (InputStream in = new BufferedInputStream(codec == null ? raw : codec.createInputStream(raw), 1 << 16)) {
      long line = 1;
      byte[] buf = new byte[1 << 16];
      long pos = 0;
      while (pos < offset) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, offset - pos));
        if (n < 0) {
          break;
        }
        for (int i = 0; i < n; i++) {
          if (buf[i] == '\n') {
            line++;
          }
        }
        pos += n;
      }
      return line;
    }
  }
}

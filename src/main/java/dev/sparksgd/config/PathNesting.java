package dev.sparksgd.config;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Whether two paths as the user wrote them are the same directory or one lies inside the other,
 * decided before Spark starts: paths without a scheme (or file:) against the working directory,
 * others (hdfs://, s3a://) as normalized URIs. Symbolic links and a default filesystem other
 * than the local one are not resolved; this catches the mistakes a user makes by hand.
 */
final class PathNesting {
  private PathNesting() {
  }

  static boolean overlap(String a, String b) {
    String x = normalize(a);
    String y = normalize(b);
    return x.equals(y) || x.startsWith(y + "/") || y.startsWith(x + "/");
  }

  private static String normalize(String p) {
    String s = p.strip();
    try {
      URI u = new URI(s);
      if (u.getScheme() != null && !u.getScheme().equals("file")) {
        return trimSlashes(u.normalize().toString());
      }
      if (u.getScheme() != null) {
        s = u.getPath();
      }
    } catch (URISyntaxException e) {
      // not a URI (a plain local path with spaces, say): a local path it is
    }
    return trimSlashes(java.nio.file.Path.of(s).toAbsolutePath().normalize().toString());
  }

  private static String trimSlashes(String s) {
    int end = s.length();
    while (end > 1 && s.charAt(end - 1) == '/') {
      end--;
    }
    return s.substring(0, end);
  }
}

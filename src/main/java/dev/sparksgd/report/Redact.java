package dev.sparksgd.report;

import java.util.regex.Pattern;

/**
 * What the job records about itself is its own options and paths, never Spark or Hadoop
 * configuration. The one place a credential could still slip in is a path written as
 * {@code scheme://user:secret@host/...}; this masks the part before the '@'.
 */
public final class Redact {
  private static final Pattern USER_INFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#@]*@");

  private Redact() {
  }

  private static final Pattern USER_INFO_ANYWHERE =
      Pattern.compile("\\b([A-Za-z][A-Za-z0-9+.-]*://)[^/?#@\\s]*@");

  public static String path(String p) {
    return p == null ? null : USER_INFO.matcher(p).replaceFirst("$1***@");
  }

  /** The same masking for every URI inside a free text, such as an error message. */
  public static String text(String t) {
    return t == null ? null : USER_INFO_ANYWHERE.matcher(t).replaceAll("$1***@");
  }
}

package io.ctxbridge.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Several strings in one {@code byte[]}, as the JNI library reads and writes them: each field is a
 * 4-byte big-endian length and that many UTF-8 bytes, or the length {@code 0xFFFFFFFF} alone for a
 * {@code null}. One array crosses instead of one Java string per value.
 */
public final class Fields {
  private Fields() {}

  /** Packs {@code fields} ({@code null} ones included). */
  public static byte[] pack(List<String> fields) {
    List<byte[]> encoded = new ArrayList<>(fields.size());
    int length = 0;
    for (String field : fields) {
      byte[] bytes = field == null ? null : field.getBytes(StandardCharsets.UTF_8);
      encoded.add(bytes);
      length += 4 + (bytes == null ? 0 : bytes.length);
    }
    byte[] out = new byte[length];
    int at = 0;
    for (byte[] bytes : encoded) {
      int size = bytes == null ? -1 : bytes.length;
      out[at] = (byte) (size >>> 24);
      out[at + 1] = (byte) (size >>> 16);
      out[at + 2] = (byte) (size >>> 8);
      out[at + 3] = (byte) size;
      if (bytes != null) {
        System.arraycopy(bytes, 0, out, at + 4, bytes.length);
        at += bytes.length;
      }
      at += 4;
    }
    return out;
  }

  /** Unpacks what {@link #pack} or the library packed. */
  public static String[] unpack(byte[] packed) {
    List<String> fields = new ArrayList<>();
    int at = 0;
    while (at + 4 <= packed.length) {
      int length =
          (packed[at] & 0xff) << 24
              | (packed[at + 1] & 0xff) << 16
              | (packed[at + 2] & 0xff) << 8
              | (packed[at + 3] & 0xff);
      if (length == -1) {
        fields.add(null);
        at += 4;
        continue;
      }
      fields.add(new String(packed, at + 4, length, StandardCharsets.UTF_8));
      at += 4 + length;
    }
    return fields.toArray(new String[0]);
  }

  /** UTF-8 bytes of a header value. */
  public static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  /** A string of UTF-8 bytes. */
  public static String string(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}

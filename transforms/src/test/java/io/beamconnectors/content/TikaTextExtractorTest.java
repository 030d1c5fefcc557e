package io.beamconnectors.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

class TikaTextExtractorTest {
  @Test
  void extractsAndReducesWhitespace() {
    try (TikaTextExtractor x = new TikaTextExtractor(1000, 30, true)) {
      TikaTextExtractor.Result r = x.extract("<html><body><p>Hello\n\n   world</p></body></html>"
          .getBytes(StandardCharsets.UTF_8), "page.html");
      assertEquals("Hello world", r.text());
    }
  }

  @Test
  void capsTheTextAndMarksItTruncated() {
    try (TikaTextExtractor x = new TikaTextExtractor(10, 30, false)) {
      TikaTextExtractor.Result r = x.extract("abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.UTF_8), "a.txt");
      assertTrue(r.truncated());
      assertEquals(10, r.text().length());
    }
  }

  @Test
  void corruptFileIsAnErrorNotAnException() {
    try (TikaTextExtractor x = new TikaTextExtractor(1000, 30, true)) {
      TikaTextExtractor.Result r = x.extract("%PDF-1.7 broken".getBytes(StandardCharsets.US_ASCII), "broken.pdf");
      assertTrue(r.failed());
      assertTrue(r.error().startsWith("text extraction failed"), r.error());
    }
  }

  @Test
  void zipBombIsStopped() throws Exception {
    // 200 MB of zeros compresses to about 200 KB: far past Tika's compression-ratio guard.
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(buf)) {
      zip.putNextEntry(new ZipEntry("zeros.txt"));
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 200; i++) {
        zip.write(zeros);
      }
      zip.closeEntry();
    }
    try (TikaTextExtractor x = new TikaTextExtractor(100_000, 60, true)) {
      TikaTextExtractor.Result r = x.extract(buf.toByteArray(), "bomb.docx");
      assertTrue(r.failed() || r.truncated(), "either refused or cut at the character cap: " + r);
      assertTrue(r.text().length() <= 100_000);
    }
  }
}

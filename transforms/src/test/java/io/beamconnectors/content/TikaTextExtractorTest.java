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
  void extractsPdfText() throws Exception {
    // Guards the commons-lang3 pin: with Beam's older commons-lang3, Tika fails on PDFs.
    byte[] pdf;
    try (org.apache.pdfbox.pdmodel.PDDocument doc = new org.apache.pdfbox.pdmodel.PDDocument();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream()) {
      org.apache.pdfbox.pdmodel.PDPage page = new org.apache.pdfbox.pdmodel.PDPage();
      doc.addPage(page);
      try (org.apache.pdfbox.pdmodel.PDPageContentStream cs = new org.apache.pdfbox.pdmodel.PDPageContentStream(doc, page)) {
        cs.beginText();
        cs.setFont(new org.apache.pdfbox.pdmodel.font.PDType1Font(
            org.apache.pdfbox.pdmodel.font.Standard14Fonts.FontName.HELVETICA), 12);
        cs.newLineAtOffset(72, 700);
        cs.showText("Invoice total forty two");
        cs.endText();
      }
      doc.save(out);
      pdf = out.toByteArray();
    }
    try (TikaTextExtractor x = new TikaTextExtractor(1000, 30, true)) {
      TikaTextExtractor.Result r = x.extract(pdf, "invoice.pdf");
      assertEquals(null, r.error());
      assertTrue(r.text().contains("Invoice total forty two"), r.text());
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
      assertEquals(r.error(), x.extract("%PDF-1.7 broken".getBytes(StandardCharsets.US_ASCII), "broken.pdf").error(),
          "the same file gives the same error text (no identity hashes)");
    }
    try (TikaTextExtractor other = new TikaTextExtractor(1000, 30, true)) {
      assertTrue(!other.extract("%PDF-1.7 broken".getBytes(StandardCharsets.US_ASCII), "b.pdf").error().matches(".*@[0-9a-f]{6,}.*"));
    }
  }

  @Test
  void zipBombIsStoppedByTikasGuard() throws Exception {
    // 50 MB of text compresses to about 50 KB. Past a million characters Tika's secure handler
    // compares characters out to bytes in and stops the parse: the guard itself, not the
    // character cap (set higher here) and not a parse error.
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(buf)) {
      zip.putNextEntry(new ZipEntry("letters.txt"));
      byte[] letters = "a".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < 50; i++) {
        zip.write(letters);
      }
      zip.closeEntry();
    }
    try (TikaTextExtractor x = new TikaTextExtractor(20_000_000, 60, true)) {
      TikaTextExtractor.Result r = x.extract(buf.toByteArray(), "bomb.zip");
      assertTrue(r.failed(), "the guard must refuse it: " + r.truncated() + " " + r.text().length());
      assertTrue(r.error().toLowerCase(java.util.Locale.ROOT).contains("zip bomb"), r.error());
      assertTrue(!r.retryable(), "a bomb fails the same way every time: not retried");
    }
  }
}

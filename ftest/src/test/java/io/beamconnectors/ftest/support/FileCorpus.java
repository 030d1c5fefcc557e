package io.beamconnectors.ftest.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.poi.xwpf.usermodel.XWPFDocument;

/**
 * A generated file tree shaped like the reference's fixtures, for every file-source ftest: many
 * small text files (root and nested folders), some large files of random letters, and real PDF,
 * DOCX and HTML files with known sentences, plus a corrupt PDF and a file type outside the
 * extension list. Paths are relative, '/'-separated. Sizes come from env vars so CI stays small.
 */
public final class FileCorpus {
  public static final String PDF_SENTENCE = "Quarterly revenue grew in the northern region";
  public static final String DOCX_SENTENCE = "The committee approved the new hiring plan";
  public static final String HTML_SENTENCE = "Welcome to the internal knowledge base";
  public static final String PDF = "docs/report.pdf";
  public static final String DOCX = "docs/letter.docx";
  public static final String HTML = "docs/page.html";
  public static final String BROKEN_PDF = "docs/broken.pdf";
  public static final String BINARY = "docs/image.bin";

  private final Map<String, byte[]> files;

  private FileCorpus(Map<String, byte[]> files) {
    this.files = files;
  }

  /** Sizes from BC_FTEST_SMALL_FILES (default 300), BC_FTEST_LARGE_FILES (5), BC_FTEST_LARGE_BYTES (1 MiB). */
  public static FileCorpus standard() throws IOException {
    return generate(FixtureEnv.getInt("BC_FTEST_SMALL_FILES", 300), FixtureEnv.getInt("BC_FTEST_LARGE_FILES", 5),
        FixtureEnv.getInt("BC_FTEST_LARGE_BYTES", 1024 * 1024));
  }

  public static FileCorpus generate(int smallFiles, int largeFiles, int largeBytes) throws IOException {
    Random random = new Random(7);
    Map<String, byte[]> files = new TreeMap<>();
    for (int i = 0; i < smallFiles; i++) {
      String dir = switch (i % 3) {
        case 0 -> "";
        case 1 -> "folder" + (i % 7) + "/";
        default -> "folder" + (i % 7) + "/nested/";
      };
      files.put(dir + "file" + i + ".txt", smallText(i).getBytes(StandardCharsets.UTF_8));
    }
    for (int i = 0; i < largeFiles; i++) {
      byte[] b = new byte[largeBytes];
      for (int k = 0; k < b.length; k++) {
        b[k] = (byte) ('a' + random.nextInt(26));
      }
      files.put("Large-Data-Folder/large" + i + ".txt", b);
    }
    files.put(PDF, pdf(PDF_SENTENCE));
    files.put(DOCX, docx(DOCX_SENTENCE));
    files.put(HTML, ("<html><head><title>KB</title></head><body><h1>" + HTML_SENTENCE
        + "</h1>\n\n<p>   spaced    out   </p></body></html>").getBytes(StandardCharsets.UTF_8));
    files.put(BROKEN_PDF, "%PDF-1.7 this is not really a pdf".getBytes(StandardCharsets.US_ASCII));
    byte[] bin = new byte[2048];
    random.nextBytes(bin);
    files.put(BINARY, bin);
    return new FileCorpus(files);
  }

  public static String smallText(int i) {
    return "This is file number " + i + ".\n  It has   a short sentence,\tand some  whitespace.\n";
  }

  /** Path to bytes. */
  public Map<String, byte[]> files() {
    return files;
  }

  /** Whitespace reduced the way the engine does it. */
  public static String reduced(String text) {
    return text.replaceAll("\\s+", " ").trim();
  }

  /**
   * The body the engine stores for a text file: Tika keeps at most
   * {@link io.beamconnectors.content.ContentSettings#DEFAULT_MAX_CHARS} characters (the 1 MiB
   * files exceed it), then whitespace is reduced.
   */
  public static String expectedBody(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    int max = io.beamconnectors.content.ContentSettings.DEFAULT_MAX_CHARS;
    return reduced(text.length() > max ? text.substring(0, max) : text);
  }

  /**
   * Asserts the extracted text of every file: exact for text files, the known sentence for PDF,
   * DOCX and HTML, a {@code _content_error} and an empty body for the corrupt PDF, an empty body
   * for the binary type.
   *
   * @param docsByPath the index's documents keyed by the same relative path as {@link #files()}
   */
  public void assertContent(Map<String, JsonNode> docsByPath) {
    assertEquals(files.keySet(), docsByPath.keySet(), "file documents by path");
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      String path = e.getKey();
      JsonNode doc = docsByPath.get(path);
      if (path.endsWith(".txt")) {
        String expected = expectedBody(e.getValue());
        String body = doc.path("body").asText();
        assertTrue(expected.equals(body), "body of " + path + ": expected " + expected.length() + " chars starting '"
            + expected.substring(0, Math.min(60, expected.length())) + "', got " + body.length() + " chars starting '"
            + body.substring(0, Math.min(60, body.length())) + "'");
      } else if (path.equals(PDF)) {
        assertTrue(doc.path("body").asText().contains(PDF_SENTENCE), "body of " + path + ": " + doc.path("body"));
      } else if (path.equals(DOCX)) {
        assertTrue(doc.path("body").asText().contains(DOCX_SENTENCE), "body of " + path + ": " + doc.path("body"));
      } else if (path.equals(HTML)) {
        assertEquals(HTML_SENTENCE + " spaced out", doc.path("body").asText().replace("KB ", ""), "body of " + path);
      } else if (path.equals(BROKEN_PDF)) {
        assertEquals("", doc.path("body").asText(null), "an empty body for the corrupt pdf");
        assertTrue(doc.path("_content_error").asText().startsWith("text extraction failed"), "error of " + path + ": " + doc);
      } else if (path.equals(BINARY)) {
        assertEquals("", doc.path("body").asText(null), "an empty body for a type outside the extension list");
        assertFalse(doc.has("_content_error"));
      }
    }
  }

  static byte[] pdf(String sentence) throws IOException {
    try (PDDocument doc = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      PDPage page = new PDPage();
      doc.addPage(page);
      try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
        cs.beginText();
        cs.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
        cs.newLineAtOffset(72, 700);
        cs.showText(sentence);
        cs.endText();
      }
      doc.save(out);
      return out.toByteArray();
    }
  }

  static byte[] docx(String sentence) throws IOException {
    try (XWPFDocument doc = new XWPFDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      doc.createParagraph().createRun().setText(sentence);
      doc.write(out);
      return out.toByteArray();
    }
  }
}

package io.beamconnectors.sources.networkdrive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamconnectors.sources.ConfigurationException;
import io.beamconnectors.sources.ConnectorConfiguration;
import io.beamconnectors.sources.ContentRef;
import io.beamconnectors.sources.SourceRecord;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

class NetworkDriveUnitTest {
  private final NetworkDriveConnector connector = new NetworkDriveConnector();

  @Test
  void defaultsFollowTheReference() {
    ConnectorConfiguration c = connector.configuration(Map.of());
    connector.validate(c);
    assertEquals("admin", c.getString("username"));
    assertEquals("abc@123", c.getString("password"));
    assertEquals("127.0.0.1", c.getString("server_ip"));
    assertEquals(445, c.getInt("server_port"));
    assertEquals("Folder1", c.getString("drive_path"));
    assertTrue(connector.configurationSpec().field("password").orElseThrow().sensitive());
    assertFalse(c.toString().contains("abc@123"));
  }

  @Test
  void badConfigurationNamesTheField() {
    ConfigurationException port = assertThrows(ConfigurationException.class,
        () -> connector.validate(connector.configuration(Map.of("server_port", "70000", "password", "s3cret!"))));
    assertTrue(port.getMessage().contains("server_port"), port.getMessage());
    assertFalse(port.getMessage().contains("s3cret!"));
    ConfigurationException slash = assertThrows(ConfigurationException.class,
        () -> connector.validate(connector.configuration(Map.of("drive_path", "Folder1\\sub"))));
    assertTrue(slash.getMessage().contains("drive_path") && slash.getMessage().contains("forward slashes"));
    ConfigurationException notNumber = assertThrows(ConfigurationException.class,
        () -> connector.validate(connector.configuration(Map.of("server_port", "smb"))));
    assertTrue(notNumber.getMessage().contains("server_port"));
    ConfigurationException host = assertThrows(ConfigurationException.class,
        () -> connector.validate(connector.configuration(Map.of("server_ip", "host/share"))));
    assertTrue(host.getMessage().contains("server_ip"));
    ConfigurationException noShare = assertThrows(ConfigurationException.class,
        () -> connector.validate(connector.configuration(Map.of("drive_path", "///"))));
    assertTrue(noShare.getMessage().contains("drive_path"));
  }

  @Test
  void drivePathSplitsIntoShareAndFolder() {
    SmbPaths p = SmbPaths.of("/Folder1/sub/deeper/");
    assertEquals("Folder1", p.share());
    assertEquals("sub/deeper", p.base());
    assertEquals("Folder1/sub/deeper", p.directoryScope("sub/deeper").path());
    assertEquals("Folder1/sub", p.recordScope("sub/a.txt").path());
    assertEquals("Folder1", p.recordScope("top.txt").path());
    assertEquals("\\\\10.0.0.5\\Folder1\\sub\\a.txt", p.uncPath("10.0.0.5", "sub/a.txt"));
    assertEquals("", SmbPaths.of("Folder1").base());
  }

  @Test
  void recordsCarryIdFieldsTokenTimeScopeAndContent() {
    SmbPaths p = SmbPaths.of("Folder1");
    SourceRecord file = SmbDocuments.record(p, "127.0.0.1", 2154721L, "docs/a.txt", "a.txt", false, 22,
        1682942400123L);
    assertEquals("2154721", file.id());
    assertEquals("2023-05-01T12:00:00.123000+00:00;22", file.token(), "modification time and size");
    assertEquals("2023-05-01T12:00:00.123000+00:00", file.timestamp(), "_timestamp is the modification time");
    assertEquals("Folder1/docs", file.scope());
    assertEquals("{\"path\":\"\\\\\\\\127.0.0.1\\\\Folder1\\\\docs\\\\a.txt\",\"title\":\"a.txt\",\"type\":\"file\","
        + "\"size\":22}", file.fieldsJson(), "only values that change with the file: no created_at");
    assertEquals(new ContentRef("docs/a.txt", "a.txt", 22), file.content());
    SourceRecord folder = SmbDocuments.record(p, "127.0.0.1", -1L, "docs", "docs", true, 0, 0);
    assertEquals("18446744073709551615", folder.id(), "unsigned 64-bit");
    assertEquals("1970-01-01T00:00:00+00:00;0", folder.token());
    assertNull(folder.content());
    assertEquals("Folder1", folder.scope());
  }

  @Test
  void anOverwriteWithinTheSameSecondChangesTheToken() {
    SmbPaths p = SmbPaths.of("Folder1");
    SourceRecord before = SmbDocuments.record(p, "h", 7L, "a.txt", "a.txt", false, 5, 1682942400000L);
    SourceRecord sameTimeOtherSize = SmbDocuments.record(p, "h", 7L, "a.txt", "a.txt", false, 6, 1682942400000L);
    SourceRecord sameSizeLaterMilli = SmbDocuments.record(p, "h", 7L, "a.txt", "a.txt", false, 5, 1682942400001L);
    assertNotEquals(before.token(), sameTimeOtherSize.token());
    assertNotEquals(before.token(), sameSizeLaterMilli.token());
    assertEquals(before.fieldsJson().replace("5", "6"), sameTimeOtherSize.fieldsJson(), "size is a field too");
  }

  @Test
  void recordsDoNotDependOnTheMachinesZoneOrLocale() {
    TimeZone zone = TimeZone.getDefault();
    Locale locale = Locale.getDefault();
    SmbPaths p = SmbPaths.of("Folder1/sub");
    SourceRecord reference = SmbDocuments.record(p, "h", 123456789L, "sub/ünï 文件 #1.txt", "ünï 文件 #1.txt", false,
        1234567, 1711848600000L);
    try {
      TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Chatham"));
      Locale.setDefault(Locale.forLanguageTag("ar-EG"));
      SourceRecord there = SmbDocuments.record(p, "h", 123456789L, "sub/ünï 文件 #1.txt", "ünï 文件 #1.txt", false,
          1234567, 1711848600000L);
      assertEquals(reference, there);
      assertEquals("2024-03-31T01:30:00+00:00;1234567", there.token(), "ASCII digits, UTC");
    } finally {
      TimeZone.setDefault(zone);
      Locale.setDefault(locale);
    }
  }

  @Test
  void missingFileIdFallsBackToAStablePathHash() {
    String a = SmbDocuments.id(0, "Folder1", "docs/a.txt");
    assertTrue(a.startsWith("path-") && a.length() == 5 + 64, a);
    assertEquals(a, SmbDocuments.id(0, "Folder1", "docs/a.txt"));
    assertFalse(a.equals(SmbDocuments.id(0, "Folder1", "docs/b.txt")));
  }
}

package io.beamconnectors.ftest.support;

/**
 * Reads the BC_* variables the fixture scripts export. A functional test that claims to test a
 * real server must not pass without one, so a missing variable fails the test with the command
 * that starts the fixture.
 */
public final class FixtureEnv {
  private FixtureEnv() {}

  public static String require(String name, String fixture) {
    String v = System.getenv(name);
    if (v == null || v.isEmpty()) {
      throw new IllegalStateException(name + " is not set: start the fixture with `bash ftest/fixtures/"
          + fixture + ".sh start` and source its env (`make ftest` does both)");
    }
    return v;
  }

  public static String get(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isEmpty() ? fallback : v;
  }

  public static int getInt(String name, int fallback) {
    return Integer.parseInt(get(name, Integer.toString(fallback)));
  }
}

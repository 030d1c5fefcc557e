package io.beamconnectors.launcher.protocol;

/** Why a sync job exists: a request ({@code on_demand}) or a schedule ({@code scheduled}). */
public enum TriggerMethod {
  ON_DEMAND("on_demand"), SCHEDULED("scheduled");

  private final String wire;

  TriggerMethod(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }
}

package io.beamconnectors.flextemplates;

import com.google.cloud.secretmanager.v1.AccessSecretVersionResponse;
import com.google.cloud.secretmanager.v1.SecretManagerServiceClient;
import java.io.IOException;

/**
 * Reads Secret Manager secret versions with the Google Cloud client and Application Default
 * Credentials (on Dataflow: the job's service account, which needs
 * {@code roles/secretmanager.secretAccessor} on the secret). The client is opened on first use,
 * so runs that use no Secret Manager reference never look for credentials.
 */
public final class SecretManagerAccess implements SecretReference.SecretManager, AutoCloseable {
  private SecretManagerServiceClient client;

  @Override
  public synchronized String access(String secretVersionName) throws IOException {
    if (client == null) {
      client = SecretManagerServiceClient.create();
    }
    AccessSecretVersionResponse response = client.accessSecretVersion(secretVersionName);
    return response.getPayload().getData().toStringUtf8();
  }

  @Override
  public synchronized void close() {
    if (client != null) {
      client.close();
      client = null;
    }
  }
}

package io.beamconnectors.launcher.protocol;

import java.io.IOException;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RequestOptions;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.ResponseException;
import org.elasticsearch.client.RestClient;

/**
 * Whether a cluster serves the {@code _connector} API: one {@code GET _connector?size=0}. A
 * distribution without the ent-search module (such as the integ-test distribution the tests run)
 * answers 400 "no handler found"; a user without {@code monitor_connector} answers 403.
 */
public final class ConnectorApiProbe {
  private ConnectorApiProbe() {}

  /** The answer and, when the API is not usable, why (for a log line or an error message). */
  public record Result(boolean available, String reason) {}

  public static Result probe(RestClient client) throws IOException {
    Request get = new Request("GET", "/_connector");
    get.addParameter("size", "0");
    get.setOptions(RequestOptions.DEFAULT.toBuilder()
        .addHeader(DirectProtocol.ORIGIN_HEADER, DirectProtocol.ORIGIN).build());
    try {
      Response r = client.performRequest(get);
      return new Result(r.getStatusLine().getStatusCode() == 200, "GET _connector answered HTTP "
          + r.getStatusLine().getStatusCode());
    } catch (ResponseException e) {
      int status = e.getResponse().getStatusLine().getStatusCode();
      String why = switch (status) {
        case 400, 404, 405 -> "this Elasticsearch has no _connector API (GET _connector answered HTTP " + status
            + "; it needs the ent-search module, which the integ-test distribution lacks)";
        case 401 -> "Elasticsearch rejected the credentials (HTTP 401): check elasticsearch.username/password or api_key";
        case 403 -> "the launcher's user may not call the _connector API (HTTP 403): it needs cluster privilege"
            + " monitor_connector/manage_connector";
        default -> "GET _connector answered HTTP " + status;
      };
      return new Result(false, why);
    }
  }
}

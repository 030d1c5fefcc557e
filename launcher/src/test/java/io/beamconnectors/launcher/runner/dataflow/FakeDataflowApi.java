package io.beamconnectors.launcher.runner.dataflow;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.LowLevelHttpRequest;
import com.google.api.client.http.LowLevelHttpResponse;
import com.google.api.client.testing.http.MockLowLevelHttpRequest;
import com.google.api.client.testing.http.MockLowLevelHttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A FAKE of the Dataflow REST API, used because no Google Cloud project is reachable from the
 * test machines: an HTTP transport that records each request (method, URL, body) and answers with
 * the next scripted response. The scripted bodies follow the API's documented JSON; what real
 * Dataflow would answer is not tested here.
 */
final class FakeDataflowApi extends HttpTransport {
  record Recorded(String method, String url, String body) {}

  private record Scripted(int status, String json) {}

  private final Deque<Scripted> answers = new ArrayDeque<>();
  final List<Recorded> requests = new ArrayList<>();

  FakeDataflowApi answer(int status, String json) {
    answers.add(new Scripted(status, json));
    return this;
  }

  @Override
  protected LowLevelHttpRequest buildRequest(String method, String url) {
    return new MockLowLevelHttpRequest(url) {
      @Override
      public LowLevelHttpResponse execute() throws IOException {
        String body = "";
        if (getStreamingContent() != null) {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          getStreamingContent().writeTo(out);
          byte[] bytes = out.toByteArray();
          if ("gzip".equals(getContentEncoding())) { // the client compresses request bodies
            try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(bytes))) {
              bytes = in.readAllBytes();
            }
          }
          body = new String(bytes, StandardCharsets.UTF_8);
        }
        requests.add(new Recorded(method, url, body));
        Scripted next = answers.poll();
        if (next == null) {
          throw new IOException("FakeDataflowApi: no scripted answer left for " + method + " " + url);
        }
        return new MockLowLevelHttpResponse().setStatusCode(next.status())
            .setContentType("application/json; charset=UTF-8").setContent(next.json());
      }
    };
  }
}

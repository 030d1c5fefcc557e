package io.beamconnectors.ftest.flinkcluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamconnectors.ftest.support.FixtureEnv;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The session cluster's REST API (ftest/fixtures/flink.sh): what the cluster itself says ran. */
final class FlinkRestApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One row of {@code /jobs/overview}. */
  record Job(String id, String name, String state) {}

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl = FixtureEnv.require("BC_FLINK_REST_URL", "flink").replaceAll("/+$", "");

  private JsonNode get(String path) throws IOException {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
          .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IOException("GET " + path + " answered " + r.statusCode() + ": " + r.body());
      }
      return JSON.readTree(r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: GET " + path, e);
    }
  }

  /** Every job the cluster knows (running and archived), from {@code /jobs/overview}. */
  List<Job> jobs() throws IOException {
    List<Job> out = new ArrayList<>();
    for (JsonNode j : get("/jobs/overview").path("jobs")) {
      out.add(new Job(j.path("jid").asText(), j.path("name").asText(), j.path("state").asText()));
    }
    return out;
  }

  /** The jobs with this name (Beam's --jobName); each test run uses a name of its own. */
  List<Job> jobsNamed(String name) throws IOException {
    return jobs().stream().filter(j -> j.name().equals(name)).toList();
  }

  /** Registered TaskManagers, from {@code /overview}. */
  int taskManagers() throws IOException {
    return get("/overview").path("taskmanagers").asInt();
  }
}

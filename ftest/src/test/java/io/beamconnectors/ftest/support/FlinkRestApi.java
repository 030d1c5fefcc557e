package io.beamconnectors.ftest.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The session cluster's REST API (ftest/fixtures/flink.sh): what the cluster itself says ran. */
public final class FlinkRestApi {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One row of {@code /jobs/overview}. */
  public record Job(String id, String name, String state) {}

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
  public List<Job> jobs() throws IOException {
    List<Job> out = new ArrayList<>();
    for (JsonNode j : get("/jobs/overview").path("jobs")) {
      out.add(new Job(j.path("jid").asText(), j.path("name").asText(), j.path("state").asText()));
    }
    return out;
  }

  /** The jobs with this name (Beam's --jobName); each test run uses a name of its own. */
  public List<Job> jobsNamed(String name) throws IOException {
    return jobs().stream().filter(j -> j.name().equals(name)).toList();
  }

  /** The state of the newest job with this name, or null if the cluster lists none. */
  public String stateOfJobNamed(String name) throws IOException {
    String state = null;
    long newest = Long.MIN_VALUE;
    for (JsonNode j : get("/jobs/overview").path("jobs")) {
      if (name.equals(j.path("name").asText()) && j.path("start-time").asLong() > newest) {
        newest = j.path("start-time").asLong();
        state = j.path("state").asText();
      }
    }
    return state;
  }

  /** What the cluster holds of a job's configuration ({@code /jobs/<jid>/config}: its execution config and user config). */
  public String jobConfig(String jobId) throws IOException {
    return get("/jobs/" + jobId + "/config").toString();
  }

  /** Registered TaskManagers, from {@code /overview}. */
  public int taskManagers() throws IOException {
    return get("/overview").path("taskmanagers").asInt();
  }
}

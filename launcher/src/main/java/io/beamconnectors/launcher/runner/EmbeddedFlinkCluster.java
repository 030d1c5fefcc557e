package io.beamconnectors.launcher.runner;

import io.beamconnectors.launcher.logging.JobThreadGroup;
import io.beamconnectors.launcher.logging.SharedWorkerThreadGroup;
import io.beamconnectors.pipelines.LocalFlinkConfiguration;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.flink.api.java.ExecutionEnvironment;
import org.apache.flink.client.deployment.executors.PipelineExecutorUtils;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.apache.flink.runtime.minicluster.RpcServiceSharing;
import org.apache.flink.runtime.util.EnvironmentInformation;

/**
 * One Flink mini cluster kept for the life of the launcher, on which every embedded Flink sync
 * runs. Beam's FlinkRunner with {@code --flinkMaster=[local]} starts a mini cluster for each job
 * and stops it after: a warm 100,000-row full sync on 2 cores took 7.2-7.5 s that way and 6.3-6.9 s
 * on a kept cluster (docs/benchmarks.md, twenty-sixth round). Kept, the cluster is started once, by
 * the first job, and later jobs only submit their job graph to it, in the same JVM, with the
 * classes already loaded.
 *
 * <p>A sync runs here with {@link #BEAM_MASTER} as its {@code --flinkMaster} on a thread that has
 * called {@link #useOnThisThread}: Beam then asks Flink for the context environment, which is
 * this cluster's. A thread that has not asks Flink's own context, which is the last cluster's to
 * be used (Flink keeps one per JVM besides the one per thread), or a per-job mini cluster if
 * none was.
 *
 * <p>It has {@code parallelism * jobs} task slots, so that many syncs of that parallelism run at
 * once, and {@code jobs} times a per-job mini cluster's network memory. Its managed memory is
 * Beam's share of the heap, as for a per-job cluster. Its REST endpoint (Flink starts one with
 * every mini cluster) and its blob server listen on 127.0.0.1 only, and the REST endpoint accepts
 * no jars. Its threads, and the task
 * threads of its jobs, belong to one {@link SharedWorkerThreadGroup}, which names the job running
 * in each log line while exactly one runs. If the cluster has stopped (a fatal error), the next
 * job starts a new one.
 */
public final class EmbeddedFlinkCluster implements AutoCloseable {
  /** The {@code --flinkMaster} of a sync that runs here: Beam's "the context's environment". */
  public static final String BEAM_MASTER = "[auto]";
  /** A per-job mini cluster's network memory, Flink's default for local execution. */
  private static final MemorySize NETWORK_PER_JOB = MemorySize.ofMebiBytes(64);
  private static final String TARGET = "beam-connectors-embedded-cluster";
  /** How long and how many ended jobs the cluster keeps for their clients. */
  private static final Duration ENDED_JOBS_KEPT = Duration.ofMinutes(10);
  private static final int ENDED_JOBS_AT_MOST = 64;
  /** Flink's task class: its static thread group, parent of every task thread, is made once. */
  private static final String FLINK_TASK_CLASS = "org.apache.flink.runtime.taskmanager.Task";

  private final int parallelism;
  private final int jobs;
  private final Configuration jobConfiguration;
  private final SharedWorkerThreadGroup threads;
  private final AtomicInteger starts = new AtomicInteger();
  private MiniCluster cluster;
  private boolean closed;

  /**
   * A cluster for {@code jobs} syncs at once of {@code parallelism} each, not started yet.
   * {@code jobConfiguration} is added to each job's Flink configuration (the job listeners, say).
   */
  public EmbeddedFlinkCluster(int parallelism, int jobs, Configuration jobConfiguration) {
    if (parallelism < 1 || jobs < 1) {
      throw new IllegalArgumentException("an embedded Flink cluster needs a parallelism and a number of jobs of at least 1, not "
          + parallelism + " and " + jobs);
    }
    this.parallelism = parallelism;
    this.jobs = jobs;
    this.jobConfiguration = new Configuration(jobConfiguration);
    this.jobConfiguration.set(DeploymentOptions.TARGET, TARGET);
    this.jobConfiguration.set(DeploymentOptions.ATTACHED, true);
    this.jobConfiguration.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
    this.threads = new SharedWorkerThreadGroup("embedded-flink");
  }

  /** Beam's {@link #BEAM_MASTER} on this thread means this cluster from now on. */
  public void useOnThisThread() {
    ContextEnvironment.install(this);
  }

  /** How many times a mini cluster was started: 1 once the first job ran, unless it stopped. */
  int starts() {
    return starts.get();
  }

  /** The ports the cluster listens on (starting it if need be): its REST endpoint's and its blob server's. */
  List<Integer> ports() throws Exception {
    MiniCluster c = running();
    return List.of(c.getRestAddress().get().getPort(), c.getClusterInformation().getBlobServerPort());
  }

  /** The running mini cluster; starts one if there is none or it stopped. */
  private synchronized MiniCluster running() throws Exception {
    if (closed) {
      throw new IllegalStateException("the embedded Flink cluster is closed: the launcher is stopping");
    }
    if (cluster == null || !cluster.isRunning()) {
      cluster = startInSharedGroup();
      starts.incrementAndGet();
    }
    return cluster;
  }

  /**
   * Starts a mini cluster on a thread of the shared group, which its threads inherit. Flink's task
   * class is initialised there first, so its task threads' group is a child of the shared one too.
   */
  private MiniCluster startInSharedGroup() throws Exception {
    AtomicReference<MiniCluster> started = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    ClassLoader loader = EmbeddedFlinkCluster.class.getClassLoader();
    Thread starter = new Thread(threads, () -> {
      try {
        Class.forName(FLINK_TASK_CLASS, true, loader);
        MiniCluster c = new MiniCluster(new MiniClusterConfiguration.Builder()
            .setConfiguration(clusterConfiguration())
            .setNumTaskManagers(1)
            .setNumSlotsPerTaskManager(parallelism * jobs)
            .setRpcServiceSharing(RpcServiceSharing.SHARED)
            .build());
        c.start();
        started.set(c);
      } catch (Throwable e) {
        failure.set(e);
      }
    }, "embedded-flink-start");
    starter.setContextClassLoader(loader);
    starter.start();
    starter.join();
    if (failure.get() instanceof Exception e) {
      throw e;
    } else if (failure.get() != null) {
      throw new IllegalStateException("the embedded Flink cluster did not start", failure.get());
    }
    return started.get();
  }

  private Configuration clusterConfiguration() {
    Configuration c = new Configuration();
    // As Beam configures a per-job mini cluster ("[local]"): a fraction of the free heap as managed
    // memory, and no check for leaked class loaders.
    long managed = (long) (EnvironmentInformation.getSizeOfFreeHeapMemoryWithDefrag()
        * c.get(TaskManagerOptions.MANAGED_MEMORY_FRACTION));
    c.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, new MemorySize(managed));
    c.set(CoreOptions.CHECK_LEAKED_CLASSLOADER, false);
    MemorySize network = NETWORK_PER_JOB.multiply(jobs);
    c.set(TaskManagerOptions.NETWORK_MEMORY_MIN, network);
    c.set(TaskManagerOptions.NETWORK_MEMORY_MAX, network);
    // Without a configuration a mini cluster listens on every interface (its REST endpoint and blob
    // server, neither of them authenticated); this one runs as long as the launcher, on loopback.
    c.addAll(Configuration.fromMap(LocalFlinkConfiguration.SETTINGS));
    c.set(RestOptions.BIND_PORT, "0");
    // Ended jobs are kept for their client (the attached result, the last counters), in memory
    // rather than Flink's default files, and not for an hour: the cluster outlives thousands of them.
    c.set(JobManagerOptions.JOB_STORE_TYPE, JobManagerOptions.JobStoreType.Memory);
    c.set(JobManagerOptions.JOB_STORE_EXPIRATION_TIME, ENDED_JOBS_KEPT.toSeconds());
    c.set(JobManagerOptions.JOB_STORE_MAX_CAPACITY, ENDED_JOBS_AT_MOST);
    return c;
  }

  /** Submits one job's graph; the job's thread group, if any, counts as running until it ends. */
  private CompletableFuture<JobClient> submit(org.apache.flink.api.dag.Pipeline pipeline, Configuration configuration,
      ClassLoader userCode) throws Exception {
    Configuration effective = new Configuration(jobConfiguration);
    effective.addAll(configuration);
    JobGraph graph = PipelineExecutorUtils.getJobGraph(pipeline, effective, userCode);
    MiniCluster c = running();
    Optional<JobThreadGroup> job = JobThreadGroup.current();
    job.ifPresent(threads::jobStarted);
    return c.submitJob(graph).whenComplete((submitted, failed) -> {
      if (failed != null) {
        job.ifPresent(threads::jobEnded);
      } else {
        c.requestJobResult(submitted.getJobID()).whenComplete((result, e) -> job.ifPresent(threads::jobEnded));
      }
    }).thenApply(submitted -> new MiniClusterJobClient(submitted.getJobID(), c, userCode,
        MiniClusterJobClient.JobFinalizationBehavior.NOTHING));
  }

  /** Stops the cluster, cancelling what still runs on it; later jobs are refused. */
  @Override
  public synchronized void close() throws Exception {
    closed = true;
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }

  /**
   * Flink's context environment for Beam's {@code [auto]}: an environment whose only executor
   * submits to this cluster. Flink lets only a subclass install one.
   */
  private static final class ContextEnvironment extends ExecutionEnvironment {
    static void install(EmbeddedFlinkCluster owner) {
      PipelineExecutor executor = owner::submit;
      PipelineExecutorFactory factory = new PipelineExecutorFactory() {
        @Override
        public String getName() {
          return TARGET;
        }

        @Override
        public boolean isCompatibleWith(Configuration configuration) {
          return TARGET.equals(configuration.get(DeploymentOptions.TARGET));
        }

        @Override
        public PipelineExecutor getExecutor(Configuration configuration) {
          return executor;
        }
      };
      PipelineExecutorServiceLoader loader = new PipelineExecutorServiceLoader() {
        @Override
        public PipelineExecutorFactory getExecutorFactory(Configuration configuration) {
          if (!factory.isCompatibleWith(configuration)) {
            throw new IllegalStateException("no executor for " + configuration.get(DeploymentOptions.TARGET)
                + " in the embedded Flink cluster's environment; it submits to " + TARGET + " only");
          }
          return factory;
        }

        @Override
        public Stream<String> getExecutorNames() {
          return Stream.of(TARGET);
        }
      };
      initializeContextEnvironment(() -> new ExecutionEnvironment(loader, new Configuration(owner.jobConfiguration),
          Optional.ofNullable(Thread.currentThread().getContextClassLoader())
              .orElse(EmbeddedFlinkCluster.class.getClassLoader())));
    }
  }
}

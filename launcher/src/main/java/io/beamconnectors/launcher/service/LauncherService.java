package io.beamconnectors.launcher.service;

import io.beamconnectors.launcher.config.LauncherConfig;
import io.beamconnectors.launcher.protocol.ConnectorsProtocol;
import io.beamconnectors.launcher.protocol.ElasticsearchAccessException;
import io.beamconnectors.launcher.runner.RunnerAdapter;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long-running service: the loops of {@code --action poll} (check-in and scheduling, execution
 * with its job monitor, cleanup) or one of them, each on its own thread, until {@link #stop}
 * (SIGTERM): then running jobs are suspended (in-process runs) or left to be re-attached.
 */
public final class LauncherService {
  private static final Logger LOG = LoggerFactory.getLogger(LauncherService.class);
  /** How often running jobs are looked at; the heartbeat and cancel intervals are multiples of it at most. */
  private static final Duration MONITOR_TICK = Duration.ofMillis(250);

  /** The loops. */
  public enum Loop { SCHEDULE, EXECUTE, CLEANUP }

  private final LauncherConfig config;
  private final ConnectorsProtocol protocol;
  private final RunnerAdapter runner;
  private final ServedConnectors served;
  private final ConnectorCheck check;
  private final SyncScheduler scheduler;
  private final JobMonitor monitor;
  private final JobExecutor executor;
  private final JobCleanup cleanup;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile ScheduledExecutorService threads;
  private volatile boolean stopping;

  public LauncherService(LauncherConfig config, ConnectorsProtocol protocol, RunnerAdapter runner) {
    this.config = config;
    this.protocol = protocol;
    this.runner = runner;
    this.served = new ServedConnectors(config, protocol);
    this.check = new ConnectorCheck(config, protocol, served);
    this.scheduler = new SyncScheduler(protocol, served);
    this.monitor = new JobMonitor(config, protocol, runner);
    this.executor = new JobExecutor(config, protocol, served, runner, monitor);
    this.cleanup = new JobCleanup(config, protocol, served, monitor);
  }

  /** Runs the loops until {@link #stop}; returns when stopped. */
  public void run(Set<Loop> loops) throws Exception {
    protocol.ensureIndices();
    LOG.info("Launcher started: loops {}, runner {}, protocol {}, worker {}, idling {} s, up to {} concurrent syncs",
        loops, runner.name(), protocol.backend(), config.service().workerHostname(),
        config.service().idling().toMillis() / 1000.0, config.service().maxConcurrentContentSyncs());
    AtomicInteger n = new AtomicInteger();
    threads = Executors.newScheduledThreadPool(5, r -> {
      Thread t = new Thread(r, "launcher-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    long idling = config.service().idling().toMillis();
    if (loops.contains(Loop.SCHEDULE)) {
      // Apart, so a slow source check (a ping that hangs) never delays a schedule's fire time.
      threads.scheduleWithFixedDelay(guard("check-in", check::round), 0, idling, TimeUnit.MILLISECONDS);
      threads.scheduleWithFixedDelay(guard("scheduling", () -> scheduler.round(Instant.now())), 0, idling,
          TimeUnit.MILLISECONDS);
    }
    if (loops.contains(Loop.EXECUTE)) {
      executor.recover();
      threads.scheduleWithFixedDelay(guard("execution", executor::round), 0, idling, TimeUnit.MILLISECONDS);
      threads.scheduleWithFixedDelay(guard("job monitor", monitor::tick), MONITOR_TICK.toMillis(),
          MONITOR_TICK.toMillis(), TimeUnit.MILLISECONDS);
    }
    if (loops.contains(Loop.CLEANUP)) {
      threads.scheduleWithFixedDelay(guard("cleanup", () -> cleanup.round(Instant.now())), 0,
          config.service().jobCleanupInterval().toMillis(), TimeUnit.MILLISECONDS);
    }
    stopped.await();
  }

  /** One pass of each loop, in order (tests and `--once`-style use). */
  public void runOnce(Set<Loop> loops) throws Exception {
    protocol.ensureIndices();
    if (loops.contains(Loop.SCHEDULE)) {
      check.round();
      scheduler.round(Instant.now());
    }
    if (loops.contains(Loop.EXECUTE)) {
      executor.round();
    }
    if (loops.contains(Loop.CLEANUP)) {
      cleanup.round(Instant.now());
    }
  }

  public static Set<Loop> all() {
    return EnumSet.allOf(Loop.class);
  }

  /** Stops the loops, suspends in-process runs, closes the runner. Safe to call twice. */
  public synchronized void stop() {
    if (stopping) {
      return;
    }
    stopping = true;
    LOG.info("Launcher stopping");
    ScheduledExecutorService t = threads;
    if (t != null) {
      t.shutdown();
      try {
        if (!t.awaitTermination(10, TimeUnit.SECONDS)) {
          t.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    monitor.suspendAll();
    runner.close();
    stopped.countDown();
    LOG.info("Launcher stopped");
  }

  private Runnable guard(String name, ThrowingRunnable body) {
    return () -> {
      if (stopping) {
        return;
      }
      try {
        body.run();
      } catch (ElasticsearchAccessException e) {
        LOG.warn("{} round: {}", name, e.getMessage());
        LOG.debug("{} round failed", name, e);
      } catch (Throwable e) {
        LOG.warn("{} round failed: {}", name, e.toString());
        LOG.debug("{} round failed", name, e);
      }
    };
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Exception;
  }
}

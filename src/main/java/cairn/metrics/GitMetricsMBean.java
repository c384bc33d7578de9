package cairn.metrics;

/** What {@link GitMetrics} shows over JMX, as {@code cairn:type=Git}. */
public interface GitMetricsMBean {
    int getActivePacks();

    int getQueuedPacks();

    long getPackBytesSent();

    long getClones();

    long getFetches();

    long getPushes();

    long getPacksShared();

    /** Clone answers prepared after a background repack, before any request asked for them. */
    long getPacksPrepared();

    long getRejectedQueueFull();

    long getRejectedTimeout();

    /** Background repacks scheduled or running now. */
    int getGcPending();

    long getGcRuns();

    long getGcFailures();

    double getGcSeconds();

    long getUploadPackRequests();

    double getUploadPackMeanSeconds();
}

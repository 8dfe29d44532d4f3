namespace RagApp.AppHost.Publishing;

/// <summary>
/// Sizing of one service or stateful container in the cluster (docs/deploy.md, "What to size"). The model says what
/// runs and how it is wired; how much CPU and memory it needs is measured, so it lives here, by resource name.
/// </summary>
public sealed record WorkloadProfile(
    int Replicas,
    string CpuRequest,
    string MemoryRequest,
    string CpuLimit,
    string MemoryLimit)
{
    /// <summary>Most replicas an autoscaler may add.</summary>
    public int MaxReplicas { get; init; } = 10;

    public WorkloadScaling Scaling { get; init; } = WorkloadScaling.None;

    /// <summary>Seconds a start-up may take before the liveness probe counts (the ONNX model loads first); 0: no startup probe.</summary>
    public int StartupSeconds { get; init; }

    /// <summary>Whether the container runs with a read-only root filesystem (an emptyDir serves /tmp).</summary>
    public bool ReadOnlyRootFilesystem { get; init; } = true;

    /// <summary>The user a stateful container runs as (its image's own unprivileged user); null: the image's default.</summary>
    public long? RunAsUser { get; init; }

    /// <summary>
    /// Gateway: request routing, caching and rate limiting, no model. RagApp.Rag and the worker run the ONNX embedding model
    /// (one inference takes a core for its duration; the model and its buffers take several hundred MB), so they get a
    /// whole core and 1 GiB guaranteed, and may burst to two.
    /// </summary>
    public static WorkloadProfile For(string resourceName) => resourceName switch
    {
        "gateway" => new(2, "250m", "256Mi", "1", "512Mi") { Scaling = WorkloadScaling.Cpu, MaxReplicas = 10 },
        "rag" => new(2, "1", "1Gi", "2", "2Gi") { Scaling = WorkloadScaling.Cpu, MaxReplicas = 8, StartupSeconds = 150 },
        "ingest-worker" => new(2, "1", "1Gi", "2", "2Gi") { Scaling = WorkloadScaling.Queue, MaxReplicas = 10, StartupSeconds = 150 },
        // The official redis image's redis user; it only writes /data.
        "redis" => new(1, "250m", "512Mi", "1", "1Gi") { RunAsUser = 999, ReadOnlyRootFilesystem = false },
        // Qdrant keeps its hot index in memory (docs/deploy.md); the official image runs as root.
        "qdrant" => new(1, "500m", "2Gi", "2", "4Gi") { ReadOnlyRootFilesystem = false },
        _ => new(2, "250m", "256Mi", "1", "512Mi"),
    };
}

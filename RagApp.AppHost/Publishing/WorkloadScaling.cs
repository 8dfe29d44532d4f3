namespace RagApp.AppHost.Publishing;

/// <summary>What adds replicas of a service beyond its minimum.</summary>
public enum WorkloadScaling
{
    /// <summary>A fixed replica count.</summary>
    None,

    /// <summary>A HorizontalPodAutoscaler on CPU use: the work is CPU-bound request handling.</summary>
    Cpu,

    /// <summary>A KEDA ScaledObject on the length of the ingest queue's ready list: the work waits in Redis.</summary>
    Queue,
}

namespace RagApp.Core.Queue;

/// <summary>
/// The queue holds as many payload bytes as it may (<see cref="IngestQueueOptions.MaxQueuedBytes"/>). Nothing was
/// enqueued; the caller should ask its client to come back after <see cref="RetryAfter"/> (HTTP 503 + Retry-After).
/// </summary>
public sealed class QueueFullException : Exception
{
    public QueueFullException()
        : this("The ingest queue is full.")
    {
    }

    public QueueFullException(string message)
        : base(message)
    {
    }

    public QueueFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public QueueFullException(long queuedBytes, long payloadBytes, long maxQueuedBytes, TimeSpan retryAfter)
        : base($"The ingest queue holds {queuedBytes} of {maxQueuedBytes} bytes; a payload of {payloadBytes} bytes does not fit.")
    {
        QueuedBytes = queuedBytes;
        PayloadBytes = payloadBytes;
        MaxQueuedBytes = maxQueuedBytes;
        RetryAfter = retryAfter;
    }

    public TimeSpan RetryAfter { get; }

    public long QueuedBytes { get; }

    public long PayloadBytes { get; }

    public long MaxQueuedBytes { get; }
}

using Microsoft.Extensions.Logging;

namespace RagApp.Core.Queue;

internal sealed partial class RedisIngestQueue
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Enqueued job {JobId} for document {DocumentId} version {DocumentVersion} ({PayloadBytes} bytes; queue holds {QueuedBytes} bytes)")]
    private partial void LogEnqueued(string jobId, string documentId, long documentVersion, int payloadBytes, long queuedBytes);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Enqueued job {JobId} deleting document {DocumentId} at version {DocumentVersion}")]
    private partial void LogDeleteEnqueued(string jobId, string documentId, long documentVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue full: job {JobId} ({PayloadBytes} bytes) refused; queue holds {QueuedBytes} of {MaxQueuedBytes} bytes")]
    private partial void LogQueueFull(string jobId, int payloadBytes, long queuedBytes, long maxQueuedBytes);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Leased job {JobId} to {ConsumerId}, attempt {Attempt}")]
    private partial void LogLeased(string jobId, string consumerId, int attempt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Completed job {JobId} as {Outcome} with {ChunkCount} chunks on attempt {Attempt}")]
    private partial void LogCompleted(string jobId, JobState outcome, int chunkCount, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease of job {JobId} (attempt {Attempt}) was lost; {Operation} ignored")]
    private partial void LogLeaseLost(string jobId, int attempt, string operation);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} failed on attempt {Attempt} ({Kind}), retry in {DelaySeconds:F1} s: {Error}")]
    private partial void LogRetryScheduled(string jobId, int attempt, FailureKind kind, double delaySeconds, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} dead-lettered after attempt {Attempt} ({Kind}): {Error}")]
    private partial void LogDeadLettered(string jobId, int attempt, FailureKind kind, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease of job {JobId} expired; job requeued")]
    private partial void LogLeaseExpiredRequeued(string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped queue entry {JobId}: its job hash does not exist")]
    private partial void LogOrphanDropped(string jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} has no payload; dead-lettering it")]
    private partial void LogPayloadMissing(string jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} handed back unfinished; its consumer is stopping")]
    private partial void LogReleased(string jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dead-lettered job {JobId} queued again")]
    private partial void LogRetried(string jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Released the kept payload of failed job {JobId}: its retention ended")]
    private partial void LogRetainedPayloadReleased(string jobId);
}

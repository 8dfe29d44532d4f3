using Microsoft.Extensions.Logging;

namespace RagApp.Core.Queue;

internal sealed partial class RedisIngestQueue
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Enqueued job {JobId} for document {DocumentId} ({PayloadBytes} bytes; queue holds {QueuedBytes} bytes)")]
    private partial void LogEnqueued(string jobId, string documentId, int payloadBytes, long queuedBytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue full: job {JobId} ({PayloadBytes} bytes) refused; queue holds {QueuedBytes} of {MaxQueuedBytes} bytes")]
    private partial void LogQueueFull(string jobId, int payloadBytes, long queuedBytes, long maxQueuedBytes);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Leased job {JobId} to {ConsumerId}, attempt {Attempt}")]
    private partial void LogLeased(string jobId, string consumerId, int attempt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Completed job {JobId} as {Outcome} with {ChunkCount} chunks on attempt {Attempt}")]
    private partial void LogCompleted(string jobId, JobState outcome, int chunkCount, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease of job {JobId} (attempt {Attempt}) was lost; {Operation} ignored")]
    private partial void LogLeaseLost(string jobId, int attempt, string operation);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} failed on attempt {Attempt}, retry at {RetryAt:O}: {Error}")]
    private partial void LogRetryScheduled(string jobId, int attempt, DateTimeOffset retryAt, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} dead-lettered after attempt {Attempt} (permanent: {Permanent}): {Error}")]
    private partial void LogDeadLettered(string jobId, int attempt, bool permanent, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease of job {JobId} expired; job requeued")]
    private partial void LogLeaseExpiredRequeued(string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped queue entry {JobId}: its job hash does not exist")]
    private partial void LogOrphanDropped(string jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} has no payload; dead-lettering it")]
    private partial void LogPayloadMissing(string jobId);
}

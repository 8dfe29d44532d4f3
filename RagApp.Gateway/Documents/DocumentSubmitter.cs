using System.Diagnostics;
using Microsoft.Extensions.Options;
using RagApp.Core.Queue;

namespace RagApp.Gateway.Documents;

/// <summary>Puts validated documents on the ingest queue, carrying the upload's trace context.</summary>
internal sealed partial class DocumentSubmitter(IIngestQueue queue, TimeProvider timeProvider, ILogger<DocumentSubmitter> logger)
{
    /// <summary>Queues the documents in order, stopping at the first one the queue's byte budget cannot take.</summary>
    public async Task<SubmissionResult> SubmitAsync(IReadOnlyList<PendingDocument> documents, CancellationToken cancellationToken)
    {
        var accepted = new List<DocumentAccepted>(documents.Count);
        var activity = Activity.Current;
        foreach (var document in documents)
        {
            var job = new IngestJob(
                JobId: NewJobId(),
                DocumentId: document.DocumentId,
                Title: document.Title,
                SourceName: document.FileName,
                ContentType: document.ContentType,
                Metadata: document.Metadata,
                TraceParent: activity?.Id,
                TraceState: activity?.TraceStateString,
                CreatedAt: timeProvider.GetUtcNow());
            EnqueueResult queued;
            try
            {
                queued = await queue.EnqueueAsync(job, document.Content, cancellationToken);
            }
            catch (QueueFullException full)
            {
                LogQueueFull(logger, job.DocumentId, document.Content.Length, full.RetryAfter.TotalSeconds);
                return new SubmissionResult(accepted, full.RetryAfter);
            }

            LogQueued(logger, job.JobId, job.DocumentId, document.Content.Length);
            accepted.Add(new DocumentAccepted(job.JobId, job.DocumentId, queued.DocumentVersion, document.FileName));
        }

        return new SubmissionResult(accepted, null);
    }

    /// <summary>
    /// Queues the deletion of a document, ordered with its uploads. Null when there is nothing to delete: the document
    /// is unknown to the queue and (as far as <paramref name="indexed"/> tells) to the index, or already deleted.
    /// </summary>
    public async Task<DocumentAccepted?> SubmitDeleteAsync(string documentId, bool? indexed, CancellationToken cancellationToken)
    {
        var activity = Activity.Current;
        var job = new IngestJob(
            JobId: NewJobId(),
            DocumentId: documentId,
            Title: null,
            SourceName: null,
            ContentType: "",
            Metadata: new Dictionary<string, string>(),
            TraceParent: activity?.Id,
            TraceState: activity?.TraceStateString,
            CreatedAt: timeProvider.GetUtcNow(),
            Kind: JobKind.Delete);
        if (await queue.EnqueueDeleteAsync(job, indexed, cancellationToken) is not { } queued)
        {
            return null;
        }

        LogDeleteQueued(logger, job.JobId, documentId, queued.DocumentVersion);
        return new DocumentAccepted(job.JobId, documentId, queued.DocumentVersion);
    }

    private string NewJobId() => Guid.CreateVersion7(timeProvider.GetUtcNow()).ToString("N");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingest queue full: document {DocumentId} ({Bytes} bytes) refused, retry after {RetryAfterSeconds} s")]
    private static partial void LogQueueFull(ILogger logger, string documentId, int bytes, double retryAfterSeconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Queued job {JobId} deleting document {DocumentId} at version {DocumentVersion}")]
    private static partial void LogDeleteQueued(ILogger logger, string jobId, string documentId, long documentVersion);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Queued job {JobId} for document {DocumentId} ({Bytes} bytes)")]
    private static partial void LogQueued(ILogger logger, string jobId, string documentId, int bytes);
}

using RagApp.Core.Queue;

namespace RagApp.Tests.Queue;

/// <summary>
/// What the ingest queue must do, in memory and in the plainest terms: lists in the order the queue documents
/// (ready: FIFO, expired and released leases back to the head; dead letters newest first, trimmed), counters, the byte
/// budget, document versions and lease ownership. Only values the server picks (versions, retry due times, lease
/// deadlines) are learned from the queue; every decision is the model's own. Not modelled: the release of kept payloads
/// after their retention (days), heartbeats and health.
/// </summary>
public sealed class IngestQueueModel(IngestQueueOptions options)
{
    /// <summary>The error the queue records for a lease that ran out.</summary>
    public const string ExpiredLeaseError = "The lease expired before the job was completed (the consumer stopped or was too slow).";

    private readonly Dictionary<string, (long Version, long? Deleted)> _documents = new(StringComparer.Ordinal);

    public IngestQueueOptions Options { get; } = options;

    /// <summary>Every job ever enqueued, in enqueue order.</summary>
    public List<ModelJob> Jobs { get; } = [];

    public List<string> Ready { get; } = [];

    /// <summary>Jobs under a lease, in the order they were leased.</summary>
    public List<string> Processing { get; } = [];

    /// <summary>Dead-lettered job ids, newest first, at most <see cref="IngestQueueOptions.DeadLetterCapacity"/>.</summary>
    public List<string> DeadLetters { get; } = [];

    /// <summary>Every lease handed out, oldest first, the lost ones included.</summary>
    public List<LeasedJob> Leases { get; } = [];

    public long HeldBytes => Jobs.Where(job => job.HoldsBytes).Sum(job => (long)job.PayloadBytes);

    public QueueDepth Depth => new(
        Ready.Count, Processing.Count, Jobs.Count(job => job.Place == ModelJobPlace.Delayed), DeadLetters.Count, HeldBytes);

    public IEnumerable<string> Delayed => Jobs.Where(job => job.Place == ModelJobPlace.Delayed).Select(job => job.JobId);

    public IEnumerable<string> Retained => Jobs.Where(job => job.Retained).Select(job => job.JobId);

    public ModelJob Job(string jobId) => Jobs.Single(job => job.JobId == jobId);

    public bool Fits(int payloadBytes) => HeldBytes + payloadBytes <= Options.MaxQueuedBytes;

    public long? LastVersion(string documentId) => _documents.TryGetValue(documentId, out var document) ? document.Version : null;

    /// <summary>A delete queues nothing when the document was never submitted and is not indexed, or its last submission was a delete that succeeded.</summary>
    public bool DeleteQueues(string documentId, bool? indexed) => _documents.TryGetValue(documentId, out var document)
        ? document.Deleted != document.Version
        : indexed != false;

    public void Enqueued(string jobId, string documentId, JobKind kind, long version, int payloadBytes)
    {
        var last = LastVersion(documentId);
        if (last >= version)
        {
            throw new Xunit.Sdk.XunitException($"{jobId} got version {version} of {documentId}, not above the last one, {last}.");
        }

        _documents[documentId] = (version, _documents.TryGetValue(documentId, out var document) ? document.Deleted : null);
        Jobs.Add(new ModelJob(jobId, documentId, kind, version, payloadBytes));
        Ready.Add(jobId);
    }

    /// <summary>
    /// The housekeeping every lease attempt starts with: due retries (all of them: the model's retry delays are zero)
    /// join the tail of the ready list by due time, then expired leases go back to its head one by one, latest deadline
    /// first (so the one that ran out first ends up first), or to the dead letters once they ran out of expiries.
    /// </summary>
    public void Maintain()
    {
        foreach (var job in Jobs.Where(job => job.Place == ModelJobPlace.Delayed)
            .OrderBy(job => job.RetryDueAt).ThenBy(job => job.JobId, StringComparer.Ordinal).ToList())
        {
            job.Place = ModelJobPlace.Ready;
            Ready.Add(job.JobId);
        }

        foreach (var job in Jobs.Where(job => job.LeaseToken is not null && job.LeaseExpired)
            .OrderByDescending(job => job.LeaseExpiresAt).ThenByDescending(job => job.JobId, StringComparer.Ordinal).ToList())
        {
            Processing.Remove(job.JobId);
            job.LeaseToken = null;
            job.LeaseExpired = false;
            job.LeaseExpiries++;
            if (job.LeaseExpiries >= Options.MaxLeaseExpiries)
            {
                DeadLetter(job, ExpiredLeaseError, retryable: true);
                continue;
            }

            job.Place = ModelJobPlace.Ready;
            job.State = JobState.Queued;
            job.Error = ExpiredLeaseError;
            Ready.Insert(0, job.JobId);
        }
    }

    /// <summary>The job the next lease must hand out (after <see cref="Maintain"/>): the head of the ready list.</summary>
    public string? Head => Ready.Count > 0 ? Ready[0] : null;

    public void Leased(LeasedJob lease)
    {
        var job = Job(lease.Job.JobId);
        Ready.RemoveAt(0);
        Processing.Add(job.JobId);
        job.Place = ModelJobPlace.Processing;
        job.State = JobState.Processing;
        job.Attempts++;
        job.Started = true;
        job.RetryScheduled = false;
        job.LeaseToken = lease.LeaseToken;
        job.LeaseExpiresAt = lease.LeaseExpiresAt;
        job.LeaseExpired = false;
        Leases.Add(lease);
    }

    /// <summary>Whether <paramref name="lease"/> still holds its job: a lease is lost once its job was completed, failed, released or taken back.</summary>
    public bool Holds(LeasedJob lease) => Job(lease.Job.JobId).LeaseToken == lease.LeaseToken;

    public void LeaseExpired(LeasedJob lease) => Job(lease.Job.JobId).LeaseExpired = true;

    /// <summary>A renewal pushes the deadline a long lease ahead, even for a lease that ran out but was not taken back yet.</summary>
    public void Renewed(LeasedJob lease) => Job(lease.Job.JobId).LeaseExpired = false;

    public void Completed(LeasedJob lease, JobResult result)
    {
        var job = Job(lease.Job.JobId);
        EndLease(job);
        job.Place = ModelJobPlace.Ended;
        job.State = result.Outcome;
        job.ChunkCount = result.ChunkCount;
        job.EmbeddedChunks = result.EmbeddedChunks;
        job.CachedChunks = result.CachedChunks;
        job.Error = null;
        job.RetryScheduled = false;
        job.Completed = true;
        job.Completions++;
        if (job.Kind == JobKind.Delete && result.Outcome == JobState.Succeeded
            && !(_documents[job.DocumentId].Deleted >= job.DocumentVersion))
        {
            _documents[job.DocumentId] = (_documents[job.DocumentId].Version, job.DocumentVersion);
        }
    }

    /// <summary>Applies a failure; true when it scheduled a retry (whose due time the caller learns from the status).</summary>
    public bool Failed(LeasedJob lease, string error, FailureKind kind)
    {
        var job = Job(lease.Job.JobId);
        EndLease(job);
        var exhausted = kind switch
        {
            FailureKind.Permanent => true,
            FailureKind.DependencyUnavailable => ++job.Deferrals >= Options.MaxDeferrals,
            _ => ++job.Failures >= Options.MaxAttempts,
        };
        if (exhausted)
        {
            DeadLetter(job, error, retryable: kind != FailureKind.Permanent);
            return false;
        }

        job.Place = ModelJobPlace.Delayed;
        job.State = JobState.Queued;
        job.Error = error;
        job.RetryScheduled = true;
        return true;
    }

    public void Released(LeasedJob lease)
    {
        var job = Job(lease.Job.JobId);
        EndLease(job);
        job.Place = ModelJobPlace.Ready;
        job.State = JobState.Queued;
        Ready.Insert(0, job.JobId);
    }

    public RetryOutcome Retry(string jobId)
    {
        if (Jobs.FirstOrDefault(job => job.JobId == jobId) is not { } job)
        {
            return RetryOutcome.NotFound;
        }

        if (!job.DeadLettered)
        {
            return RetryOutcome.NotFailed;
        }

        if (!job.Retryable)
        {
            return RetryOutcome.NotRetryable;
        }

        DeadLetters.Remove(jobId);
        job.Place = ModelJobPlace.Ready;
        job.State = JobState.Queued;
        job.Retryable = false;
        job.Failures = job.LeaseExpiries = job.Deferrals = 0;
        job.Error = null;
        job.Completed = false;
        job.RetryScheduled = false;
        Ready.Add(jobId);
        return RetryOutcome.Requeued;
    }

    /// <summary>Retries the dead-letter list as it is now, newest first.</summary>
    public RetryAllResult RetryAll()
    {
        var outcomes = DeadLetters.ToList().Select(Retry).ToList();
        return new RetryAllResult(outcomes.Count(outcome => outcome == RetryOutcome.Requeued), outcomes.Count(outcome => outcome == RetryOutcome.NotRetryable));
    }

    private void EndLease(ModelJob job)
    {
        Processing.Remove(job.JobId);
        job.LeaseToken = null;
        job.LeaseExpired = false;
    }

    private void DeadLetter(ModelJob job, string error, bool retryable)
    {
        job.Place = ModelJobPlace.DeadLettered;
        job.State = JobState.Failed;
        job.Error = error;
        job.Retryable = retryable;
        job.Completed = true;
        job.RetryScheduled = false;
        DeadLetters.Insert(0, job.JobId);
        if (DeadLetters.Count > Options.DeadLetterCapacity)
        {
            DeadLetters.RemoveRange(Options.DeadLetterCapacity, DeadLetters.Count - Options.DeadLetterCapacity);
        }
    }
}

namespace RagApp.Reliability;

/// <summary>What the gateway answered to one upload or delete: a job when it accepted it (202).</summary>
internal sealed record Submission(string DocumentId, int Status, string? JobId, long Version, string? Problem)
{
    public bool Accepted => JobId is not null;

    /// <summary>The answer carried a <c>Retry-After</c> header.</summary>
    public bool RetryAfter { get; init; }
}

namespace RagApp.Reliability;

/// <summary>One job as the REST API shows it.</summary>
internal sealed record JobView(string JobId, string DocumentId, string Kind, long Version, string Status, int Attempts, string? Error, bool DeadLettered)
{
    public bool Ended => Status is "succeeded" or "unchanged" or "superseded" || (Status == "failed" && DeadLettered);

    /// <summary>Ended as the system promises for an accepted job: applied, already there, overtaken, or failed with a reason.</summary>
    public bool EndedWellFormed => Status is "succeeded" or "unchanged" or "superseded" || (Status == "failed" && !string.IsNullOrWhiteSpace(Error));
}

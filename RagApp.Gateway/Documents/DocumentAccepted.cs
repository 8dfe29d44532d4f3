using System.Text.Json.Serialization;

namespace RagApp.Gateway.Documents;

/// <summary>
/// One document submission accepted (an upload, or a delete): follow <c>GET /api/v1/jobs/{job_id}</c> for its progress.
/// <see cref="DocumentVersion"/> orders it among every submission of the document: the newest one wins.
/// </summary>
public sealed record DocumentAccepted(
    string JobId,
    string DocumentId,
    long DocumentVersion,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FileName = null);

using System.Text.Json.Serialization;

namespace RagApp.Gateway.Documents;

/// <summary>One document accepted for ingestion: follow <c>GET /api/v1/jobs/{job_id}</c> for its progress.</summary>
public sealed record DocumentAccepted(
    string JobId,
    string DocumentId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FileName = null);

using System.Text.Json.Serialization;

namespace RagApp.Gateway.Apis;

/// <summary>
/// The body of <c>POST /api/v1/query</c> and <c>/api/v1/query/stream</c>. Every member is nullable so that a missing one
/// is told apart from a wrong one and named in the problem; unknown properties are refused (a misspelt
/// <c>max_results</c> would otherwise be silently ignored).
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record QueryRequest(string? Question, string? SessionId, int? MaxResults, QueryFilter? Filter);

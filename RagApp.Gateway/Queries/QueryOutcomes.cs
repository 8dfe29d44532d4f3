namespace RagApp.Gateway.Queries;

/// <summary>The "outcome" tag of the gateway's query duration histogram.</summary>
internal static class QueryOutcomes
{
    public const string Ok = "ok";

    /// <summary>Refused before or by RagApp.Rag (400, 413, 415, 409).</summary>
    public const string Invalid = "invalid";

    public const string Unavailable = "unavailable";
    public const string Timeout = "timeout";
    public const string Cancelled = "cancelled";
    public const string Error = "error";
}

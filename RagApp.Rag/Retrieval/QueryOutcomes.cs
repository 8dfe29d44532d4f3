namespace RagApp.Rag.Retrieval;

/// <summary>The "outcome" tag of the query duration histogram.</summary>
internal static class QueryOutcomes
{
    public const string Ok = "ok";
    public const string Invalid = "invalid";
    public const string FailedPrecondition = "failed_precondition";
    public const string Cancelled = "cancelled";
    public const string Error = "error";
}

using System.ComponentModel.DataAnnotations;

namespace RagApp.Gateway.Rag;

/// <summary>Calls to RagApp.Rag, from the "Gateway:Rag" configuration section.</summary>
public sealed class RagCallOptions
{
    public const string SectionName = "Gateway:Rag";

    /// <summary>
    /// The longest any one call to RagApp.Rag may take (a question, a document listing, a delete), sent as the gRPC
    /// deadline so that RagApp.Rag stops too; past it the answer is 504. A streamed question is one call for as long as
    /// its answer streams, so it is bound by <c>Gateway:Query:Timeout</c> instead.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan Deadline { get; set; } = TimeSpan.FromSeconds(10);
}

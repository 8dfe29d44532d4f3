using System.ComponentModel.DataAnnotations;

namespace RagApp.Gateway.Queries;

/// <summary>Limits of <c>POST /api/v1/query</c> and <c>/api/v1/query/stream</c>, from the "Gateway:Query" configuration section.</summary>
public sealed class QueryOptions
{
    public const string SectionName = "Gateway:Query";

    /// <summary>
    /// Largest request body in bytes; larger answers 413. A question is at most 4000 characters, so the default leaves
    /// room for a filter of a few hundred document ids.
    /// </summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxRequestBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// How long one question may take, from its arrival to its last byte (a stream's <c>completed</c> event included).
    /// It is sent to RagApp.Rag as the call's deadline, so RagApp.Rag stops working on it too; past it the answer is 504
    /// (or, once a stream has started, an <c>error</c> event).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:30:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

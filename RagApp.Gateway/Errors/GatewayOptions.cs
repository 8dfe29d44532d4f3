using System.ComponentModel.DataAnnotations;

namespace RagApp.Gateway.Errors;

/// <summary>Limits and answers of the gateway as a whole, from the "Gateway" configuration section.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>
    /// Longest request target (path and query, in characters). Longer answers 414 with problem details. Kestrel's own
    /// request-line limit is raised above it so that such requests reach the gateway instead of getting an empty 414.
    /// </summary>
    [Range(256, 32 * 1024)]
    public int MaxUrlLength { get; set; } = 2048;

    /// <summary>
    /// The longest the gateway works on one request, whatever it waits for; past it: 504 problem details, and the work
    /// is cancelled. Not for uploads (a large file on a slow link takes longer; Kestrel's minimum data rate guards
    /// those), a job's event stream, or questions, which have <c>Gateway:Query:Timeout</c>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>What <c>Retry-After</c> tells a client whose request found Redis or RagApp.Rag unreachable (answered 503).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan UnavailableRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Kestrel's request-line limit (its default is 8 KiB): the longest request line the gateway still answers itself,
    /// with problem details. Only beyond it does Kestrel answer 414 with an empty body.
    /// </summary>
    internal const int RequestLineLimit = 64 * 1024;
}

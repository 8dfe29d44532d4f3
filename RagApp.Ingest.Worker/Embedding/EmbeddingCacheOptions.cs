using System.ComponentModel.DataAnnotations;

namespace RagApp.Ingest.Worker.Embedding;

/// <summary>The Redis embedding cache, section "Ingest:EmbeddingCache".</summary>
public sealed class EmbeddingCacheOptions
{
    public const string SectionName = "Ingest:EmbeddingCache";

    public bool Enabled { get; set; } = true;

    /// <summary>How long a cached vector lives after it was last written.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromDays(30);
}

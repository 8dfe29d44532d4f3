using System.ComponentModel.DataAnnotations;

namespace RagApp.Rag.Index;

/// <summary>Configuration section "VectorStore": which store holds the index and how it is kept.</summary>
internal sealed class VectorStoreOptions : IValidatableObject
{
    public const string SectionName = "VectorStore";

    public VectorStoreProvider Provider { get; set; } = VectorStoreProvider.Embedded;

    /// <summary>Where the embedded store keeps its snapshot and write-ahead log. Required for <see cref="VectorStoreProvider.Embedded"/>.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>The embedded store writes a snapshot (and empties its log) at least this often while the log has records.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>... and as soon as the log grows past this many bytes, so start-up replay stays short.</summary>
    [Range(typeof(long), "4096", "1099511627776")]
    public long SnapshotLogSizeBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Start-up with an embedded log damaged in the middle (intact records after the damage) stops unless this is on;
    /// with it on, start-up keeps every intact record, drops only the damaged bytes, keeps the original as
    /// <c>index.wal.damaged-&lt;time&gt;</c> and logs what it dropped. Meant for one start, then off again.
    /// </summary>
    public bool RepairDamagedLog { get; set; }

    /// <summary>Upper bound of chunks in one document; the whole document is held in memory until its stream ends.</summary>
    [Range(1, 1_000_000)]
    public int MaxChunksPerDocument { get; set; } = 20_000;

    [Range(1, 65_536)]
    public int MaxEmbeddingDimensions { get; set; } = 8192;

    [Required]
    public KeywordScoringOptions Keyword { get; set; } = new();

    [Required]
    public QdrantStoreOptions Qdrant { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider == VectorStoreProvider.Embedded && string.IsNullOrWhiteSpace(DataDirectory))
        {
            yield return new ValidationResult(
                "VectorStore:DataDirectory is required when VectorStore:Provider is Embedded.", [nameof(DataDirectory)]);
        }

        if (Provider != VectorStoreProvider.Embedded && RepairDamagedLog)
        {
            yield return new ValidationResult(
                "VectorStore:RepairDamagedLog applies only to the Embedded provider's log.", [nameof(RepairDamagedLog)]);
        }

        // DataAnnotations does not descend into nested objects by itself.
        foreach (var (name, nested) in new (string, object)[] { (nameof(Keyword), Keyword), (nameof(Qdrant), Qdrant) })
        {
            var results = new List<ValidationResult>();
            Validator.TryValidateObject(nested, new ValidationContext(nested), results, validateAllProperties: true);
            foreach (var result in results)
            {
                yield return new ValidationResult(
                    $"VectorStore:{name}: {result.ErrorMessage}",
                    result.MemberNames.Select(member => $"{name}.{member}"));
            }
        }
    }
}

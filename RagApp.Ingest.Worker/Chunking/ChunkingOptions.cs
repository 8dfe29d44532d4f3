using System.ComponentModel.DataAnnotations;

namespace RagApp.Ingest.Worker.Chunking;

/// <summary>How documents are split into chunks. Section "Ingest:Chunking". Sizes are in UTF-16 characters.</summary>
public sealed class ChunkingOptions : IValidatableObject
{
    public const string SectionName = "Ingest:Chunking";

    public static IReadOnlyList<string> DefaultSeparators { get; } = ["\n\n", "\n", ". ", " ", ""];

    [Range(1, 1_000_000)]
    public int ChunkSize { get; set; } = 1000;

    [Range(0, 1_000_000)]
    public int ChunkOverlap { get; set; } = 200;

    /// <summary>
    /// Literal separators, strongest first. Null means <see cref="DefaultSeparators"/>: configuration binding
    /// appends to a pre-filled list instead of replacing it, so the defaults cannot live in the property.
    /// Splitting always ends with single characters ("") whether or not the list says so.
    /// </summary>
    public IList<string>? Separators { get; set; }

    public IReadOnlyList<string> EffectiveSeparators => Separators is { Count: > 0 } ? [.. Separators] : DefaultSeparators;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ChunkOverlap >= ChunkSize)
        {
            yield return new ValidationResult(
                $"{nameof(ChunkOverlap)} ({ChunkOverlap}) must be smaller than {nameof(ChunkSize)} ({ChunkSize}).",
                [nameof(ChunkOverlap), nameof(ChunkSize)]);
        }

        if (Separators is not null && Separators.Any(separator => separator is null))
        {
            yield return new ValidationResult($"{nameof(Separators)} cannot contain null.", [nameof(Separators)]);
        }
    }
}

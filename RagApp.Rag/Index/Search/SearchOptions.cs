namespace RagApp.Rag.Index.Search;

/// <summary>How to rank; the defaults are the best settings measured on cranfield (DESIGN §4).</summary>
internal sealed record SearchOptions
{
    public static SearchOptions Default { get; } = new();

    /// <summary>Bounds top-k and the candidate count: the embedded store allocates per query in proportion.</summary>
    public const int MaxResults = 10_000;

    public SearchMode Mode { get; init; } = SearchMode.Hybrid;
    public FusionMethod Fusion { get; init; } = FusionMethod.WeightedSum;

    /// <summary>Weight of the normalised dense score in <see cref="FusionMethod.WeightedSum"/>; the keyword score gets the rest.</summary>
    public double DenseWeight { get; init; } = 0.7;

    /// <summary>The k of reciprocal rank fusion.</summary>
    public int RrfK { get; init; } = 60;

    /// <summary>How many candidates each signal contributes to the fusion (at least the requested top-k).</summary>
    public int CandidateCount { get; init; } = 100;

    internal void Validate()
    {
        if (double.IsNaN(DenseWeight) || DenseWeight is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(DenseWeight), DenseWeight, "The dense weight must lie in 0..1.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(RrfK, nameof(RrfK));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(CandidateCount, nameof(CandidateCount));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(CandidateCount, MaxResults, nameof(CandidateCount));
    }

    internal static void ValidateTopK(int topK)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(topK);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(topK, MaxResults);
    }
}

namespace RagApp.Rag.Index.Search;

/// <summary>How to rank; the defaults are the best settings measured on cranfield (DESIGN §4).</summary>
internal sealed record SearchOptions
{
    public static SearchOptions Default { get; } = new();

    /// <summary>Bounds top-k and the candidate count: the embedded store allocates per query in proportion.</summary>
    public const int MaxResults = 10_000;

    public const double MaxConfidenceExponent = 10;
    public const double MaxFeedbackWeight = 10;
    public const int MaxFeedbackDocuments = 100;
    public const double MaxFeedbackTemperature = 100;
    public const double MaxProximityWeight = 10;
    public const int MaxProximityWindow = 100;
    public const int MaxProximityCandidates = 1_000;

    public SearchMode Mode { get; init; } = SearchMode.Hybrid;
    public FusionMethod Fusion { get; init; } = FusionMethod.Adaptive;

    /// <summary>
    /// Weight of the normalised dense score in <see cref="FusionMethod.WeightedSum"/>, and the base weight of the dense
    /// signal before its confidence in <see cref="FusionMethod.Adaptive"/>; the keyword score gets the rest. 0.8 is
    /// the adaptive fusion's best on cranfield; the weighted sum's best there was 0.7.
    /// </summary>
    public double DenseWeight { get; init; } = 0.8;

    /// <summary>The k of reciprocal rank fusion.</summary>
    public int RrfK { get; init; } = 60;

    /// <summary>
    /// <see cref="FusionMethod.Adaptive"/>: the power of each signal's confidence (its top z-score) in its weight; 0
    /// keeps the base weights fixed (the default: any positive value measured worse on both sets), larger values let
    /// the more decided signal lead more.
    /// </summary>
    public double ConfidenceExponent { get; init; }

    /// <summary><see cref="FusionMethod.Adaptive"/>: how many top fused candidates feed the question vector back (0: no feedback).</summary>
    public int FeedbackDocuments { get; init; } = 3;

    /// <summary><see cref="FusionMethod.Adaptive"/>: weight of their mean vector when the two signals share nothing in their top ten.</summary>
    public double FeedbackWeight { get; init; } = 1.0;

    /// <summary>
    /// <see cref="FusionMethod.Adaptive"/>: how the feedback candidates are weighted. 0 (the default) averages them
    /// equally; a positive value weights each by exp((its fused score − the best one's) / temperature), in z-score
    /// units of the fused score, so near-ties share the feedback and a clear winner leads it. 0.25 with 5 feedback
    /// documents measured better on cranfield but not on squad-train-sample (docs/benchmarks.md).
    /// </summary>
    public double FeedbackTemperature { get; init; }

    /// <summary>
    /// <see cref="FusionMethod.Adaptive"/>: weight of the term-proximity signal (TermProximity: the question's
    /// neighbouring words kept together in the passage), z-normalised over the best <see cref="ProximityCandidates"/>
    /// fused candidates and added to their fused scores; 0 turns it off.
    /// </summary>
    public double ProximityWeight { get; init; } = 0.1;

    /// <summary>How many terms apart two neighbouring question words may stand in a passage and still count as together.</summary>
    public int ProximityWindow { get; init; } = 3;

    /// <summary>
    /// How many of the best fused candidates the proximity signal re-reads (it tokenises their text, so it looks at the
    /// head of the ranking only).
    /// </summary>
    public int ProximityCandidates { get; init; } = 30;

    /// <summary>How many candidates each signal contributes to the fusion (at least the requested top-k).</summary>
    public int CandidateCount { get; init; } = 100;

    internal void Validate()
    {
        if (double.IsNaN(DenseWeight) || DenseWeight is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(DenseWeight), DenseWeight, "The dense weight must lie in 0..1.");
        }

        if (double.IsNaN(ConfidenceExponent) || ConfidenceExponent is < 0 or > MaxConfidenceExponent)
        {
            throw new ArgumentOutOfRangeException(nameof(ConfidenceExponent), ConfidenceExponent, $"The confidence exponent must lie in 0..{MaxConfidenceExponent}.");
        }

        if (double.IsNaN(FeedbackWeight) || FeedbackWeight is < 0 or > MaxFeedbackWeight)
        {
            throw new ArgumentOutOfRangeException(nameof(FeedbackWeight), FeedbackWeight, $"The feedback weight must lie in 0..{MaxFeedbackWeight}.");
        }

        if (double.IsNaN(FeedbackTemperature) || FeedbackTemperature is < 0 or > MaxFeedbackTemperature)
        {
            throw new ArgumentOutOfRangeException(nameof(FeedbackTemperature), FeedbackTemperature, $"The feedback temperature must lie in 0..{MaxFeedbackTemperature}.");
        }

        if (double.IsNaN(ProximityWeight) || ProximityWeight is < 0 or > MaxProximityWeight)
        {
            throw new ArgumentOutOfRangeException(nameof(ProximityWeight), ProximityWeight, $"The proximity weight must lie in 0..{MaxProximityWeight}.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ProximityWindow, nameof(ProximityWindow));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ProximityWindow, MaxProximityWindow, nameof(ProximityWindow));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ProximityCandidates, nameof(ProximityCandidates));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ProximityCandidates, MaxProximityCandidates, nameof(ProximityCandidates));
        ArgumentOutOfRangeException.ThrowIfNegative(FeedbackDocuments, nameof(FeedbackDocuments));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(FeedbackDocuments, MaxFeedbackDocuments, nameof(FeedbackDocuments));
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

using RagApp.Rag.Index.Search;

namespace RagApp.Tests.Index;

public sealed class AdaptiveFusionTests
{
    private static readonly float[] Query = [1, 0, 0];

    // A: top of both lists. B and D: dense only, B a little closer to the question, D close to A. E: keyword only.
    private static readonly Dictionary<string, float[]> Vectors = new()
    {
        ["A"] = [0.6f, 0.8f, 0],
        ["B"] = [0.5f, 0, 0.866f],
        ["D"] = [0.49f, 0.8717f, 0],
        ["E"] = [0.28f, 0, 0.96f],
        ["F"] = [0.3f, 0.954f, 0],
    };

    private static readonly RankedCandidate<string>[] Dense = [new("A", 0.6), new("B", 0.5), new("D", 0.49)];
    private static readonly RankedCandidate<string>[] Keyword = [new("A", 10), new("E", 8)];

    private static List<FusedCandidate<string>> Fuse(SearchOptions options, int keywordLimit = 10) =>
        AdaptiveFusion.Fuse(Dense, Keyword, keywordLimit, Query, key => Vectors[key], options with { Fusion = FusionMethod.Adaptive }, 10);

    [Fact]
    public void Standardise_GivesZScores_AndTheTopOneAsConfidence()
    {
        var (z, confidence) = AdaptiveFusion.Standardise([1, 2, 3]);

        var deviation = Math.Sqrt(2.0 / 3);
        Assert.Equal(-1 / deviation, z[0], 9);
        Assert.Equal(0, z[1], 9);
        Assert.Equal(1 / deviation, z[2], 9);
        Assert.Equal(1 / deviation, confidence, 9);
        Assert.Equal(0, AdaptiveFusion.Standardise([4, 4, 4]).Confidence);
    }

    [Theory]
    [InlineData(0.0, 0.5)]
    [InlineData(1.0, 2.0 / 3)]
    [InlineData(2.0, 0.8)]
    public void Weights_FollowTheConfidenceRaisedToTheExponent(double exponent, double expectedDense)
    {
        var (dense, keyword) = AdaptiveFusion.Weights(2, 1, new SearchOptions { DenseWeight = 0.5, ConfidenceExponent = exponent });

        Assert.Equal(expectedDense, dense, 9);
        Assert.Equal(1 - expectedDense, keyword, 9);
    }

    [Fact]
    public void Disagreement_IsTheShareOfTheTopListsNotShared()
    {
        RankedCandidate<string>[] same = [new("x", 3), new("y", 2)];

        Assert.Equal(0, AdaptiveFusion.Disagreement(same, same), 9);
        Assert.Equal(0.5, AdaptiveFusion.Disagreement(Dense, Keyword), 9);
        Assert.Equal(1, AdaptiveFusion.Disagreement(same, Keyword), 9);
    }

    [Fact]
    public void AKeywordOnlyCandidate_GetsItsCosineFromItsVector()
    {
        var fused = Fuse(new SearchOptions { FeedbackDocuments = 0 });

        var e = fused.Single(hit => hit.Key == "E");
        Assert.Equal(0.28, e.DenseScore!.Value, 5);
        Assert.Equal(8, e.KeywordScore);
        Assert.Null(fused.Single(hit => hit.Key == "B").KeywordScore);
        Assert.Equal("A", fused[0].Key);
    }

    [Fact]
    public void AMissingKeywordScore_IsTheListsLowest_WhenTheListWasCut_AndZeroOtherwise()
    {
        // Dense weight 0 and no confidence: the order is the keyword z-score alone.
        var options = new SearchOptions { DenseWeight = 0, ConfidenceExponent = 0, FeedbackDocuments = 0 };

        var cut = Fuse(options, keywordLimit: Keyword.Length).ToDictionary(hit => hit.Key, hit => hit.Score);
        var complete = Fuse(options, keywordLimit: 10).ToDictionary(hit => hit.Key, hit => hit.Score);

        Assert.Equal(cut["E"], cut["B"], 9);
        Assert.True(complete["B"] < complete["E"]);
    }

    [Fact]
    public void Feedback_MovesTheQuestionTowardsTheTopFusedHit_WhenTheSignalsDisagree()
    {
        var without = Fuse(new SearchOptions { FeedbackDocuments = 0 }).Select(hit => hit.Key).ToList();
        var with = Fuse(new SearchOptions { FeedbackDocuments = 1, FeedbackWeight = 2 });

        Assert.True(without.IndexOf("B") < without.IndexOf("D"));
        var keys = with.Select(hit => hit.Key).ToList();
        Assert.True(keys.IndexOf("D") < keys.IndexOf("B"));

        // The reported cosine stays the question's own: calibration reads it.
        Assert.Equal(0.49, with.Single(hit => hit.Key == "D").DenseScore!.Value, 9);
    }

    [Fact]
    public void FeedbackShares_AreOneWithoutATemperature_AndFallByEPerTemperatureBelowTheBest()
    {
        Assert.Equal([1, 1, 1], AdaptiveFusion.FeedbackShares([3, 2.5, 1], temperature: 0));

        var shares = AdaptiveFusion.FeedbackShares([3, 2.5, 1], temperature: 0.5);

        Assert.Equal(1, shares[0], 9);
        Assert.Equal(Math.Exp(-1), shares[1], 9);
        Assert.Equal(Math.Exp(-4), shares[2], 9);
    }

    [Fact]
    public void FeedbackTemperature_LetsAClearFusedWinnerLeadTheFeedback()
    {
        // The first pass puts A far ahead of B (fused z about 1.15 against 0.03). Fed back equally, B pulls the question
        // towards itself and stays ahead of D; weighted by their fused scores, A leads, and D (close to A) passes B.
        var equal = Fuse(new SearchOptions { FeedbackDocuments = 2, FeedbackWeight = 2 }).Select(hit => hit.Key).ToList();
        var weighted = Fuse(new SearchOptions { FeedbackDocuments = 2, FeedbackWeight = 2, FeedbackTemperature = 0.25 }).Select(hit => hit.Key).ToList();

        Assert.True(equal.IndexOf("B") < equal.IndexOf("D"));
        Assert.True(weighted.IndexOf("D") < weighted.IndexOf("B"));
        Assert.Equal("A", weighted[0]);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    [InlineData(101.0)]
    public void Validate_RefusesAnOutOfRangeFeedbackTemperature(double temperature)
    {
        var options = new SearchOptions { FeedbackTemperature = temperature };

        Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
    }

    [Fact]
    public void WithoutAQuestionVector_OnlyTheKeywordSignalRanks()
    {
        var fused = AdaptiveFusion.Fuse([], Keyword, 10, ReadOnlySpan<float>.Empty, key => Vectors[key], SearchOptions.Default, 10);

        Assert.Equal(["A", "E"], fused.Select(hit => hit.Key));
        Assert.All(fused, hit => Assert.Null(hit.DenseScore));
    }

    [Theory]
    [InlineData(-0.1, 3, 1.0)]
    [InlineData(double.NaN, 3, 1.0)]
    [InlineData(1.0, -1, 1.0)]
    [InlineData(1.0, 3, -0.5)]
    [InlineData(1.0, 3, 11.0)]
    public void Validate_RefusesOutOfRangeSettings(double exponent, int documents, double weight)
    {
        var options = new SearchOptions { ConfidenceExponent = exponent, FeedbackDocuments = documents, FeedbackWeight = weight };

        Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
    }

    [Fact]
    public void TheStaticFusion_RefusesTheAdaptiveMethod()
    {
        Assert.Throws<ArgumentException>(() => HybridFusion.Fuse(Dense, Keyword, new SearchOptions { Fusion = FusionMethod.Adaptive }, 10));
    }

    [Fact]
    public void Proximity_LiftsTheCandidateKeepingTheQuestionsWordsTogether_WithinTheHead()
    {
        // Without proximity, B ranks above D (closer vector, no keyword score for either).
        var options = new SearchOptions { FeedbackDocuments = 0, ProximityCandidates = 4 };
        var proximity = new Dictionary<string, double> { ["A"] = 0, ["B"] = 0, ["D"] = 8, ["E"] = 0, ["F"] = 0 };
        List<string> Order(SearchOptions with) => [.. AdaptiveFusion.Fuse(Dense, Keyword, 10, Query, key => Vectors[key], with, 10, key => proximity[key]).Select(hit => hit.Key)];

        var without = Order(options with { ProximityWeight = 0 });
        var with = Order(options with { ProximityWeight = 1 });

        Assert.True(without.IndexOf("B") < without.IndexOf("D"));
        Assert.True(with.IndexOf("D") < with.IndexOf("B"));
    }

    [Fact]
    public void Proximity_ReadsOnlyTheHeadOfTheFusedRanking()
    {
        var read = new List<string>();
        var options = new SearchOptions { FeedbackDocuments = 0, ProximityCandidates = 2 };

        var fused = AdaptiveFusion.Fuse(Dense, Keyword, 10, Query, key => Vectors[key], options, 10, key =>
        {
            read.Add(key);
            return 1;
        });

        Assert.Equal(2, read.Count);
        Assert.Equal(fused.Take(2).Select(hit => hit.Key).Order(), read.Order());
    }
}

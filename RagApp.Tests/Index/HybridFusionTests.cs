using RagApp.Rag.Index.Search;

namespace RagApp.Tests.Index;

public sealed class HybridFusionTests
{
    private static readonly RankedCandidate<string>[] Dense = [new("a", 0.9), new("b", 0.5), new("c", 0.1)];
    private static readonly RankedCandidate<string>[] Keyword = [new("c", 12.0), new("d", 4.0)];

    [Fact]
    public void WeightedSum_NormalisesEachListByMinMax_AndWeighs()
    {
        var fused = HybridFusion.Fuse(Dense, Keyword, new SearchOptions { Fusion = FusionMethod.WeightedSum, DenseWeight = 0.7 }, 10);

        var scores = fused.ToDictionary(hit => hit.Key, hit => hit.Score);
        Assert.Equal(0.7 * 1.0, scores["a"], 9);
        Assert.Equal(0.7 * 0.5, scores["b"], 9);
        Assert.Equal((0.7 * 0.0) + (0.3 * 1.0), scores["c"], 9);
        Assert.Equal(0.3 * 0.0, scores["d"], 9);
        Assert.Equal(["a", "b", "c", "d"], fused.Select(hit => hit.Key));
        var c = fused.Single(hit => hit.Key == "c");
        Assert.Equal(0.1, c.DenseScore);
        Assert.Equal(12.0, c.KeywordScore);
        Assert.Null(fused.Single(hit => hit.Key == "a").KeywordScore);
    }

    [Fact]
    public void ReciprocalRank_SumsOneOverKPlusRank()
    {
        var fused = HybridFusion.Fuse(Dense, Keyword, new SearchOptions { Fusion = FusionMethod.ReciprocalRank, RrfK = 60 }, 2);

        Assert.Equal(2, fused.Count);
        Assert.Equal("c", fused[0].Key);
        Assert.Equal((1.0 / 63) + (1.0 / 61), fused[0].Score, 12);
        Assert.Equal("a", fused[1].Key);
        Assert.Equal(1.0 / 61, fused[1].Score, 12);
    }

    [Fact]
    public void AListOfEqualScores_CountsFully()
    {
        var fused = HybridFusion.Fuse([new RankedCandidate<string>("x", 0.4)], [], new SearchOptions { Fusion = FusionMethod.WeightedSum, DenseWeight = 0.6 }, 5);

        Assert.Equal(0.6, Assert.Single(fused).Score, 9);
    }
}

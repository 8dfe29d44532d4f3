using RagApp.Rag.Index.Keywords;

namespace RagApp.Tests.Index;

public sealed class TermProximityTests
{
    private static TermProximity For(string question, int window = 3) =>
        new(KeywordTokenizer.DistinctTerms(question, KeywordStemming.English), KeywordStemming.English, window);

    [Fact]
    public void APassageKeepingTheQuestionsWordsTogether_ScoresAboveOneScatteringThem()
    {
        var proximity = For("heat transfer in a turbulent boundary layer");
        const string together = "We measured the heat transfer through a turbulent boundary layer on a flat plate.";
        const string scattered = "Heat was applied to the plate for many hours before any transfer of momentum could be seen downstream; much later a turbulent wake formed far behind the trailing boundary, where oil marked a thin layer.";

        var close = proximity.Score(together);
        var far = proximity.Score(scattered);

        // Pairs (heat, transfer), (transfer, turbul), (turbul, boundari), (boundari, layer): all four within 3 terms.
        Assert.Equal(4, close, 9);
        Assert.Equal(0, far, 9);
    }

    [Fact]
    public void RepeatedPairs_CountLogarithmically_AndStemsMatchOtherForms()
    {
        var proximity = For("wing flutter");

        // "wings flutter" in two places, 1 + ln 2; "fluttering wing" matches too (either order, stems).
        Assert.Equal(1 + Math.Log(2), proximity.Score("The wings flutter. Much later, after a long calm spell over the sea, wings flutter again."), 9);
        Assert.Equal(1, proximity.Score("A fluttering wing."), 9);
    }

    [Fact]
    public void TheWindow_BoundsHowFarApartTheWordsMayStand()
    {
        const string text = "wing of a large and very heavy and slow flutter";

        Assert.Equal(0, For("wing flutter", window: 3).Score(text), 9);
        Assert.Equal(1, For("wing flutter", window: 6).Score(text), 9);
    }

    [Fact]
    public void AQuestionOfOneTerm_HasNoPairs()
    {
        var proximity = For("the flutter?");

        Assert.False(proximity.HasPairs);
        Assert.Equal(0, proximity.Score("flutter flutter"), 9);
    }
}

using RagApp.Rag.Index.Keywords;

namespace RagApp.Tests.Index;

public sealed class KeywordTokenizerTests
{
    [Fact]
    public void Tokenize_LowerCases_SplitsOnNonAlphanumerics_AndDropsStopWords()
    {
        var tokens = KeywordTokenizer.Tokenize("The Mach-2 shock wave, and THE boundary_layer (in 1958)!");

        Assert.Equal(["mach", "2", "shock", "wave", "boundary", "layer", "1958"], tokens);
    }

    [Fact]
    public void Tokenize_KeepsNonAsciiLetters()
    {
        Assert.Equal(["über", "strasse", "straße", "naïve", "東京"], KeywordTokenizer.Tokenize("Über STRASSE? no: Straße; naïve 東京"));
    }

    [Fact]
    public void CountTerms_CountsRepeats_AndLengthExcludesStopWords()
    {
        var (frequencies, length) = KeywordTokenizer.CountTerms("flow of the flow, and heat flow");

        Assert.Equal(4, length);
        Assert.Equal(3, frequencies["flow"]);
        Assert.Equal(1, frequencies["heat"]);
        Assert.False(frequencies.ContainsKey("the"));
    }

    [Fact]
    public void DistinctTerms_KeepsFirstSeenOrder()
    {
        Assert.Equal(["heat", "flow"], KeywordTokenizer.DistinctTerms("heat flow heat FLOW"));
        Assert.Empty(KeywordTokenizer.DistinctTerms("   "));
        Assert.Empty(KeywordTokenizer.DistinctTerms("the and of"));
    }

    [Fact]
    public void OverlongTerms_AreCut_ToTheMaximumLength()
    {
        var term = Assert.Single(KeywordTokenizer.Tokenize("x" + new string('A', 300) + "!"));

        Assert.Equal(TokenReader.MaxTermLength, term.Length);
        Assert.Equal("x" + new string('a', TokenReader.MaxTermLength - 1), term);
    }
}
